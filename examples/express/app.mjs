// A GOV.UK One Login relying party in Express on govuk-one-login-tokens/express: sign-in,
// callback, sign-out, back-channel logout and protected pages. Sessions are express-session in
// Redis (connect-redis), and the client's store (logout-token replays, ended sessions) is the
// same Redis, so any number of instances can run behind one load balancer.
import express from 'express';
import session from 'express-session';
import { RedisStore as SessionStore } from 'connect-redis';
import { oneLoginExpress } from 'govuk-one-login-tokens/express';

/** A GOV.UK page: the GOV.UK Frontend header, with "Sign out" when someone is signed in. */
function page(title, body, signedIn) {
  const signOut = signedIn ? '<nav class="govuk-header__content"><a class="govuk-header__link" href="/sign-out">Sign out</a></nav>' : '';
  return `<!DOCTYPE html><html lang="en" class="govuk-template"><head><title>${title}</title>
<link rel="stylesheet" href="/assets/govuk-frontend.min.css"></head><body class="govuk-template__body">
<header class="govuk-header"><div class="govuk-header__container govuk-width-container">
<div class="govuk-header__logo"><a href="/" class="govuk-header__link govuk-header__link--homepage">GOV.UK</a></div>${signOut}</div></header>
<main class="govuk-width-container govuk-main-wrapper"><h1 class="govuk-heading-l">${title}</h1>${body}</main></body></html>`;
}
const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * @param {import('govuk-one-login-tokens').OneLoginClient} oneLogin created with a RedisStore
 * @param {{ redis: object, sessionSecret: string, assets?: string, postLogoutRedirectUri?: string, signInOptions?: object, identityClaims?: string[] }} options
 */
export function createApp(oneLogin, { redis, sessionSecret, assets, postLogoutRedirectUri, signInOptions, identityClaims = ['coreIdentityJWT', 'address'] }) {
  const app = express();
  if (assets) app.use('/assets', express.static(assets));
  app.use(
    session({
      store: new SessionStore({ client: redis, prefix: 'example-session:' }),
      secret: sessionSecret,
      resave: false,
      saveUninitialized: false,
      cookie: { httpOnly: true, sameSite: 'lax', secure: 'auto', maxAge: 8 * 3600 * 1000 },
    }),
  );

  // --- GOV.UK One Login: routes and protection --------------------------------------------------
  const auth = oneLoginExpress(oneLogin, { postLogoutRedirectUri, signInOptions });
  app.use(auth.router);
  app.get('/account', auth.requireSignIn(), (req, res) => {
    res.send(page('Your account', `<p class="govuk-body">Signed in as ${escape(req.oneLogin.email ?? req.oneLogin.sub)}</p>`, true));
  });
  app.get('/identity', auth.requireSignIn({ vtr: 'Cl.Cm.P2', claims: identityClaims }), (req, res) => {
    const name = req.oneLogin.identity?.currentName?.fullName ?? 'unknown';
    res.send(page('Your identity', `<p class="govuk-body">Identity checked (${escape(req.oneLogin.identity?.levelOfConfidence)}): ${escape(name)}</p>`, true));
  });
  // ---------------------------------------------------------------------------------------------

  app.get('/', (req, res) => {
    const user = req.session.oneLogin?.user;
    const body = user ? `<p class="govuk-body">Signed in. <a class="govuk-link" href="/account">Your account</a></p>` : '<a class="govuk-button" href="/sign-in?returnTo=/account">Sign in</a>';
    res.send(page('Example service', body, Boolean(user)));
  });
  return app;
}
