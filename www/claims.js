// One line per claim and header member that One Login tokens carry, after One Login's technical
// documentation and the JOSE/OIDC RFCs. Used only for display.
export const HEADER = {
  alg: 'Signature algorithm. One Login uses ES256 (or RS256 if your client asked for it).',
  kid: 'Key ID: which key in the JWKS (or, for core identity, which DID assertionMethod) signed it.',
  typ: 'Media type. Logout tokens say logout+jwt; ID tokens have none.',
  cty: 'Content type of the payload (not used by One Login).',
  crit: 'Header members the verifier must understand.',
  jku: 'A URL of keys chosen by whoever made the token. Ignored here: trusting it would let anyone sign.',
  jwk: 'A key embedded by whoever made the token. Ignored here: trusting it would let anyone sign.',
  x5u: 'A certificate URL chosen by whoever made the token. Ignored here.',
  x5c: 'A certificate chain embedded by whoever made the token. Ignored here.',
};

export const CLAIMS = {
  iss: 'Issuer: who made the token. Must exactly equal the environment\'s issuer, trailing slash included.',
  sub: 'Subject: the user\'s identifier for your service (pairwise). Use it as the user\'s key, not the email.',
  aud: 'Audience: the client ID the token is for (for your client assertion or request object: One Login\'s token or authorize URL).',
  exp: 'Expiry time. ID tokens last 2 minutes, core identity credentials 30 minutes.',
  iat: 'Issued-at time.',
  nbf: 'Not-before time.',
  jti: 'Unique token ID. For logout tokens, refuse one seen in the last 3 minutes; a client assertion\'s is single use.',
  azp: 'Authorized party: the client ID, needed when aud lists several.',
  nonce: 'The nonce from your authorization request; must match to stop replayed tokens.',
  vot: 'Vector of trust achieved: Cl or Cl.Cm for authentication, P0–P3 (level of confidence) for identity.',
  vtm: 'Trustmark URL listing the vectors of trust One Login supports.',
  sid: 'Session ID: identifies the user\'s One Login journey.',
  auth_time: 'When the user last authenticated. Checked against max_age when you sent one.',
  at_hash: 'Access token hash: left half of SHA-256 of the access token, base64url.',
  c_hash: 'Authorization code hash.',
  vc: 'The verifiable credential: the user\'s names and dates of birth (see the identity card).',
  events: 'Back-channel logout event. Must hold exactly http://schemas.openid.net/event/backchannel-logout.',
  scope: 'Scopes the access token grants (in a request object: the scopes asked for, openid first).',
  client_id: 'The client the access token was issued to (in a request object: your client ID).',
  response_type: 'Request object: what the authorize endpoint returns. Always code.',
  redirect_uri: 'Request object: where One Login sends the user back. Must exactly match a registered URL.',
  state: 'Request object: your value, returned on the redirect to tie it to this browser.',
  claims: 'Extra claims the access token lets you fetch from /userinfo.',
  email: 'The user\'s email address.',
  email_verified: 'Whether One Login verified the email (always true).',
  phone_number: 'The user\'s phone number (only when it is their 2FA method).',
  phone_number_verified: 'Whether One Login verified the phone number.',
  wallet_subject_id: 'The user\'s GOV.UK Wallet identifier.',
  'https://vocab.account.gov.uk/v1/coreIdentityJWT': 'The core identity credential: a signed JWT with the user\'s name and date of birth.',
  'https://vocab.account.gov.uk/v1/address': 'The user\'s addresses, current first (no validUntil).',
  'https://vocab.account.gov.uk/v1/passport': 'Passport details used to prove the user\'s identity.',
  'https://vocab.account.gov.uk/v1/drivingPermit': 'Driving licence details used to prove the user\'s identity.',
  'https://vocab.account.gov.uk/v1/returnCode': 'Return codes explaining why identity could not be proved.',
  'https://vocab.account.gov.uk/v1/inheritedIdentityJWT': 'An identity inherited from another service.',
};

export const TIME_CLAIMS = new Set(['exp', 'iat', 'nbf', 'auth_time']);

/** "expires in 87 s", "expired 3 days ago": `seconds` from `now`, with the claim's verb. */
export function relative(claim, seconds, now) {
  const delta = seconds - now;
  const span = humanSpan(Math.abs(delta));
  if (claim === 'exp') return delta > 0 ? `expires in ${span}` : `expired ${span} ago`;
  if (claim === 'nbf') return delta > 0 ? `valid in ${span}` : `valid since ${span} ago`;
  return delta > 0 ? `${span} in the future` : `${span} ago`;
}

function humanSpan(s) {
  if (s < 120) return `${Math.round(s)} s`;
  if (s < 7200) return `${Math.round(s / 60)} minutes`;
  if (s < 172800) return `${Math.round(s / 3600)} hours`;
  return `${Math.round(s / 86400)} days`;
}

/** "2026-11-21 10:00:00 UTC" */
export function utc(seconds) {
  const d = new Date(seconds * 1000);
  if (Number.isNaN(d.getTime())) return 'not a valid time';
  return `${d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, '')} UTC`;
}
