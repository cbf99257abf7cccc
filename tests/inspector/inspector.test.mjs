// End-to-end tests of the token inspector (www/) in headless Debian Chromium, served exactly as
// `make inspector` serves it (scripts/serve.mjs, 127.0.0.1, port 0). Tokens and keys are made
// here at run time; the simulator vectors are read from ../shared when present.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateKeyPairSync } from 'node:crypto';
import { SignJWT, exportJWK } from 'jose';
import { chromium } from 'playwright-core';
import { startInspector, INSPECTOR_CSP } from '../../scripts/serve.mjs';
import { signClientAssertion, signRequestObject } from 'govuk-one-login-tokens';
import { makeKey, jwksOf, claims, signJwt, flipByte, NOW, AUDIENCE } from '../js/fixtures.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const artifacts = path.join(root, 'tests/artifacts');
const SIMULATOR = path.resolve(root, '../shared/vectors/simulator/es256');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const NONCE = 'e2e-nonce-value';
const DID = 'did:web:identity.integration.account.gov.uk';

let server;
let origin;
let context;
let userDataDir;
const requests = [];
const problems = [];
let f;

before(async () => {
  const es = await makeKey('ES256');
  const idClaims = claims({ nonce: NONCE, vot: 'Cl.Cm', sid: 'sid-1', auth_time: NOW - 60, vtm: 'https://oidc.integration.account.gov.uk/trustmark' });
  const valid = await signJwt(es, idClaims, { typ: undefined });
  const identityKey = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const kid = `${DID}#e2e-key`;
  const didDocument = {
    '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/jwk/v1'],
    id: DID,
    assertionMethod: [{ id: kid, type: 'JsonWebKey', controller: DID, publicKeyJwk: { ...(await exportJWK(identityKey.publicKey)), alg: 'ES256' } }],
  };
  const coreIdentity = await new SignJWT({
    sub: idClaims.sub,
    iss: 'https://identity.integration.account.gov.uk/',
    aud: AUDIENCE,
    nbf: NOW - 10,
    iat: NOW - 10,
    exp: NOW + 1790,
    vot: 'P2',
    vc: {
      type: ['VerifiableCredential', 'IdentityCheckCredential'],
      credentialSubject: {
        name: [
          { validUntil: '2020-03-01', nameParts: [{ value: 'Alice', type: 'GivenName' }, { value: "O'Donnell", type: 'FamilyName' }] },
          { validFrom: '2020-03-01', nameParts: [{ value: 'Alice', type: 'GivenName' }, { value: 'Jane', type: 'GivenName' }, { value: 'Doe', type: 'FamilyName' }] },
        ],
        birthDate: [{ value: '1970-01-01' }],
      },
    },
  })
    .setProtectedHeader({ alg: 'ES256', kid })
    .sign(identityKey.privateKey);
  f = {
    valid,
    // One changed signature byte: still well-formed, no longer valid.
    tampered: flipByte(valid, 2, 10),
    expired: await signJwt(es, { ...idClaims, iat: NOW - 4000, exp: NOW - 3880 }),
    jwks: JSON.stringify(jwksOf(es)),
    sub: idClaims.sub,
    coreIdentity,
    didDocument: JSON.stringify(didDocument),
  };

  server = await startInspector(0);
  origin = `http://127.0.0.1:${server.address().port}`;
  userDataDir = mkdtempSync(path.join(tmpdir(), 'inspector-chromium-'));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  // Every request any page makes, to prove the page asks for nothing but its own assets.
  context.on('request', (r) => requests.push(r.url()));
  context.on('weberror', (e) => problems.push(`pageerror: ${e.error().message}`));
  context.on('response', (r) => r.status() >= 400 && problems.push(`${r.status()} ${r.url()}`));
});

after(async () => {
  await context?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve()));
  if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
});

