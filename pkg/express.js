// govuk-one-login-tokens/express: GOV.UK One Login for an Express service in one call.
//
//   const auth = oneLoginExpress(client, { postLogoutRedirectUri });
//   app.use(session({ ... }));            // express-session, any store (connect-redis for several instances)
//   app.use(auth.router);                 // sign-in, callback, sign-out, back-channel logout
//   app.get('/account', auth.requireSignIn(), (req, res) => res.send(req.oneLogin.email));
//
// Node only; express and express-session are peer dependencies of this entry alone. Every rule
// (safe returnTo, what a session meets, when One Login ended it, the options) is the core's;
// this file moves requests, sessions and redirects.
import express from 'express';
// The Node entry loads the WebAssembly module this file's rules run in (one shared instance).
import './node.mjs';
import { safeReturnTo, meetsRequirement, resolveExpressOptions } from './wasm/govuk_one_login_tokens.js';
import { invalidArgument } from './errors.js';

/** signers: OneLoginClient's synchronous check of sign-in options (client.js; a global symbol). */
const PROBE_SIGN_IN = Symbol.for('govuk-one-login-tokens.probeSignIn');

/** How long a sign-in may stay in flight, milliseconds (the transaction is dropped after). */
export const SIGN_IN_EXPIRY_MS = 10 * 60 * 1000;
/** How many sign-ins may be in flight in one session (tabs); the oldest goes first. */
export const MAX_SIGN_INS_IN_FLIGHT = 5;
/** Where this adapter keeps its state in `req.session`. */
const USER = 'oneLogin';
const SIGN_INS = 'oneLoginSignIns';

const CLIENT_METHODS = ['startSignIn', 'completeSignIn', 'logoutUrl', 'handleBackChannelLogout', 'isSignedOut'];

/** `req.session`'s callback methods as promises; a clear error without a session middleware. */
function sessionOf(req) {
  const session = req.session;
  if (session === undefined || typeof session.regenerate !== 'function' || typeof session.save !== 'function') {
    throw invalidArgument('session', 'oneLoginExpress needs a session middleware (express-session) before auth.router and requireSignIn');
  }
  return session;
}
const promised = (req, method) => new Promise((resolve, reject) => sessionOf(req)[method]((error) => (error ? reject(error) : resolve())));
const regenerate = (req) => promised(req, 'regenerate');
const save = (req) => promised(req, 'save');
const destroy = (req) => promised(req, 'destroy');

/** A refusal as the browser sees it: 4xx, the stable code and a plain sentence, no stack. */
function refuse(res, status, error) {
  const code = typeof error?.code === 'string' ? error.code : 'ERR_REFUSED';
  const why = status === 502 ? 'GOV.UK One Login could not be reached; please try again' : 'the sign-in could not be completed; please try again';
  res.status(status).type('text').send(`${code}: ${why}`);
}

/** The user as `req.oneLogin` shows it: the sign-in's views, never the core identity JWT. */
function userOf(result) {
  let identity = null;
  if (result.identity) {
    // The verified person only: the credential's claims (and so its signature input) stay out.
    const { claims: _credential, ...person } = result.identity;
    identity = person;
  }
  return {
    sub: result.sub,
    email: result.email ?? null,
    emailVerified: result.emailVerified ?? null,
    phoneNumber: result.phoneNumber ?? null,
    phoneNumberVerified: result.phoneNumberVerified ?? null,
    identity,
    addresses: result.addresses ?? null,
    passports: result.passports ?? null,
    drivingPermits: result.drivingPermits ?? null,
    returnCodes: result.returnCodes ?? null,
    vot: typeof result.claims?.vot === 'string' ? result.claims.vot : null,
    signedInAt: result.signedInAt,
  };
}

/** Only the members a requirement names (the core refuses unknown or undefined-less ones). */
function defined(object) {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined));
}

/**
 * Sign-in, callback, sign-out and back-channel logout routes, and route protection, for Express.
 *
 * @param {import('./index.js').OneLoginClient} client a OneLoginClient with `redirectUri` and a
 *   `privateKey` (or `clientSecret`), and for several instances a shared `store` (RedisStore)
 * @param {object} [options] `{ postLogoutRedirectUri, signInOptions, paths: { signIn, signOut,
 *   backChannelLogout, callback }, defaultReturnTo, inPersonReturn: { path, screen, vtr, claims,
 *   returnTo } }`
 * @returns {{ router: import('express').Router, requireSignIn: (requirement?: object) => import('express').RequestHandler }}
 */
