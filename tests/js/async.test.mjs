// The asynchronous verifiers (verifyJwtAsync, verifyIdTokenAsync, verifyCoreIdentityAsync,
// verifyLogoutTokenAsync): the same outcome as their synchronous twins, result or error, on
// every host path:
//   - Node's, where they run the synchronous functions (Node's own arithmetic);
//   - the browser and Workers path, where no synchronous verifier exists and WebCrypto
//     (crypto.subtle.verify; here Node's) decides each signature after the core's checks. That
//     path is made here by removing the Node verifier from the very host-crypto.js module the
//     package's Node entry loaded; the synchronous functions then use the portable arithmetic,
//     so each comparison is WebCrypto against the core's own code.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  verifyJwt,
  verifyJwtAsync,
  verifyIdToken,
  verifyIdTokenAsync,
  verifyCoreIdentity,
  verifyCoreIdentityAsync,
  verifyLogoutToken,
  verifyLogoutTokenAsync,
  KeySet,
  TokenError,
} from 'govuk-one-login-tokens';
import { makeKey, signJwt, flipByte, claims, verifyOpts, jwksOf } from './fixtures.mjs';
import {
  makeOneLogin,
  idToken,
  idClaims,
  coreIdentityToken,
  logoutToken,
  CLIENT_ID,
  NONCE,
  NOW,
  SUB,
} from './onelogin-fixtures.mjs';

const pkgDir = new URL('../node_modules/govuk-one-login-tokens/', import.meta.url);
const hostCrypto = await import(new URL('host-crypto.js', pkgDir).href);
const { nodeVerify } = await import(new URL('node-crypto.js', pkgDir).href);

let ol;
let rsa4096;
before(async () => {
  ol = await makeOneLogin();
  rsa4096 = await makeKey('RS256', { bits: 4096 });
});

const idOpts = (extra = {}) => ({ jwks: ol.jwks, environment: 'integration', clientId: CLIENT_ID, nonce: NONCE, now: NOW, ...extra });
const identityOpts = (extra = {}) => ({ didDocument: ol.didDocument, environment: 'integration', clientId: CLIENT_ID, sub: SUB, now: NOW, ...extra });
const logoutOpts = (extra = {}) => ({ jwks: ol.jwks, environment: 'integration', clientId: CLIENT_ID, now: NOW, ...extra });

/** The outcome of a call, sync or async, as comparable data. */
async function outcome(call) {
  try {
    return { value: await call() };
  } catch (error) {
    assert.ok(error instanceof TokenError, `not a TokenError: ${error?.stack ?? error}`);
    return { error: { code: error.code, message: error.message, claim: error.claim, reason: error.reason, option: error.option } };
  }
}

