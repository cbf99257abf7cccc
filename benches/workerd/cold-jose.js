// Cold start in workerd, jose: as cold-ours.js, with jose's `jwtVerify` and `createLocalJWKSet`.
import * as jose from 'jose';

export default {
  async fetch(request) {
    try {
      const { token, jwks, now } = await request.json();
      const { payload } = await jose.jwtVerify(token, jose.createLocalJWKSet(jwks), {
        issuer: 'https://oidc.integration.account.gov.uk/',
        audience: 'bench-client',
        currentDate: new Date(now * 1000),
      });
      return Response.json({ sub: payload.sub });
    } catch (e) {
      return new Response(`${e?.name} ${e?.code}: ${e?.stack}`, { status: 500 });
    }
  },
};
