// Both module systems load the package by name, ready without any await: ESM import (node.mjs)
// and CommonJS require (index.cjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import * as esm from 'govuk-one-login-tokens';
import { A3, RFC7515_NOW, RFC7515_PAYLOAD } from './rfc.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const API = [
  'DidDocument',
  'KeySet',
  'MemoryStore',
  'OneLoginClient',
  'RedisStore',
  'SigningKey',
  'TokenError',
  'buildAuthorizationUrl',
  'checkList',
  'createIdTokenVerifier',
  'createIdTokenVerifierAsync',
  'createLogoutTokenVerifier',
  'createLogoutTokenVerifierAsync',
  'createPkce',
  'decodeJwt',
  'default',
  'errorCodes',
  'getEnvironment',
  'initSync',
  'inspectToken',
  'limits',
  'lists',
  'pkceChallenge',
  'pkceMatches',
  'randomNonce',
  'randomState',
  'ready',
  'safeReturnTo',
  'signClientAssertion',
  'signClientAssertionWithKey',
  'signRequestObject',
  'signRequestObjectWithKey',
  'tokenKinds',
  'verifyCoreIdentity',
  'verifyCoreIdentityAsync',
  'verifyCoreIdentityWithDidDocument',
  'verifyIdToken',
  'verifyIdTokenAsync',
  'verifyIdTokenWithKeySet',
  'verifyJwt',
  'verifyJwtAsync',
  'verifyJwtWithKeySet',
  'verifyLogoutToken',
  'verifyLogoutTokenAsync',
  'verifyLogoutTokenWithKeySet',
];

test('ESM import resolves to node.mjs and exposes the whole API, ready to use', () => {
  assert.match(fileURLToPath(import.meta.resolve('govuk-one-login-tokens')), /govuk-one-login-tokens[/\\]node\.mjs$/);
  assert.deepEqual(Object.keys(esm).sort(), API);
  assert.deepEqual(esm.verifyJwt(A3.token, { jwks: { keys: [A3.jwk] }, now: RFC7515_NOW }), RFC7515_PAYLOAD);
});

test('CommonJS require (in this process) resolves to index.cjs and works synchronously', () => {
  const require = createRequire(import.meta.url);
  const cjs = require('govuk-one-login-tokens');
  assert.match(require.resolve('govuk-one-login-tokens'), /govuk-one-login-tokens[/\\]index\.cjs$/);
  assert.deepEqual(Object.keys(cjs).sort(), API);
  assert.deepEqual(cjs.verifyJwt(A3.token, { jwks: { keys: [A3.jwk] }, now: RFC7515_NOW }), RFC7515_PAYLOAD);
  // Its errors are its own TokenError instances, with the same codes.
  assert.throws(() => cjs.decodeJwt('x'), (e) => e instanceof cjs.TokenError && e.code === 'ERR_JWS_INVALID');
});

// Each consumer script runs in a fresh process on this Node and on Node 18, the oldest supported
// (scripts/setup.sh installs it into .tools/node18; NODE18 points at it).
const NODES = [
  ['this Node', process.execPath],
  ['Node 18', process.env.NODE18],
];
for (const [label, node] of NODES) {
  for (const script of ['consumer.cjs', 'consumer.mjs']) {
    const kind = script.endsWith('.cjs') ? 'CommonJS require' : 'ESM import';
    test(`${kind} in a plain script on ${label}, used at once (no await anywhere)`, (t) => {
      if (!node || !existsSync(node)) return t.skip(`${label} is not installed (run make setup)`);
      const out = execFileSync(node, [path.join(here, script), JSON.stringify({ A3, RFC7515_NOW })], {
        cwd: here,
        encoding: 'utf8',
      });
      const result = JSON.parse(out);
      if (result.resolved) assert.match(result.resolved, /index\.cjs$/);
      assert.deepEqual(result.exports, API);
      assert.deepEqual(result.payload, RFC7515_PAYLOAD);
      assert.equal(result.pkce, 'S256');
      assert.equal(result.random, true);
      assert.equal(result.code, 'ERR_JWT_EXPIRED');
    });
  }
}
