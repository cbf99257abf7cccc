// Cold start in workerd, ours: a fresh workerd process per run; its first request POSTs one ES256
// ID token with its JWKS and `now`, and the answer is the verified `sub` (benches/verify-workerd.mjs).
// It verifies with the async twin, as the README advises for Workers (WebCrypto does the signature).
import * as api from 'govuk-one-login-tokens';

export default {
  async fetch(request) {
    try {
      const { token, jwks, now } = await request.json();
      const claims = await api.verifyIdTokenAsync(token, {
        jwks,
        issuer: 'https://oidc.integration.account.gov.uk/',
        clientId: 'bench-client',
        nonce: 'bench-nonce',
        now,
      });
      return Response.json({ sub: claims.sub });
    } catch (e) {
      return new Response(`${e?.name} ${e?.code}: ${e?.stack}`, { status: 500 });
    }
  },
};
