// Conformance over ../shared/vectors (read in place, never copied), through the JS API and
// through the CLI: the simulator's ES256 and RS256 flows end to end, every simulator negative,
// and the real integration tokens at their verify_at_unix. Without the folder the tests skip
// with a message, except under CI (`CI` set), where they fail.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { verifyIdToken, verifyCoreIdentity, verifyLogoutToken, decodeJwt, KeySet, DidDocument, TokenError } from 'govuk-one-login-tokens';

const VECTORS = fileURLToPath(new URL('../../../shared/vectors/', import.meta.url));
const CLI = fileURLToPath(new URL('../node_modules/govuk-one-login-tokens/cli.js', import.meta.url));
const present = existsSync(VECTORS);
if (!present && process.env.CI) throw new Error(`CI is set but the vectors folder ${VECTORS} is missing`);
const skip = present ? false : `the vectors folder ${VECTORS} is absent`;
if (skip) console.log(`# skipping conformance: ${skip}`);

const read = (...parts) => readFileSync(`${VECTORS}${parts.join('/')}`, 'utf8').trim();
const readJson = (...parts) => JSON.parse(read(...parts));
const dirs = (...parts) => readdirSync(`${VECTORS}${parts.join('/')}`).sort();

/** One simulator journey; `now` is pinned to the access token's iat (tokens live 120 s). */
function flow(...parts) {
  const params = readJson(...parts, 'flow-params.json');
  const accessToken = read(...parts, 'access_token.jwt');
  return {
    params,
    accessToken,
    idToken: read(...parts, 'id_token.jwt'),
    coreIdentity: read(...parts, 'coreIdentityJWT.jwt'),
    now: decodeJwt(accessToken).payload.iat,
    environment: { baseUrl: params.sim_public_url },
  };
}

const idOptions = (f, jwks) => ({
  jwks,
  environment: f.environment,
  clientId: f.params.client_id,
  nonce: f.params.nonce,
  vtr: f.params.vtr,
  accessToken: f.accessToken,
  now: f.now,
});

const identityOptions = (f, didDocument, sub) => ({
  didDocument,
  environment: f.environment,
  clientId: f.params.client_id,
  sub,
  vtr: f.params.vtr,
  now: f.now,
});

const EXPECTED = {
  INVALID_ALG_HEADER: ['ERR_JOSE_ALG_NOT_ALLOWED'],
  INVALID_SIGNATURE: ['ERR_JWS_SIGNATURE_VERIFICATION_FAILED'],
  INVALID_ISS: ['ERR_JWT_CLAIM_VALIDATION_FAILED', 'iss'],
  INVALID_AUD: ['ERR_JWT_CLAIM_VALIDATION_FAILED', 'aud'],
  TOKEN_EXPIRED: ['ERR_JWT_EXPIRED', 'exp'],
  TOKEN_NOT_VALID_YET: ['ERR_JWT_CLAIM_VALIDATION_FAILED', 'iat'],
  NONCE_NOT_MATCHING: ['ERR_JWT_CLAIM_VALIDATION_FAILED', 'nonce'],
  INCORRECT_VOT: ['ERR_JWT_CLAIM_VALIDATION_FAILED', 'vot'],
  INCORRECT_SUB: ['ERR_JWT_CLAIM_VALIDATION_FAILED', 'sub'],
};

function failure(fn) {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof TokenError, `not a TokenError: ${e}`);
    return [e.code, e.claim].filter((x) => x !== undefined);
  }
  return ['verified'];
}

