// Node's native signature verification for the wasm core (see host-crypto.js): the same
// OpenSSL that `jose` reaches through WebCrypto, but synchronous, so `verifyJwt` stays
// synchronous and about an order of magnitude faster than portable wasm arithmetic.
import { createPublicKey, verify } from 'node:crypto';

// Keys arrive as canonical JWK text (RFC 7638 member order), so equal keys are equal strings.
// One Login publishes a handful of keys; the cap only guards against unbounded growth when a
// caller feeds many key sets through one process.
const MAX_CACHED_KEYS = 64;
const keys = new Map();

function keyObject(jwk) {
  let key = keys.get(jwk);
  if (key === undefined) {
    if (keys.size >= MAX_CACHED_KEYS) keys.delete(keys.keys().next().value);
    key = createPublicKey({ key: JSON.parse(jwk), format: 'jwk' });
    keys.set(jwk, key);
  }
  return key;
}

export function nodeVerify(jwk, alg, message, signature) {
  switch (alg) {
    case 'ES256':
      return verify('sha256', message, { key: keyObject(jwk), dsaEncoding: 'ieee-p1363' }, signature);
    case 'RS256':
      return verify('sha256', message, keyObject(jwk), signature);
    default:
      return undefined;
  }
}
