// Both module systems load the package by name, ready without any await: ESM import (node.mjs)
// and CommonJS require (index.cjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import * as esm from 'govuk-one-login-tokens';
import { A3, RFC7515_NOW, RFC7515_PAYLOAD } from './rfc.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const API = [
  'DidDocument',
  'KeySet',
  'OneLoginClient',
  'SigningKey',
  'TokenError',
  'buildAuthorizationUrl',
  'createPkce',
  'decodeJwt',
  'default',
  'getEnvironment',
  'initSync',
  'pkceChallenge',
  'pkceMatches',
  'randomNonce',
  'randomState',
  'signClientAssertion',
  'signClientAssertionWithKey',
  'signRequestObject',
  'signRequestObjectWithKey',
  'verifyCoreIdentity',
  'verifyCoreIdentityWithDidDocument',
  'verifyIdToken',
  'verifyIdTokenWithKeySet',
  'verifyJwt',
  'verifyJwtWithKeySet',
  'verifyLogoutToken',
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

test('CommonJS require in a plain .cjs script (no await anywhere)', () => {
  const out = execFileSync(process.execPath, [path.join(here, 'consumer.cjs'), JSON.stringify({ A3, RFC7515_NOW })], {
    cwd: here,
    encoding: 'utf8',
  });
  const result = JSON.parse(out);
  assert.match(result.resolved, /index\.cjs$/);
  assert.deepEqual(result.exports, API);
  assert.deepEqual(result.payload, RFC7515_PAYLOAD);
  assert.equal(result.pkce, 'S256');
  assert.equal(result.code, 'ERR_JWT_EXPIRED');
});

test('ESM in a fresh process: top-level use with no await', () => {
  const script = `import { createPkce, randomState } from 'govuk-one-login-tokens';
    process.stdout.write(JSON.stringify([createPkce().codeChallengeMethod, randomState().length > 20]));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: here, encoding: 'utf8' });
  assert.deepEqual(JSON.parse(out), ['S256', true]);
});