async function openPage({ width = 1024, hash = '' } = {}) {
  const page = await context.newPage();
  page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
  await page.setViewportSize({ width, height: 900 });
  await page.goto(`${origin}/${hash}`);
  await page.waitForSelector('html[data-ready="true"]', { timeout: 10_000 });
  return page;
}

/** Fill the verification inputs for the generated fixtures (integration, checked at NOW). */
async function fillVerification(page, { jwks = f.jwks, did } = {}) {
  await page.fill('#jwks', jwks ?? '');
  if (did) await page.fill('#did-document', did);
  await page.fill('#client-id', AUDIENCE);
  await page.fill('#nonce', NONCE);
  await page.click('.govuk-details__summary');
  await page.fill('#now', String(NOW));
}

async function checks(page) {
  return page.$$eval('#checks li', (items) => Object.fromEntries(items.map((li) => [li.dataset.check, { status: li.dataset.status, text: li.textContent }])));
}

test('a generated ES256 ID token shows its kind and its claims explained', async () => {
  const page = await openPage();
  await page.fill('#token', f.valid);
  await page.click('#inspect-button');
  await page.waitForSelector('#decoded:not([hidden])');
  assert.equal(await page.textContent('#kind-name'), 'ID token');
  const claimsText = await page.textContent('#claims-list');
  assert.match(claimsText, /nonce/);
  assert.match(claimsText, new RegExp(NONCE));
  assert.match(claimsText, /Vector of trust/);
  assert.match(claimsText, /UTC \((expires in|expired) /);
  assert.match(await page.textContent('#payload-json'), /"sub": "urn:fdc:gov.uk:2022:abc"/);
  // Without keys the signature is not checked, and the page says so.
  assert.equal(await page.isVisible('#unverified-warning'), true);
  await page.close();
});

test('with the matching JWKS pasted, every check passes', async () => {
  const page = await openPage();
  await page.fill('#token', f.valid);
  await fillVerification(page);
  await page.click('#check-button');
  await page.waitForSelector('#verdict[data-verdict]');
  const lines = await checks(page);
  assert.ok(Object.keys(lines).length >= 15, Object.keys(lines).join());
  for (const [id, line] of Object.entries(lines)) {
    // at_hash and auth_time are optional checks (no access token, no max_age given).
    if (id === 'at_hash' || id === 'auth_time') assert.equal(line.status, 'skipped', id);
    else assert.equal(line.status, 'pass', `${id}: ${line.text}`);
  }
  assert.equal(await page.getAttribute('#verdict', 'data-verdict'), 'valid');
  assert.equal(await page.isVisible('#unverified-warning'), false);
  mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: path.join(artifacts, 'inspector.png'), fullPage: true });
  await page.close();
});

