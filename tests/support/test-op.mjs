// The in-repo test OP is the package's test kit (govuk-one-login-tokens/testing, pkg/testing.js):
// one implementation. This file keeps the API the repository's tests were written against:
// startTestOp({ clientId, clientPublicJwk | clientSecret, redirectUris, postLogoutRedirectUris,
// now, requirePkce, sub }) with PKCE enforced by default, an exact list of redirect URIs, a fresh
// user per OP, and the user the flow tests assert on (the shapes of the One Login reference's §3
// examples), all set through the kit's simulator configuration body. Everything else (faults via
// op.inject, op.requests, op.authorize, op.userinfoFor, op.logoutToken, op.backChannelLogout) is
// the kit's own.
import { randomBytes } from 'node:crypto';
import { startTestOneLogin, AuthorizeRejected, CLAIM, LOGOUT_EVENT, VOCAB, parseVtr } from 'govuk-one-login-tokens/testing';

export { AuthorizeRejected, CLAIM, LOGOUT_EVENT, VOCAB, parseVtr };

/** The user these tests sign in (reference §3 shapes), as a simulator responseConfiguration. */
const REFERENCE_USER = {
  email: 'test@example.com',
  emailVerified: true,
  phoneNumber: '+447700900123',
  phoneNumberVerified: true,
  maxLoCAchieved: 'P2',
  postalAddressDetails: [
    {
      uprn: 100120472196,
      buildingNumber: '26',
      streetName: 'FRAMPTON ROAD',
      addressLocality: 'GLOUCESTER',
      postalCode: 'GL1 5QB',
      addressCountry: 'GB',
      validFrom: '2000-01-01',
    },
  ],
  passportDetails: [{ documentNumber: '123456789', icaoIssuerCode: 'GBR', expiryDate: '2029-02-02' }],
  drivingPermitDetails: [
    { personalNumber: 'DOE99802085J99FG', expiryDate: '2033-01-18', issueNumber: '5', issuedBy: 'DVLA', issueDate: '2023-01-18' },
  ],
  returnCodes: [{ code: 'A' }],
  coreIdentityVerifiableCredentials: {
    type: ['VerifiableCredential', 'IdentityCheckCredential'],
    credentialSubject: {
      name: [{ nameParts: [{ value: 'KENNETH', type: 'GivenName' }, { value: 'DECERQUEIRA', type: 'FamilyName' }] }],
      birthDate: [{ value: '1965-07-08' }],
    },
  },
};

/**
 * Start a test OP on 127.0.0.1 (a free port): the kit, registered and configured as these tests
 * expect. `op.environment` is every URL (getEnvironment's shape), as the tests read them.
 */
export async function startTestOp({
  clientId,
  clientPublicJwk,
  clientSecret,
  redirectUris = [],
  postLogoutRedirectUris = [],
  now,
  requirePkce = true,
  sub = `urn:fdc:gov.uk:2022:${randomBytes(32).toString('base64url')}`,
} = {}) {
  if (typeof clientId !== 'string' || clientId === '') throw new TypeError('startTestOp: clientId is required');
  if (clientPublicJwk === undefined && clientSecret === undefined) {
    throw new TypeError('startTestOp: register the client with clientPublicJwk (private_key_jwt) or clientSecret (client_secret_post)');
  }
  // An empty list registers nothing (the kit would take any URI until redirectUrls is set).
  const registered = (uris) => (uris.length > 0 ? uris : ['https://unregistered.invalid/']);
  const op = await startTestOneLogin({
    clientId,
    ...(clientPublicJwk !== undefined ? { publicKey: clientPublicJwk } : { clientSecret }),
    requirePkce,
    ...(now === undefined ? {} : { now }),
    configuration: {
      clientConfiguration: { redirectUrls: registered(redirectUris), postLogoutRedirectUrls: postLogoutRedirectUris },
      responseConfiguration: { ...REFERENCE_USER, sub },
    },
  });
  // The tests read every URL by name (getEnvironment's shape), and pass it as the environment.
  return Object.defineProperties(op, {
    environment: { value: op.endpoints, enumerable: true },
    sub: { value: sub, enumerable: true },
  });
}
