// Start the example against GOV.UK One Login (integration or production) or its simulator.
//
//   ONE_LOGIN_ENVIRONMENT=http://localhost:3000 ONE_LOGIN_PRIVATE_KEY_FILE=./private_key.pem node server.mjs
//
// Required:
//   ONE_LOGIN_ENVIRONMENT        integration | production | the simulator's URL (http://localhost:3000)
//   ONE_LOGIN_PRIVATE_KEY_FILE   your client's RSA private key (PKCS#8 PEM) for private_key_jwt
// Optional:
//   ONE_LOGIN_CLIENT_ID          default: the simulator's default client, HGIOgho9HIRhgoepdIOPFdIUWgewi0jw
//   PORT (default 8080), BASE_URL (default http://localhost:PORT): the redirect URI is
//   BASE_URL + /oidc/authorization-code/callback, the simulator's default.
//   ONE_LOGIN_POST_LOGOUT_REDIRECT_URI, ONE_LOGIN_VTR (e.g. ["Cl.Cm.P2"]), ONE_LOGIN_CLAIMS
//   (comma-separated short names, e.g. coreIdentityJWT,address)
import { readFileSync } from 'node:fs';
import { OneLoginClient } from 'govuk-one-login-tokens';
import { createApp, CALLBACK_PATH } from './app.mjs';

const env = process.env;
const required = (name) => env[name] || (console.error(`set ${name} (see README.md)`), process.exit(2));
const environmentName = required('ONE_LOGIN_ENVIRONMENT');
const port = Number(env.PORT ?? 8080);
const baseUrl = env.BASE_URL ?? `http://localhost:${port}`;

const oneLogin = OneLoginClient.create({
  environment: /^https?:/.test(environmentName) ? { baseUrl: environmentName } : environmentName,
  clientId: env.ONE_LOGIN_CLIENT_ID ?? 'HGIOgho9HIRhgoepdIOPFdIUWgewi0jw',
  redirectUri: `${baseUrl}${CALLBACK_PATH}`,
  privateKey: readFileSync(required('ONE_LOGIN_PRIVATE_KEY_FILE'), 'utf8'),
  userAgent: 'govuk-one-login-tokens-express-example/1.0',
});
const signInOptions = {
  scope: ['openid', 'email'],
  ...(env.ONE_LOGIN_VTR ? { vtr: env.ONE_LOGIN_VTR } : {}),
  ...(env.ONE_LOGIN_CLAIMS ? { claims: env.ONE_LOGIN_CLAIMS.split(',') } : {}),
};
const app = createApp(oneLogin, { signInOptions, postLogoutRedirectUri: env.ONE_LOGIN_POST_LOGOUT_REDIRECT_URI });
const server = app.listen(port, '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${server.address().port} (sign in at ${baseUrl}/sign-in)`);
});
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