/** Named cases: [name, sync call, async call]; the two must agree. */
async function cases() {
  const es = ol.es;
  const rs = ol.rs;
  const bigJwks = jwksOf(rsa4096);
  const jwt4096 = await signJwt(rsa4096, claims());
  const expiredId = idToken(es, { exp: NOW - 3600 });
  const list = [];
  const pair = (name, sync, asyncTwin, token, options) => list.push([name, () => sync(token, options), () => asyncTwin(token, options)]);
  for (const key of [es, rs]) {
    const token = idToken(key);
    pair(`ID token ${key.alg}: valid`, verifyIdToken, verifyIdTokenAsync, token, idOpts());
    pair(`ID token ${key.alg}: valid, KeySet instance`, verifyIdToken, verifyIdTokenAsync, token, idOpts({ jwks: new KeySet(ol.jwks) }));
    pair(`ID token ${key.alg}: signature byte flipped`, verifyIdToken, verifyIdTokenAsync, flipByte(token, 2, 5), idOpts());
    pair(`ID token ${key.alg}: payload byte flipped`, verifyIdToken, verifyIdTokenAsync, flipByte(token, 1, 3), idOpts());
    pair(`ID token ${key.alg}: wrong nonce (a claim check after the signature)`, verifyIdToken, verifyIdTokenAsync, token, idOpts({ nonce: 'other' }));
  }
  pair('ID token: expired, signature valid', verifyIdToken, verifyIdTokenAsync, expiredId, idOpts());
  // The synchronous verifier stops at the signature before it reads the claims: so must this.
  pair('ID token: expired and signature invalid', verifyIdToken, verifyIdTokenAsync, flipByte(expiredId, 2, 9), idOpts());
  pair('ID token: signed by an unknown key', verifyIdToken, verifyIdTokenAsync, idToken({ ...es, kid: 'nope' }), idOpts());
  pair('ID token: alg none', verifyIdToken, verifyIdTokenAsync, `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify(idClaims())).toString('base64url')}.`, idOpts());
  pair('ID token: misspelled option', verifyIdToken, verifyIdTokenAsync, idToken(es), idOpts({ nounce: NONCE }));
  pair('ID token: options not an object', verifyIdToken, verifyIdTokenAsync, idToken(es), 'nope');
  pair('ID token: jwks missing', verifyIdToken, verifyIdTokenAsync, idToken(es), idOpts({ jwks: undefined }));
  pair('ID token: not a string', verifyIdToken, verifyIdTokenAsync, 42, idOpts());
  pair('JWT RS256-4096: valid', verifyJwt, verifyJwtAsync, jwt4096, verifyOpts({ jwks: bigJwks }));
  pair('JWT RS256-4096: signature flipped', verifyJwt, verifyJwtAsync, flipByte(jwt4096, 2, 100), verifyOpts({ jwks: bigJwks }));
  pair('JWT: wrong audience', verifyJwt, verifyJwtAsync, jwt4096, verifyOpts({ jwks: bigJwks, audience: 'x' }));
  const credential = coreIdentityToken(ol.identity);
  pair('core identity: valid', verifyCoreIdentity, verifyCoreIdentityAsync, credential, identityOpts());
  pair('core identity: signature flipped', verifyCoreIdentity, verifyCoreIdentityAsync, flipByte(credential, 2, 1), identityOpts());
  pair('core identity: wrong sub', verifyCoreIdentity, verifyCoreIdentityAsync, credential, identityOpts({ sub: 'urn:other' }));
  const logout = logoutToken(es);
  pair('logout: valid', verifyLogoutToken, verifyLogoutTokenAsync, logout, logoutOpts());
  pair('logout: signature flipped', verifyLogoutToken, verifyLogoutTokenAsync, flipByte(logout, 2, 3), logoutOpts());
  pair('logout: RS256 (One Login signs logout tokens with ES256)', verifyLogoutToken, verifyLogoutTokenAsync, logoutToken(rs), logoutOpts());
  pair('logout: not a logout token (an ID token)', verifyLogoutToken, verifyLogoutTokenAsync, idToken(es), logoutOpts());
  return list;
}

async function agreeOnEveryCase() {
  let valid = 0;
  let refused = 0;
  for (const [name, sync, asyncTwin] of await cases()) {
    const promise = asyncTwin();
    assert.ok(promise instanceof Promise, `${name}: the async twin returns a Promise, even for a refusal`);
    const [expected, actual] = [await outcome(sync), await outcome(() => promise)];
    // A message that names the function names the one called.
    if (actual.error) actual.error.message = actual.error.message.replace(/^(verify\w+)Async /, '$1 ');
    assert.deepEqual(actual, expected, name);
    if ('value' in expected) valid++;
    else refused++;
  }
  assert.ok(valid >= 7 && refused >= 15, `both outcomes covered (valid ${valid}, refused ${refused})`);
}

test('Node: each async twin has the outcome of its synchronous function', agreeOnEveryCase);

test('WebCrypto path: each async twin agrees with the synchronous function on the portable arithmetic', async () => {
  const subtleVerify = SubtleCrypto.prototype.verify;
  let webCryptoCalls = 0;
  SubtleCrypto.prototype.verify = function (...args) {
    webCryptoCalls++;
    return subtleVerify.apply(this, args);
  };
  hostCrypto.setHostVerifier(undefined);
  try {
    await agreeOnEveryCase();
    assert.ok(webCryptoCalls >= 20, `WebCrypto decided the signatures (${webCryptoCalls} calls)`);
  } finally {
    SubtleCrypto.prototype.verify = subtleVerify;
    hostCrypto.setHostVerifier(nodeVerify);
  }
});

test('a host whose WebCrypto is faster for ES256 (Deno): ES256 goes to WebCrypto, RS256 to the host verifier', async () => {
  const subtleVerify = SubtleCrypto.prototype.verify;
  const used = { webCrypto: [], host: [] };
  SubtleCrypto.prototype.verify = function (params, ...rest) {
    used.webCrypto.push(params.name);
    return subtleVerify.call(this, params, ...rest);
  };
  hostCrypto.setHostVerifier((jwk, alg, ...rest) => {
    used.host.push(alg);
    return nodeVerify(jwk, alg, ...rest);
  }, { webCryptoFirst: ['ES256'] });
  try {
    await agreeOnEveryCase();
    assert.ok(used.webCrypto.length > 0 && used.webCrypto.every((name) => name === 'ECDSA'), `WebCrypto: ${used.webCrypto}`);
    assert.ok(used.host.includes('RS256'), 'the host verifier checked the RS256 signatures');
    // The synchronous functions still use the host verifier for both algorithms.
    used.host.length = 0;
    verifyIdToken(idToken(ol.es), idOpts());
    assert.deepEqual(used.host, ['ES256']);
  } finally {
    SubtleCrypto.prototype.verify = subtleVerify;
    hostCrypto.setHostVerifier(nodeVerify);
  }
});

