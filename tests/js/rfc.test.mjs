// Published vectors: RFC 7515 A.2 (RS256) and A.3 (ES256), RFC 7636 appendix B (PKCE S256).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { verifyJwt, KeySet, pkceChallenge, pkceMatches, TokenError } from 'govuk-one-login-tokens';
import { A2, A3, RFC7515_NOW, RFC7515_EXP, RFC7515_PAYLOAD, RFC7636 } from './rfc.mjs';
import { flipByte, segmentLength } from './fixtures.mjs';

for (const [name, vector] of [
  ['RFC 7515 A.2 RS256', A2],
  ['RFC 7515 A.3 ES256', A3],
]) {
  test(`${name} verifies with the clock set back to 2011`, () => {
    const payload = verifyJwt(vector.token, { jwks: { keys: [vector.jwk] }, now: RFC7515_NOW, issuer: 'joe' });
    assert.deepEqual(payload, RFC7515_PAYLOAD);
  });

  test(`${name} is expired after its exp`, () => {
    assert.throws(
      () => verifyJwt(vector.token, { jwks: { keys: [vector.jwk] }, now: RFC7515_EXP + 31 }),
      (e) => e instanceof TokenError && e.code === 'ERR_JWT_EXPIRED' && e.claim === 'exp',
    );
  });

  test(`${name} fails when any one byte of the header, payload or signature changes`, () => {
    const keys = new KeySet({ keys: [vector.jwk] });
    try {
      const opts = { now: RFC7515_NOW, clockTolerance: 0 };
      assert.deepEqual(verifyJwt(vector.token, { jwks: keys, ...opts }), RFC7515_PAYLOAD);
      let checked = 0;
      for (const seg of [0, 1, 2]) {
        for (let i = 0; i < segmentLength(vector.token, seg); i += 1) {
          const changed = flipByte(vector.token, seg, i);
          assert.throws(
            () => verifyJwt(changed, { jwks: keys, ...opts }),
            (e) => e instanceof TokenError && typeof e.code === 'string',
            `segment ${seg} byte ${i} changed but the token still verified`,
          );
          checked += 1;
        }
      }
      assert.ok(checked > 100);
      // The signature-only changes must fail as signature failures, not anything looser.
      assert.throws(
        () => verifyJwt(flipByte(vector.token, 2, 10), { jwks: keys, ...opts }),
        { name: 'TokenError', code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' },
      );
      // A payload byte that keeps the JSON valid ("joe" -> "jne") is caught by the signature.
      const payloadText = Buffer.from(vector.token.split('.')[1], 'base64url').toString();
      assert.throws(
        () => verifyJwt(flipByte(vector.token, 1, payloadText.indexOf('joe') + 1), { jwks: keys, ...opts }),
        { name: 'TokenError', code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' },
      );
    } finally {
      keys.free();
    }
  });
}

test('RFC 7636 appendix B: S256 code challenge', () => {
  assert.equal(pkceChallenge(RFC7636.codeVerifier), RFC7636.codeChallenge);
  assert.equal(pkceMatches(RFC7636.codeVerifier, RFC7636.codeChallenge), true);
  assert.equal(pkceMatches(RFC7636.codeVerifier, RFC7636.codeChallenge.replace('E9', 'E8')), false);
});