test("the service's own client assertion and request object are checked with its pasted JWKS, each failure with One Login's answer", async () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' });
  const serviceJwks = JSON.stringify({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'service-1', alg: 'RS256', use: 'sig' }] });
  const signing = { privateKey: pem, clientId: AUDIENCE, environment: 'integration', kid: 'service-1', now: NOW };
  const assertion = signClientAssertion(signing);
  const toAuthorize = signClientAssertion({ ...signing, audience: 'https://oidc.integration.account.gov.uk/authorize' });
  const authorization = { redirectUri: 'https://rp.example/callback', state: 'state-1', nonce: 'nonce-1', codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM' };
  const requestObject = signRequestObject({ ...signing, ...authorization });
  const toToken = signRequestObject({ ...signing, ...authorization, audience: 'https://oidc.integration.account.gov.uk/token' });

  const page = await openPage();
  assert.equal(await page.isVisible('#service-keys'), false);
  await page.fill('#token', assertion);
  await page.click('#inspect-button');
  await page.waitForSelector('#decoded:not([hidden])');
  assert.match(await page.textContent('#kind-name'), /Client assertion/);
  // Recognised as the service's own: the page asks for its keys, and until then the signature waits.
  assert.equal(await page.isVisible('#service-keys'), true);
  let lines = await checks(page);
  assert.equal(lines.signature.status, 'skipped');
  assert.match(lines.signature.text, /needs your service's public key or JWKS/);

  await page.fill('#service-keys', serviceJwks);
  await page.fill('#client-id', AUDIENCE);
  await page.click('.govuk-details__summary');
  await page.fill('#now', String(NOW));
  await page.click('#check-button');
  await page.waitForSelector('#verdict[data-verdict="valid"]');
  lines = await checks(page);
  for (const id of ['signature', 'kid_found', 'iss', 'sub_is_iss', 'endpoint_aud', 'exp', 'client_jti']) assert.equal(lines[id]?.status, 'pass', id);

  await page.fill('#token', toAuthorize);
  await page.click('#check-button');
  await page.waitForSelector('#verdict[data-verdict="invalid"]');
  lines = await checks(page);
  assert.deepEqual(Object.keys(lines).filter((id) => lines[id].status === 'fail'), ['endpoint_aud']);
  assert.match(lines.endpoint_aud.text, /invalid_client "Invalid signature in private_key_jwt"/);

  await page.fill('#token', requestObject);
  await page.click('#check-button');
  await page.waitForSelector('#verdict[data-verdict="valid"]');
  assert.match(await page.textContent('#kind-name'), /Request object/);
  lines = await checks(page);
  for (const id of ['signature', 'client_id', 'response_type', 'scope', 'endpoint_aud']) assert.equal(lines[id]?.status, 'pass', id);

  await page.fill('#token', toToken);
  await page.click('#check-button');
  await page.waitForSelector('#verdict[data-verdict="invalid"]');
  lines = await checks(page);
  assert.deepEqual(Object.keys(lines).filter((id) => lines[id].status === 'fail'), ['endpoint_aud']);
  assert.match(lines.endpoint_aud.text, /access_denied/);

  // A private key pasted where the public key belongs is refused beside its field.
  await page.fill('#service-keys', JSON.stringify(privateKey.export({ format: 'jwk' })));
  await page.click('#check-button');
  await page.waitForSelector('#service-keys-error:not([hidden])');
  assert.match(await page.textContent('#service-keys-error'), /private key material/);
  await page.close();
});

test('a tampered token fails the signature check with its code', async () => {
  const page = await openPage();
  await page.fill('#token', f.tampered);
  await fillVerification(page);
  await page.click('#check-button');
  await page.waitForSelector('#verdict[data-verdict="invalid"]');
  const lines = await checks(page);
  assert.equal(lines.signature.status, 'fail');
  assert.match(lines.signature.text, /ERR_JWS_SIGNATURE_VERIFICATION_FAILED/);
  // Claims still read, but flagged: never a plain "Pass" while the signature fails.
  assert.equal(lines.exp.status, 'pass');
  assert.match(lines.exp.text, /Pass, unverified/);
  await page.close();
});

test('an expired token fails the exp check', async () => {
  const page = await openPage();
  await page.fill('#token', f.expired);
  await fillVerification(page);
  await page.click('#check-button');
  await page.waitForSelector('#verdict[data-verdict="invalid"]');
  const lines = await checks(page);
  assert.equal(lines.exp.status, 'fail');
  assert.match(lines.exp.text, /ERR_JWT_EXPIRED/);
  assert.equal(lines.signature.status, 'pass');
  assert.match(await page.textContent('#claims-list'), /expired \d+ minutes ago/);
  await page.close();
});

