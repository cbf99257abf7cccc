// A GOV.UK One Login relying party in Express: sign-in, callback, sign-out and back-channel
// logout, using govuk-one-login-tokens' OneLoginClient for every One Login rule.
//
// Sessions here are a small in-memory store keyed by an HttpOnly cookie, to keep the example
// free of extra dependencies; a real service uses its own session middleware (and, with more
// than one instance, a shared session store and a shared replay store such as RedisReplayStore).
import express from 'express';
import { randomBytes } from 'node:crypto';

export const CALLBACK_PATH = '/oidc/authorization-code/callback';

/** Minimal cookie sessions: `req.session` is a plain object, saved in `sessions` by id. */
function sessionMiddleware(sessions) {
  return (req, res, next) => {
    const id = /(?:^|;\s*)sid=([A-Za-z0-9_-]{43})/.exec(req.headers.cookie ?? '')?.[1];
    let sessionId = id !== undefined && sessions.has(id) ? id : undefined;
    if (sessionId === undefined) {
      sessionId = randomBytes(32).toString('base64url');
      sessions.set(sessionId, {});
      res.append('set-cookie', `sid=${sessionId}; Path=/; HttpOnly; SameSite=Lax`);
    }
    req.session = sessions.get(sessionId);
    req.endSession = () => sessions.delete(sessionId);
    next();
  };
}

/**
 * @param {import('govuk-one-login-tokens').OneLoginClient} oneLogin
 * @param {{ signInOptions?: object, postLogoutRedirectUri?: string }} [options]
 */
export function createApp(oneLogin, { signInOptions = { scope: ['openid', 'email'] }, postLogoutRedirectUri } = {}) {
  const sessions = new Map();
  const app = express();
  app.use(sessionMiddleware(sessions));

  app.get('/', (req, res) => {
    const user = req.session.user;
    res.type('text').send(user ? `Signed in as ${user.sub} (${user.email ?? 'no email'})` : 'Not signed in: GET /sign-in');
  });

  // --- the sign-in core -----------------------------------------------------------------------
  app.get('/sign-in', (req, res) => {
    const { url, transaction } = oneLogin.startSignIn(signInOptions);
    req.session.signIn = transaction;
    res.redirect(url);
  });
  app.get(CALLBACK_PATH, async (req, res) => {
    const signIn = await oneLogin.completeSignIn(req.originalUrl, req.session.signIn);
    delete req.session.signIn;
    req.session.user = { sub: signIn.sub, email: signIn.email, idToken: signIn.idToken, identity: signIn.identity };
    res.redirect('/');
  });
  // ---------------------------------------------------------------------------------------------

  app.get('/sign-out', (req, res) => {
    const idTokenHint = req.session.user?.idToken;
    req.endSession();
    res.redirect(oneLogin.logoutUrl(idTokenHint ? { idTokenHint, postLogoutRedirectUri } : {}));
  });

  // One Login POSTs logout_token here; end every session of that user and answer exactly 200.
  app.post('/back-channel-logout', express.urlencoded({ extended: false, limit: '16kb' }), async (req, res) => {
    const { sub } = await oneLogin.handleBackChannelLogout(req.body);
    for (const [id, session] of sessions) if (session.user?.sub === sub) sessions.delete(id);
    res.sendStatus(200);
  });

  // A refused callback or logout token: its stable code, never a stack trace.
  app.use((error, req, res, _next) => {
    if (typeof error.code !== 'string') return res.status(500).type('text').send('Internal error');
    if (error.error === 'login_required') req.endSession(); // One Login ended its session
    res.status(400).type('text').send(`Refused: ${error.code}`);
  });
  return app;
}