export function oneLoginExpress(client, options) {
  if (client === null || typeof client !== 'object' || !CLIENT_METHODS.every((name) => typeof client[name] === 'function')) {
    throw invalidArgument('client', 'oneLoginExpress(client, options): client must be a OneLoginClient');
  }
  const resolved = resolveExpressOptions(options);
  // An own member only, as every option (resolveExpressOptions has already refused a non-object).
  const given = options !== null && typeof options === 'object' && Object.hasOwn(options, 'signInOptions') ? options.signInOptions : undefined;
  const signInOptions = given ?? { scope: ['openid', 'email'] };
  // One sign-in now: refuses unusable signInOptions at start-up, and names the callback's path.
  // (signers: without a request object, so also synchronously for a CryptoKeyPair or a signer.)
  const probe = typeof client[PROBE_SIGN_IN] === 'function' ? client[PROBE_SIGN_IN](signInOptions) : client.startSignIn(signInOptions).transaction;
  const paths = { ...resolved.paths, callback: resolved.paths.callback ?? new URL(probe.redirectUri).pathname };
  const journey = resolved.inPersonReturn;

  /** Start a sign-in: keep its transaction (by state, a few at most, 10 minutes), then redirect. */
  async function beginSignIn(req, res, { returnTo, signIn = signInOptions, requirement = {}, next: then }) {
    const session = sessionOf(req);
    const { url, transaction } = await client.startSignIn(signIn); // signers: a promise for an external key
    const now = Date.now();
    const live = Object.entries(session[SIGN_INS] ?? {})
      .filter(([, entry]) => now - entry.startedAt < SIGN_IN_EXPIRY_MS)
      .sort(([, a], [, b]) => a.startedAt - b.startedAt)
      .slice(-(MAX_SIGN_INS_IN_FLIGHT - 1));
    live.push([transaction.state, { transaction, returnTo, startedAt: now, requirement, ...(then ? { then } : {}) }]);
    session[SIGN_INS] = Object.fromEntries(live);
    await save(req);
    res.redirect(url);
  }

  /** The route's requirement as sign-in options: the service's own, raised to what it needs. */
  function stepUpOptions(requirement) {
    const claims = [...new Set([...(signInOptions.claims ?? []), ...(requirement.claims ?? [])])];
    return defined({
      ...signInOptions,
      vtr: requirement.vtr ?? signInOptions.vtr,
      maxAge: requirement.maxAge ?? signInOptions.maxAge,
      claims: claims.length > 0 ? claims : undefined,
    });
  }

  /** What the session's sign-in holds, for the core's meetsRequirement. */
  function holdsOf(state) {
    return defined({
      vot: state.user.vot ?? undefined,
      levelOfConfidence: state.user.identity?.levelOfConfidence ?? undefined,
      claims: state.claims ?? [],
      signedInAt: state.user.signedInAt,
    });
  }

  function signInUrl(returnTo) {
    return `${paths.signIn}?${new URLSearchParams({ returnTo })}`;
  }

  /**
   * Protect a route: no user, or a session One Login ended -> the sign-in page with this URL to
   * return to; a session below `{ vtr, claims, maxAge }` -> a new sign-in asking for them;
   * otherwise `req.oneLogin` is the user.
   */
  function requireSignIn(requirement) {
    const wanted = defined({ ...(requirement ?? {}) });
    // Checked now against a made-up session, so a misspelled option fails at start-up.
    meetsRequirement({ vot: 'Cl.Cm', signedInAt: 0 }, wanted);
    return async function requireOneLoginSignIn(req, res, next) {
      try {
        const session = sessionOf(req);
        const state = session[USER];
        const returnTo = safeReturnTo(req.originalUrl) ?? resolved.defaultReturnTo;
        if (state?.user === undefined) return res.redirect(signInUrl(returnTo));
        if (await client.isSignedOut({ sub: state.user.sub, signedInAt: state.user.signedInAt })) {
          // One Login ended this user's sessions: this one ends here, on its next request (a new,
          // empty session; nothing is stored until the sign-in below).
          await regenerate(req);
          return res.redirect(signInUrl(returnTo));
        }
        if (!meetsRequirement(holdsOf(state), wanted)) {
          return await beginSignIn(req, res, { returnTo, signIn: stepUpOptions(wanted), requirement: wanted });
        }
        req.oneLogin = state.user;
        next();
      } catch (error) {
        next(error);
      }
    };
  }

  const router = express.Router();

  router.get(paths.signIn, async (req, res, next) => {
    try {
      const returnTo = safeReturnTo(req.query.returnTo) ?? resolved.defaultReturnTo;
      await beginSignIn(req, res, { returnTo, requirement: defined({ vtr: signInOptions.vtr, maxAge: signInOptions.maxAge }) });
    } catch (error) {
      next(error);
    }
  });

  router.get(paths.callback, async (req, res, next) => {
    let session;
    try {
      session = sessionOf(req);
    } catch (error) {
      return next(error);
    }
    const pending = { ...(session[SIGN_INS] ?? {}) };
    const state = typeof req.query.state === 'string' ? req.query.state : undefined;
    const entry = state !== undefined && Object.hasOwn(pending, state) ? pending[state] : undefined;
    const live = entry !== undefined && Date.now() - entry.startedAt < SIGN_IN_EXPIRY_MS ? entry : undefined;
    // The transaction is used once, whatever the outcome.
    if (state !== undefined) delete pending[state];
    let result;
    try {
      // The route's requirement is the least this sign-in may have asked for.
      result = await client.completeSignIn(req.originalUrl, live?.transaction, defined({ vtr: live?.requirement?.vtr, maxAge: live?.requirement?.maxAge }));
    } catch (error) {
      try {
        if (error?.error === 'login_required') {
          // One Login signed the user out (too many attempts): so does the service.
          await regenerate(req);
        } else {
          session[SIGN_INS] = pending;
        }
        await save(req);
      } catch (sessionError) {
        return next(sessionError);
      }
      if (typeof error?.code !== 'string') return next(error);
      // An unreachable One Login is not the browser's fault.
      const status = /^ERR_OAUTH_(TOKEN|USERINFO)_ERROR$/.test(error.code) && error.status === undefined ? 502 : 400;
      return refuse(res, status, error);
    }
    try {
      // A new session id at every sign-in (fixation); other tabs' sign-ins move with it.
      await regenerate(req);
      req.session[SIGN_INS] = pending;
      req.session[USER] = { user: userOf(result), idToken: result.idToken, claims: live.transaction.claims ?? [] };
      await save(req);
      if (live.then === 'identity' && journey) {
        return res.redirect(journey.screen ?? `${journey.path}/identity`);
      }
      res.redirect(live.returnTo ?? resolved.defaultReturnTo);
    } catch (error) {
      next(error);
    }
  });

  router.get(paths.signOut, async (req, res, next) => {
    try {
      const idTokenHint = sessionOf(req)[USER]?.idToken;
      await destroy(req);
      const postLogoutRedirectUri = resolved.postLogoutRedirectUri ?? undefined;
      res.redirect(client.logoutUrl(idTokenHint ? defined({ idTokenHint, postLogoutRedirectUri }) : {}));
    } catch (error) {
      next(error);
    }
  });

  const form = express.urlencoded({ extended: false, limit: '16kb' });
  router.post(paths.backChannelLogout, (req, res) => {
    form(req, res, async (parseError) => {
      // Only status 200 counts as delivered at One Login; anything else is retried.
      if (parseError) return res.status(400).type('text').send('ERR_JWT_INVALID: the body is not a logout_token form');
      try {
        await client.handleBackChannelLogout(req.body ?? '');
        res.status(200).type('text').send('OK');
      } catch (error) {
        if (typeof error?.code === 'string') return res.status(400).type('text').send(error.code);
        // The store could not record it (Redis down): One Login retries a non-200 later.
        res.status(503).type('text').send('unavailable: try again');
      }
    });
  });

  if (journey) {
    // In-person identity return: Cl.Cm first (the user's One Login session is reused), then the
    // service's screen, then the identity sign-in.
    router.get(journey.path, async (req, res, next) => {
      try {
        await beginSignIn(req, res, { returnTo: journey.returnTo, signIn: defined({ ...signInOptions, vtr: 'Cl.Cm', claims: undefined }), requirement: { vtr: 'Cl.Cm' }, next: 'identity' });
      } catch (error) {
        next(error);
      }
    });
    const identity = requireSignIn({ vtr: journey.vtr, claims: journey.claims });
    router.get(`${journey.path}/identity`, identity, (req, res) => res.redirect(journey.returnTo));
  }

  return { router, requireSignIn };
}