test('a core identity credential with its DID document shows the name card', async () => {
  const page = await openPage();
  await page.fill('#token', f.coreIdentity);
  await fillVerification(page, { jwks: '', did: f.didDocument });
  await page.fill('#id-token-sub', f.sub);
  await page.click('#check-button');
  await page.waitForSelector('#identity:not([hidden])');
  assert.equal(await page.textContent('#kind-name'), 'Core identity credential');
  const card = await page.textContent('#identity-list');
  assert.match(card, /Alice Jane Doe \(from 2020-03-01\)/);
  assert.match(card, /Alice O'Donnell \(until 2020-03-01\)/);
  assert.match(card, /1970-01-01/);
  assert.equal(await page.getAttribute('#verdict', 'data-verdict'), 'valid');
  const lines = await checks(page);
  assert.equal(lines.did_controller.status, 'pass');
  assert.equal(lines.assertion_method.status, 'pass');
  await page.close();
});

test("the PKCE tool's challenge equals RFC 7636's for its verifier, and checks pairs", async () => {
  const page = await openPage();
  await page.fill('#pkce-verifier', 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk');
  await page.click('#pkce-compute');
  assert.equal(await page.inputValue('#pkce-challenge'), 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  await page.click('#pkce-check');
  assert.match(await page.textContent('#pkce-result'), /^Match/);
  await page.fill('#pkce-challenge', 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cN');
  await page.click('#pkce-check');
  assert.match(await page.textContent('#pkce-result'), /^No match/);
  await page.click('#pkce-generate');
  assert.equal((await page.inputValue('#pkce-verifier')).length, 43);
  assert.ok((await page.textContent('#pkce-nonce')).length >= 22);
  await page.close();
});

test('a token in the URL fragment is inspected; errors use the error summary', async () => {
  const page = await openPage({ hash: `#id_token=${f.valid}` });
  await page.waitForSelector('#decoded:not([hidden])');
  assert.equal(await page.inputValue('#token'), f.valid);
  await page.fill('#token', '');
  await page.click('#inspect-button');
  await page.waitForSelector('.govuk-error-summary');
  assert.equal(await page.evaluate(() => document.activeElement.className), 'govuk-error-summary');
  assert.match(await page.textContent('#token-error'), /Enter a token to inspect/);
  assert.match(await page.getAttribute('#token', 'aria-describedby'), /token-error/);
  await page.close();
});

test("an option the core refuses marks its own field (from the error's option, not its words)", async () => {
  const page = await openPage();
  await page.fill('#token', f.valid);
  await fillVerification(page);
  await page.fill('#vtr', '["Cl.Cm.P9"]');
  await page.click('#check-button');
  await page.waitForSelector('.govuk-error-summary');
  assert.match(await page.getAttribute('#vtr-group', 'class'), /govuk-form-group--error/);
  assert.equal(await page.isVisible('#vtr-error'), true);
  assert.equal(await page.getAttribute('#token-group', 'class').then((c) => /--error/.test(c)), false);
  // A key set that does not parse marks the JWKS field.
  await page.fill('#vtr', '');
  await page.fill('#jwks', '{"keys": 7}');
  await page.click('#check-button');
  await page.waitForSelector('#jwks-group.govuk-form-group--error');
  await page.close();
});

test('no horizontal scrolling at 320 px', async () => {
  const page = await openPage({ width: 320 });
  await page.fill('#token', f.valid);
  await fillVerification(page);
  await page.click('#check-button');
  await page.waitForSelector('#verdict[data-verdict]');
  const { scroll, client } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
  assert.ok(scroll <= client, `scrollWidth ${scroll} > clientWidth ${client}`);
  await page.screenshot({ path: path.join(artifacts, 'inspector-320.png'), fullPage: true });
  await page.close();
});

test('keyboard only: Tab to the token, type it, Tab to the button, Enter', async () => {
  const page = await openPage();
  const tabTo = async (id) => {
    for (let i = 0; i < 40; i += 1) {
      await page.keyboard.press('Tab');
      if ((await page.evaluate(() => document.activeElement?.id)) === id) return;
    }
    assert.fail(`Tab never reached #${id}`);
  };
  await tabTo('token');
  await page.keyboard.insertText(f.valid);
  await tabTo('inspect-button');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#decoded:not([hidden])');
  assert.equal(await page.textContent('#kind-name'), 'ID token');
  await page.close();
});

test('the simulator ID token with its JWKS passes every check (custom environment, pinned time)', async (t) => {
  if (!existsSync(SIMULATOR)) {
    if (process.env.CI) assert.fail(`CI is set but ${SIMULATOR} is missing`);
    t.skip(`the simulator vectors (${SIMULATOR}) are absent`);
    return;
  }
  const read = (name) => readFileSync(path.join(SIMULATOR, name), 'utf8').trim();
  const params = JSON.parse(read('flow-params.json'));
  const accessToken = read('access_token.jwt');
  const iat = JSON.parse(Buffer.from(accessToken.split('.')[1], 'base64url')).iat;
  const page = await openPage();
  await page.fill('#token', read('id_token.jwt'));
  await page.check('#env-custom');
  await page.fill('#custom-base-url', params.sim_public_url);
  await page.fill('#jwks', read('jwks.json'));
  await page.fill('#client-id', params.client_id);
  await page.fill('#nonce', params.nonce);
  await page.click('.govuk-details__summary');
  await page.fill('#vtr', params.vtr);
  await page.fill('#access-token', accessToken);
  await page.fill('#now', String(iat));
  await page.click('#check-button');
  await page.waitForSelector('#verdict[data-verdict]');
  const lines = await checks(page);
  for (const [id, line] of Object.entries(lines)) {
    if (id === 'auth_time') assert.equal(line.status, 'skipped', id);
    else assert.equal(line.status, 'pass', `${id}: ${line.text}`);
  }
  assert.equal(lines.at_hash.status, 'pass');
  assert.equal(await page.getAttribute('#verdict', 'data-verdict'), 'valid');
  await page.close();
});

test('the page asked for nothing but its own assets, loaded no font, and serves its CSP', async () => {
  const foreign = requests.filter((url) => !url.startsWith(`${origin}/`));
  assert.deepEqual(foreign, []);
  assert.deepEqual(requests.filter((url) => /\.(woff2?|ttf|otf)(\?|$)/.test(url)), []);
  const paths = new Set(requests.map((url) => new URL(url).pathname));
  for (const p of paths) assert.match(p, /^\/(|app\.js|app\.css|claims\.js|vendor\/govuk-frontend\.css|pkg\/.+)$/, p);
  assert.deepEqual(problems, []);
  const response = await fetch(`${origin}/`);
  assert.equal(response.headers.get('content-security-policy'), `${INSPECTOR_CSP}; frame-ancestors 'none'`);
  const html = await response.text();
  const meta = html.match(/http-equiv="Content-Security-Policy" content="([^"]+)"/)?.[1];
  assert.equal(meta, INSPECTOR_CSP);
  assert.ok(!readFileSync(path.join(root, 'www/vendor/govuk-frontend.css'), 'utf8').includes('GDS Transport'));
});

test('keys are fetched only on request, only from the environment\'s fixed URL', async () => {
  const page = await openPage();
  const jwksUrl = 'https://oidc.integration.account.gov.uk/.well-known/jwks.json';
  const seen = [];
  // Stands in for One Login (this machine has no route out); the page's CSP still applies.
  await page.route('https://**/*', (route) => {
    seen.push(route.request().url());
    route.fulfill({ status: 200, contentType: 'application/json', headers: { 'access-control-allow-origin': '*' }, body: f.jwks });
  });
  await page.fill('#token', f.valid);
  await page.click('#inspect-button');
  assert.deepEqual(seen, []);
  await page.click('#fetch-jwks');
  await page.waitForFunction(() => document.getElementById('jwks').value.includes('"keys"'));
  assert.deepEqual(seen, [jwksUrl]);
  assert.match(await page.textContent('#fetch-status'), /^Fetched/);
  // A custom environment has no fetch buttons: its keys are pasted.
  await page.check('#env-custom');
  assert.equal(await page.isVisible('#fetch-jwks'), false);
  assert.equal(await page.isVisible('#fetch-did'), false);
  await page.close();
});
