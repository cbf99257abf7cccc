// Start the example against GOV.UK One Login (integration or production) or its simulator.
//
//   ONE_LOGIN_ENVIRONMENT=http://localhost:3000 ONE_LOGIN_PRIVATE_KEY_FILE=./private_key.pem \
//   REDIS_URL=redis://127.0.0.1:6379 SESSION_SECRET=... node server.mjs
//
// Required:
//   ONE_LOGIN_ENVIRONMENT        integration | production | the simulator's URL (http://localhost:3000)
//   ONE_LOGIN_PRIVATE_KEY_FILE   your client's RSA private key (PKCS#8 PEM) for private_key_jwt
//   REDIS_URL                    the Redis every instance shares (sessions, logout replays, ended sessions)
//   SESSION_SECRET               signs the session cookie (a long random string, the same on every instance)
// Optional:
//   ONE_LOGIN_CLIENT_ID          default: the simulator's default client, HGIOgho9HIRhgoepdIOPFdIUWgewi0jw
//   PORT (default 8080), BASE_URL (default http://localhost:PORT): the redirect URI is
//   BASE_URL + /oidc/authorization-code/callback, the simulator's default.
//   ONE_LOGIN_POST_LOGOUT_REDIRECT_URI, ONE_LOGIN_SCOPE (default "openid email")
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { createClient } from 'redis';
import { OneLoginClient, RedisStore } from 'govuk-one-login-tokens';
import { createApp } from './app.mjs';

const env = process.env;
const required = (name) => env[name] || (console.error(`set ${name} (see README.md)`), process.exit(2));
const environmentName = required('ONE_LOGIN_ENVIRONMENT');
const port = Number(env.PORT ?? 8080);
const baseUrl = env.BASE_URL ?? `http://localhost:${port}`;

const redis = createClient({ url: required('REDIS_URL') });
await redis.connect();
const oneLogin = OneLoginClient.create({
  environment: /^https?:/.test(environmentName) ? { baseUrl: environmentName } : environmentName,
  clientId: env.ONE_LOGIN_CLIENT_ID ?? 'HGIOgho9HIRhgoepdIOPFdIUWgewi0jw',
  redirectUri: `${baseUrl}/oidc/authorization-code/callback`,
  privateKey: readFileSync(required('ONE_LOGIN_PRIVATE_KEY_FILE'), 'utf8'),
  store: new RedisStore(redis),
  sessionLifetime: 8 * 3600, // the session cookie's maxAge in app.mjs
  userAgent: 'govuk-one-login-tokens-express-example/1.0',
});
let assets;
try {
  assets = dirname(createRequire(import.meta.url).resolve('govuk-frontend/dist/govuk/govuk-frontend.min.css'));
} catch {
  // Without govuk-frontend installed the pages are unstyled.
}
const app = createApp(oneLogin, {
  redis,
  sessionSecret: required('SESSION_SECRET'),
  assets,
  postLogoutRedirectUri: env.ONE_LOGIN_POST_LOGOUT_REDIRECT_URI,
  signInOptions: { scope: (env.ONE_LOGIN_SCOPE ?? 'openid email').split(' ') },
});
const server = app.listen(port, '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${server.address().port} (sign in at ${baseUrl}/sign-in)`);
});
const stop = () => server.close(async () => {
  oneLogin.dispose();
  await redis.close();
  process.exit(0);
});
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