/** Run `fn` on the WebCrypto path with crypto.subtle.verify replaced by `verify`. */
async function withSubtleVerify(verify, fn) {
  const subtleVerify = SubtleCrypto.prototype.verify;
  SubtleCrypto.prototype.verify = verify;
  hostCrypto.setHostVerifier(undefined);
  try {
    return await fn(subtleVerify);
  } finally {
    SubtleCrypto.prototype.verify = subtleVerify;
    hostCrypto.setHostVerifier(nodeVerify);
  }
}

test('WebCrypto path: WebCrypto decides, and a refusal from it is final', async () => {
  // The core's own arithmetic would accept this token; WebCrypto's "false" must win.
  await withSubtleVerify(async () => false, async () => {
    const error = await verifyIdTokenAsync(idToken(ol.es), idOpts()).catch((e) => e);
    assert.equal(error?.code, 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
  });
});

test('WebCrypto path: when WebCrypto cannot decide, the portable arithmetic does', async () => {
  await withSubtleVerify(async () => {
    throw new DOMException('not supported here', 'NotSupportedError');
  }, async () => {
    assert.deepEqual(await verifyIdTokenAsync(idToken(ol.rs), idOpts()), idClaims());
    const bad = await verifyIdTokenAsync(flipByte(idToken(ol.rs), 2, 7), idOpts()).catch((e) => e);
    assert.equal(bad?.code, 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
  });
});

test('WebCrypto path: a verification nested in an option getter is never answered by the outer one', async () => {
  // While the async twin's synchronous round runs, a caller's getter verifies another token
  // synchronously. The signature the outer call waits for must not decide the inner one: a
  // tampered inner token is refused, an intact one accepted (by the portable arithmetic).
  const inner = idToken(ol.es);
  const seen = [];
  await withSubtleVerify(SubtleCrypto.prototype.verify, async () => {
    for (const [innerToken, expectValid] of [[flipByte(inner, 2, 4), false], [inner, true]]) {
      const options = idOpts();
      Object.defineProperty(options, 'clockTolerance', {
        enumerable: true,
        get() {
          try {
            verifyIdToken(innerToken, idOpts());
            seen.push(true);
          } catch (e) {
            seen.push(e.code);
          }
          return 0;
        },
      });
      assert.deepEqual(await verifyIdTokenAsync(idToken(ol.rs), options), idClaims());
      assert.ok(seen.length > 0, 'the getter ran');
      for (const s of seen) assert.equal(s, expectValid ? true : 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
      seen.length = 0;
    }
  });
});

test('WebCrypto path: concurrent verifications each get their own verdict', async () => {
  await withSubtleVerify(SubtleCrypto.prototype.verify, async () => {
    const keys = new KeySet(ol.jwks);
    try {
      const tokens = Array.from({ length: 60 }, (_, i) => {
        const token = idToken(i % 2 ? ol.es : ol.rs, { sid: `s${i}` });
        return i % 3 === 0 ? flipByte(token, 2, 2) : token;
      });
      const results = await Promise.allSettled(tokens.map((t) => verifyIdTokenAsync(t, idOpts({ jwks: keys }))));
      results.forEach((r, i) => {
        if (i % 3 === 0) assert.equal(r.reason?.code, 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED', `token ${i}`);
        else assert.equal(r.value?.sid, `s${i}`, `token ${i}`);
      });
    } finally {
      keys.free();
    }
  });
});

test('WebCrypto path: a KeySet freed while WebCrypto works is never read after it is freed', async () => {
  await withSubtleVerify(SubtleCrypto.prototype.verify, async () => {
    // A valid token needs one round: the key set was read before it was freed.
    const keys = new KeySet(ol.jwks);
    const pending = verifyIdTokenAsync(idToken(ol.es), idOpts({ jwks: keys }));
    keys.free();
    assert.deepEqual(await pending, idClaims());
    // A bad signature needs a second round, which finds the key set freed: a typed refusal.
    const again = new KeySet(ol.jwks);
    const refused = verifyIdTokenAsync(flipByte(idToken(ol.es), 2, 6), idOpts({ jwks: again }));
    again.free();
    const error = await refused.catch((e) => e);
    assert.equal(error?.code, 'ERR_INVALID_ARGUMENT');
    assert.equal(error?.option, 'jwks');
  });
});

after(() => hostCrypto.setHostVerifier(nodeVerify));
