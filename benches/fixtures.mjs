// The tokens every host verifies, made once per `make bench` run in Node and written to one JSON
// file that the Node, Deno, Bun and Chromium benches all read: per algorithm one key and a list
// of distinct ID-token-shaped tokens (claims: lib.mjs idTokenClaims).
import { generateKeyPairSync, sign } from 'node:crypto';
import { idTokenClaims } from './lib.mjs';

const b64u = (x) => Buffer.from(typeof x === 'string' ? x : JSON.stringify(x)).toString('base64url');

export const ALGS = [
  { id: 'ES256', alg: 'ES256', label: 'ES256 (P-256)', type: 'ec', options: { namedCurve: 'P-256' }, count: 1000 },
  { id: 'RS256-2048', alg: 'RS256', label: 'RS256 (2048-bit)', type: 'rsa', options: { modulusLength: 2048 }, count: 1000 },
  { id: 'RS256-4096', alg: 'RS256', label: 'RS256 (4096-bit)', type: 'rsa', options: { modulusLength: 4096 }, count: 300 },
];

export function makeFixtures(now = Math.floor(Date.now() / 1000)) {
  const out = { now, algs: [] };
  for (const a of ALGS) {
    const { privateKey, publicKey } = generateKeyPairSync(a.type, a.options);
    const kid = `${a.id}-key`;
    const jwk = { ...publicKey.export({ format: 'jwk' }), kid, alg: a.alg, use: 'sig' };
    const header = b64u({ kid, alg: a.alg });
    const tokens = [];
    for (let i = 0; i < a.count; i++) {
      const input = `${header}.${b64u(idTokenClaims(i, now))}`;
      const sig = sign('sha256', Buffer.from(input), a.type === 'ec' ? { key: privateKey, dsaEncoding: 'ieee-p1363' } : privateKey);
      tokens.push(`${input}.${sig.toString('base64url')}`);
    }
    out.algs.push({
      id: a.id,
      alg: a.alg,
      label: a.label,
      jwk,
      jwks: { keys: [jwk] },
      pem: publicKey.export({ format: 'pem', type: 'spki' }),
      tokens,
    });
  }
  return out;
}
