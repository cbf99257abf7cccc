// Node's native signature verification for the wasm core (see host-crypto.js): the same
// OpenSSL that `jose` reaches through WebCrypto, but synchronous, so `verifyJwt` stays
// synchronous and about an order of magnitude faster than portable wasm arithmetic.
import { createPublicKey, verify } from 'node:crypto';
import { keyCache } from './host-crypto.js';

// A KeyObject per key number (host-crypto.js), made once from the key's canonical JWK text; ES256
// with the verify options object made once too.
const keyObjects = keyCache((jwk) => {
  const key = createPublicKey({ key: JSON.parse(jwk), format: 'jwk' });
  return { key, es256: { key, dsaEncoding: 'ieee-p1363' } };
});

export function nodeVerify(number, alg, message, signature) {
  const keys = keyObjects(number);
  if (keys === undefined) return undefined;
  switch (alg) {
    case 'ES256':
      return verify('sha256', message, keys.es256, signature);
    case 'RS256':
      return verify('sha256', message, keys.key, signature);
    default:
      return undefined;
  }
}
