// ROCA (CVE-2017-15361): an RSA key whose modulus has the fingerprint of Infineon's weak key
// generation is refused when the key set is parsed, so no token can verify with it, whichever
// signature arithmetic (Node's or the portable one) would have run. The modulus is made here
// with the ROCA structure, N ≡ 65537^a (mod M) for the primorial M of the fingerprint's primes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, generateKeyPairSync } from 'node:crypto';
import { KeySet, verifyJwt, TokenError } from 'govuk-one-login-tokens';

const PRIMES = [3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97, 101, 103, 107, 109, 113, 127, 131, 137, 139, 149, 151, 157, 163, 167];

function modPow(base, exponent, modulus) {
  let result = 1n;
  let b = base % modulus;
  for (let e = exponent; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % modulus;
    b = (b * b) % modulus;
  }
  return result;
}

const toBase64url = (n) => Buffer.from(n.toString(16).padStart(512, '0'), 'hex').toString('base64url');

function rocaShapedModulus() {
  const primorial = PRIMES.reduce((m, p) => m * BigInt(p), 1n);
  const residue = modPow(65537n, BigInt(randomBytes(4).readUInt32BE()), primorial);
  const random = randomBytes(256);
  random[0] |= 0xc0;
  const x = BigInt(`0x${random.toString('hex')}`);
  let n = x - (x % primorial) + residue;
  if (n % 2n === 0n) n += primorial;
  return n;
}

test('a JWKS holding a ROCA-fingerprinted RSA modulus: the key is refused, naming the weakness', () => {
  const keys = new KeySet({ keys: [{ kty: 'RSA', kid: 'roca', alg: 'RS256', n: toBase64url(rocaShapedModulus()), e: 'AQAB' }] });
  assert.equal(keys.size, 0);
  assert.equal(keys.rejected.length, 1);
  assert.equal(keys.rejected[0].kid, 'roca');
  assert.equal(keys.rejected[0].code, 'ERR_JWK_INVALID');
  assert.match(keys.rejected[0].message, /ROCA/);
  // A token naming that key gets the key's own refusal.
  const header = Buffer.from(JSON.stringify({ alg: 'RS256', kid: 'roca' })).toString('base64url');
  const payload = Buffer.from(JSON.stringify({ sub: 's' })).toString('base64url');
  assert.throws(
    () => verifyJwt(`${header}.${payload}.${'A'.repeat(342)}`, { jwks: keys, now: 1 }),
    (e) => e instanceof TokenError && e.code === 'ERR_JWK_INVALID' && /ROCA/.test(e.message),
  );
});

test('ordinary RSA keys are not mistaken for ROCA keys', () => {
  for (let i = 0; i < 3; i++) {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const jwk = publicKey.export({ format: 'jwk' });
    const keys = new KeySet({ keys: [{ ...jwk, kid: `k${i}`, alg: 'RS256' }] });
    assert.equal(keys.size, 1, JSON.stringify(keys.rejected));
  }
});
