// One Login-shaped fixtures generated at run time: an OP with ES256 + RS256 ID-token keys, an
// identity signer with its DID document, a relying party's RSA key, and tokens of every kind.
import { createHash, generateKeyPairSync } from 'node:crypto';
import { exportJWK } from 'jose';
import { makeKey, signJwt, signRaw } from './fixtures.mjs';

export const NOW = 1_750_000_000;
export const CLIENT_ID = 'rp-client-id';
export const ISSUER = 'https://oidc.integration.account.gov.uk/';
export const IDENTITY_ISSUER = 'https://identity.integration.account.gov.uk/';
export const DID_ID = 'did:web:identity.integration.account.gov.uk';
export const SUB = 'urn:fdc:gov.uk:2022:VtcZjnU4Sif2oyJZola3OkN0e3Jeku1cIMN38rFlhU4';
export const NONCE = 'lZk16Vmu8-h7r8L8bFFiHJxpC3L73UBpfb68WC1Qoqg';
export const ACCESS_TOKEN = 'SlAV32hkKG-an-opaque-access-token';
export const LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

/** SHA-256 left half, base64url (OIDC at_hash). */
export const atHash = (accessToken) =>
  createHash('sha256').update(accessToken).digest().subarray(0, 16).toString('base64url');

/** Everything a test needs, generated once per file. */
export async function makeOneLogin() {
  const [es, rs, identity] = await Promise.all([
    makeKey('ES256', { kid: 'a'.repeat(64) }),
    makeKey('RS256', { kid: 'b'.repeat(64) }),
    makeKey('ES256', { kid: `${DID_ID}#${'c'.repeat(64)}` }),
  ]);
  const jwks = { keys: [es.jwk, rs.jwk] };
  const { kid: _kid, use: _use, ...identityJwk } = identity.jwk;
  const didDocument = {
    '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/jwk/v1'],
    id: DID_ID,
    assertionMethod: [{ id: identity.kid, type: 'JsonWebKey', controller: DID_ID, publicKeyJwk: identityJwk }],
  };
  const rp = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const rpPem = rp.privateKey.export({ type: 'pkcs8', format: 'pem' });
  const rpJwk = { ...(await exportJWK(rp.privateKey)), kid: 'rp-key-1' };
  return { es, rs, identity, jwks, didDocument, rp: { ...rp, pem: rpPem, jwk: rpJwk } };
}

export function idClaims(extra = {}) {
  const claims = {
    at_hash: atHash(ACCESS_TOKEN),
    sub: SUB,
    aud: CLIENT_ID,
    iss: ISSUER,
    vot: 'Cl.Cm',
    exp: NOW + 110,
    iat: NOW - 10,
    nonce: NONCE,
    vtm: 'https://oidc.integration.account.gov.uk/trustmark',
    sid: 'dX5xv0XgHh6yfD1xy-ss_1EDK0I',
    auth_time: NOW - 60,
    ...extra,
  };
  for (const [k, v] of Object.entries(claims)) if (v === undefined) delete claims[k];
  return claims;
}

/** An ID token as One Login signs it: header { kid, alg }, no typ. */
export const idToken = (key, extra) => signRaw(key, { kid: key.kid, alg: key.alg }, idClaims(extra));

export function identityClaims(extra = {}) {
  return {
    sub: SUB,
    iss: IDENTITY_ISSUER,
    aud: CLIENT_ID,
    nbf: NOW - 10,
    iat: NOW - 10,
    exp: NOW + 1790,
    vot: 'P2',
    vtm: 'https://oidc.integration.account.gov.uk/trustmark',
    vc: {
      type: ['VerifiableCredential', 'IdentityCheckCredential'],
      credentialSubject: {
        name: [
          {
            validFrom: '2020-03-01',
            nameParts: [
              { value: 'Alice', type: 'GivenName' },
              { value: 'Jane', type: 'GivenName' },
              { value: 'Doe', type: 'FamilyName' },
            ],
          },
          {
            validUntil: '2020-03-01',
            nameParts: [
              { value: 'Alice', type: 'GivenName' },
              { value: 'O’Donnell', type: 'FamilyName' },
            ],
          },
        ],
        birthDate: [{ value: '1970-01-01' }, { value: '1970-01-02' }],
      },
    },
    ...extra,
  };
}

export const coreIdentityToken = (identity, extra, header = {}) =>
  signRaw(identity, { kid: identity.kid, alg: 'ES256', ...header }, identityClaims(extra));

export function logoutClaims(extra = {}) {
  return {
    iss: ISSUER,
    sub: SUB,
    aud: CLIENT_ID,
    iat: NOW - 5,
    exp: NOW + 115,
    jti: '30642c87-6167-413f-8ace-f1643c59e398',
    events: { [LOGOUT_EVENT]: {} },
    ...extra,
  };
}

export const logoutToken = (key, extra, header = {}) =>
  signRaw(key, { kid: key.kid, typ: 'logout+jwt', alg: key.alg, ...header }, logoutClaims(extra));

export { signJwt, signRaw };