/** The CLI as a user runs it: `{ status, json, stderr }`. */
async function cli(args, input) {
  const child = promisify(execFile)(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  if (input !== undefined) child.child.stdin.end(input);
  try {
    const { stdout, stderr } = await child;
    return { status: 0, json: JSON.parse(stdout), stderr };
  } catch (e) {
    if (typeof e.code !== 'number') throw e;
    return { status: e.code, json: e.stdout ? JSON.parse(e.stdout) : undefined, stderr: e.stderr };
  }
}

const cliIdArgs = (f, jwksFile) => [
  'verify-id-token',
  '--environment', f.params.sim_public_url,
  '--jwks', jwksFile,
  '--client-id', f.params.client_id,
  '--nonce', f.params.nonce,
  '--vtr', f.params.vtr,
  '--access-token', f.accessToken,
  '--now', String(f.now),
];

const cliIdentityArgs = (f, didFile, sub) => [
  'verify-core-identity',
  '--environment', f.params.sim_public_url,
  '--did', didFile,
  '--client-id', f.params.client_id,
  '--sub', sub,
  '--vtr', f.params.vtr,
  '--now', String(f.now),
];

for (const name of ['es256', 'rs256']) {
  test(`simulator ${name} flow end to end (JS API): ID token with nonce and at_hash, core identity, sub equal`, { skip }, () => {
    const f = flow('simulator', name);
    const jwks = new KeySet(read('simulator', name, 'jwks.json'));
    const did = new DidDocument(read('simulator', name, 'did.json'));
    try {
      const claims = verifyIdToken(f.idToken, idOptions(f, jwks));
      assert.equal(decodeJwt(f.idToken).header.alg, name.toUpperCase());
      assert.equal(claims.vot, 'Cl.Cm');
      assert.equal(claims.nonce, f.params.nonce);
      assert.equal(readJson('simulator', name, 'userinfo.json').sub, claims.sub);
      const { claims: credential, identity } = verifyCoreIdentity(f.coreIdentity, identityOptions(f, did, claims.sub));
      assert.equal(credential.sub, claims.sub);
      assert.equal(identity.currentName.fullName, 'GEOFFREY HEARNSHAW');
      assert.equal(identity.birthDate, '1955-04-19');
      assert.equal(identity.levelOfConfidence, 'P2');
      // A wrong access token breaks at_hash; another sub breaks the credential.
      assert.deepEqual(failure(() => verifyIdToken(f.idToken, { ...idOptions(f, jwks), accessToken: `${f.accessToken}x` })), [
        'ERR_JWT_CLAIM_VALIDATION_FAILED',
        'at_hash',
      ]);
      assert.deepEqual(failure(() => verifyCoreIdentity(f.coreIdentity, identityOptions(f, did, `${claims.sub}x`))), [
        'ERR_JWT_CLAIM_VALIDATION_FAILED',
        'sub',
      ]);
    } finally {
      jwks.free();
      did.free();
    }
  });

  test(`simulator ${name} flow end to end (CLI)`, { skip }, async () => {
    const f = flow('simulator', name);
    const id = await cli(cliIdArgs(f, `${VECTORS}simulator/${name}/jwks.json`), `${f.idToken}\n`);
    assert.equal(id.status, 0, id.stderr);
    assert.equal(id.json.vot, 'Cl.Cm');
    const core = await cli([...cliIdentityArgs(f, `${VECTORS}simulator/${name}/did.json`, id.json.sub), f.coreIdentity]);
    assert.equal(core.status, 0, core.stderr);
    assert.equal(core.json.claims.sub, id.json.sub);
    assert.deepEqual(core.json.identity.currentName.givenNames, ['GEOFFREY']);
  });
}

test('every simulator negative fails with the expected code and claim (JS API and CLI)', { skip }, async () => {
  const jwksFile = `${VECTORS}simulator/es256/jwks.json`;
  const didFile = `${VECTORS}simulator/es256/did.json`;
  const jwks = new KeySet(read('simulator', 'es256', 'jwks.json'));
  const did = new DidDocument(read('simulator', 'es256', 'did.json'));
  const idCases = dirs('simulator', 'negative-es256', 'id_token');
  const identityCases = dirs('simulator', 'negative-es256', 'core_identity');
  assert.ok(idCases.length >= 8, 'the simulator has 8 ID token error settings');
  assert.ok(identityCases.length >= 6, 'and 6 core identity ones');
  const viaCli = [];
  try {
    for (const name of idCases) {
      assert.ok(EXPECTED[name], `no expectation for id_token/${name}`);
      const f = flow('simulator', 'negative-es256', 'id_token', name);
      assert.deepEqual(failure(() => verifyIdToken(f.idToken, idOptions(f, jwks))), EXPECTED[name], `id_token/${name}`);
      viaCli.push([`id_token/${name}`, cli([...cliIdArgs(f, jwksFile), f.idToken])]);
    }
    for (const name of identityCases) {
      assert.ok(EXPECTED[name], `no expectation for core_identity/${name}`);
      const f = flow('simulator', 'negative-es256', 'core_identity', name);
      // The ID token of these journeys is fine; its sub is what the credential must match.
      const { sub } = verifyIdToken(f.idToken, idOptions(f, jwks));
      assert.deepEqual(failure(() => verifyCoreIdentity(f.coreIdentity, identityOptions(f, did, sub))), EXPECTED[name], `core_identity/${name}`);
      viaCli.push([`core_identity/${name}`, cli([...cliIdentityArgs(f, didFile, sub), f.coreIdentity])]);
    }
  } finally {
    jwks.free();
    did.free();
  }
  for (const [label, pending] of viaCli) {
    const { status, json, stderr } = await pending;
    assert.equal(status, 1, `${label}: ${stderr}`);
    const [code, claim = null] = EXPECTED[label.split('/')[1]];
    assert.equal(json.error.code, code, label);
    assert.equal(json.error.claim, claim, label);
    assert.equal(typeof json.error.message, 'string');
  }
});

test('real integration tokens verify at their verify_at_unix (JS API and CLI); the wrong-key DID fails', { skip }, async () => {
  const v = readJson('real-integration', 'onelogin-test-vectors.json');
  const jwks = v.integration_jwks_tech_docs_example;

  const rs = v.integration_rs256_id_token;
  const idOpts = { jwks, environment: 'integration', clientId: rs.client_id, nonce: rs.nonce, accessToken: rs.access_token, now: rs.verify_at_unix };
  const id = verifyIdToken(rs.id_token, idOpts);
  assert.equal(id.iss, rs.expected_iss);
  assert.equal(id.vot, 'Cl.Cm');
  assert.equal(decodeJwt(rs.id_token).header.alg, 'RS256');
  // No auth_time in this older token: fine without maxAge, refused with it.
  assert.deepEqual(failure(() => verifyIdToken(rs.id_token, { ...idOpts, maxAge: 600 })), ['ERR_JWT_CLAIM_VALIDATION_FAILED', 'auth_time']);

  const lo = v.integration_logout_token;
  const logout = verifyLogoutToken(lo.jwt, { jwks, environment: 'integration', clientId: lo.client_id, now: lo.verify_at_unix });
  assert.equal(logout.jti, '5cb7506b-83ec-4bd9-a235-2dfdbfc6f07c');
  assert.equal(logout.iss, lo.expected_iss);

  const ci = v.integration_core_identity;
  const sub = decodeJwt(ci.jwt).payload.sub;
  const ciOpts = { environment: 'integration', clientId: ci.client_id, sub, now: ci.verify_at_unix };
  const { identity } = verifyCoreIdentity(ci.jwt, { ...ciOpts, didDocument: ci.did_document_raw });
  assert.deepEqual(identity.currentName.givenNames, ['KENNETH']);
  assert.deepEqual(identity.birthDates, ['1965-07-08']);
  const wrong = JSON.parse(ci.did_document_raw);
  Object.assign(wrong.assertionMethod[0].publicKeyJwk, { x: ci.negative_did_same_kid_wrong_key.x, y: ci.negative_did_same_kid_wrong_key.y });
  assert.deepEqual(failure(() => verifyCoreIdentity(ci.jwt, { ...ciOpts, didDocument: wrong })), ['ERR_JWS_SIGNATURE_VERIFICATION_FAILED']);

  // The same through the CLI, with the documents written where a user would keep them.
  const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(`${tmpdir()}/ol-vectors-`);
  try {
    writeFileSync(`${dir}/jwks.json`, JSON.stringify(jwks));
    writeFileSync(`${dir}/did.json`, ci.did_document_raw);
    writeFileSync(`${dir}/wrong-did.json`, JSON.stringify(wrong));
    const [cliId, cliLogout, cliCore, cliWrong] = await Promise.all([
      cli(['verify-id-token', '--environment', 'integration', '--jwks', `${dir}/jwks.json`, '--client-id', rs.client_id, '--nonce', rs.nonce, '--access-token', rs.access_token, '--now', String(rs.verify_at_unix), rs.id_token]),
      cli(['verify-logout-token', '--environment', 'integration', '--jwks', `${dir}/jwks.json`, '--client-id', lo.client_id, '--now', String(lo.verify_at_unix), '-'], lo.jwt),
      cli(['verify-core-identity', '--environment', 'integration', '--did', `${dir}/did.json`, '--client-id', ci.client_id, '--sub', sub, '--now', String(ci.verify_at_unix), ci.jwt]),
      cli(['verify-core-identity', '--environment', 'integration', '--did', `${dir}/wrong-did.json`, '--client-id', ci.client_id, '--sub', sub, '--now', String(ci.verify_at_unix), ci.jwt]),
    ]);
    assert.equal(cliId.status, 0, cliId.stderr);
    assert.equal(cliId.json.sub, id.sub);
    assert.equal(cliLogout.status, 0, cliLogout.stderr);
    assert.equal(cliLogout.json.jti, logout.jti);
    assert.equal(cliCore.status, 0, cliCore.stderr);
    assert.deepEqual(cliCore.json.identity.currentName.familyNames, ['DECERQUEIRA']);
    assert.equal(cliWrong.status, 1);
    assert.equal(cliWrong.json.error.code, 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
