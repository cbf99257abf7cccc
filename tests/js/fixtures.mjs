// Test fixtures generated at run time: fresh keys (node:crypto), JWKs and tokens (jose), plus a
// raw signer for tokens jose refuses to make (bad headers, duplicate members, crit, b64:false…).
// Nothing here is committed key material; only the RFC vectors in rfc.mjs are fixed.
import { generateKeyPairSync, sign as cryptoSign } from 'node:crypto';
import { SignJWT, exportJWK } from 'jose';

/** Unix seconds, fixed so tests never depend on the wall clock. */
export const NOW = 1_750_000_000;
export const ISSUER = 'https://oidc.integration.account.gov.uk/';
export const AUDIENCE = 'test-client-id';

const b64u = (bytes) => Buffer.from(bytes).toString('base64url');
export const b64uJson = (value) => b64u(typeof value === 'string' ? value : JSON.stringify(value));

/** A fresh key pair with its public JWK (kid, alg, use set unless overridden). */
export async function makeKey(alg, { kid = `${alg.toLowerCase()}-${Math.random().toString(36).slice(2, 10)}`, bits = 2048, jwk: extra = {} } = {}) {
  const { privateKey, publicKey } =
    alg === 'ES256'
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : generateKeyPairSync('rsa', { modulusLength: bits });
  const jwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig', ...extra };
  for (const [k, v] of Object.entries(jwk)) if (v === undefined) delete jwk[k];
  return { alg, kid, privateKey, publicKey, jwk };
}

/** A JWKS object holding the keys' public JWKs. */
export const jwksOf = (...keys) => ({ keys: keys.map((k) => k.jwk) });

/** Standard claims valid at NOW for ISSUER/AUDIENCE, plus `extra`. */
export function claims(extra = {}) {
  return { iss: ISSUER, aud: AUDIENCE, sub: 'urn:fdc:gov.uk:2022:abc', iat: NOW - 10, nbf: NOW - 10, exp: NOW + 120, ...extra };
}

/** A well-formed token signed by jose. */
export async function signJwt(key, payload = claims(), header = {}) {
  return new SignJWT(payload)
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT', ...header })
    .sign(key.privateKey);
}

/**
 * Sign arbitrary header/payload text (strings are used verbatim, objects JSON-encoded) with the
 * key, producing a compact JWS jose would refuse to make.
 */
export function signRaw(key, header, payload) {
  const input = `${b64uJson(header)}.${b64uJson(payload)}`;
  const sig =
    key.alg === 'ES256'
      ? cryptoSign('sha256', Buffer.from(input), { key: key.privateKey, dsaEncoding: 'ieee-p1363' })
      : cryptoSign('sha256', Buffer.from(input), key.privateKey);
  return `${input}.${b64u(sig)}`;
}

/** Options that make a claims-valid token from claims() verify. */
export const verifyOpts = (extra = {}) => ({ issuer: ISSUER, audience: AUDIENCE, now: NOW, ...extra });

/**
 * Change one decoded byte of segment `seg` (0 header, 1 payload, 2 signature) of a compact token:
 * decode, XOR the byte at `index` with `mask`, re-encode (so the segment stays canonical base64url).
 */
export function flipByte(token, seg, index, mask = 0x01) {
  const parts = token.split('.');
  const bytes = Buffer.from(parts[seg], 'base64url');
  bytes[index] ^= mask;
  parts[seg] = b64u(bytes);
  return parts.join('.');
}

/** The decoded length of segment `seg` of a compact token. */
export const segmentLength = (token, seg) => Buffer.from(token.split('.')[seg], 'base64url').length;

/** A seeded PRNG (mulberry32: small and fast), so generated cases reproduce from their seed. */
export function prng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n) => Math.floor(next() * n);
  return { next, int, pick: (xs) => xs[int(xs.length)], chance: (p) => next() < p };
}
