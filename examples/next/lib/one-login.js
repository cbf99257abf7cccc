// The service's One Login client and its session, shared by the route handlers and pages.
//
// Sessions are iron-session's sealed cookies (no cookie cryptography of our own). One Login's
// back-channel logout cannot reach a cookie, so every request of a signed-in user asks the
// client whether One Login ended the session (`isSignedOut`), against the client's store:
// MemoryStore here (one `next start` process); with several instances use
// `store: new RedisStore(redisClient)` so a logout handled by one instance is seen by all.
import { readFileSync } from 'node:fs';
import { cookies } from 'next/headers';
import { getIronSession } from 'iron-session';
import { OneLoginClient } from 'govuk-one-login-tokens';

const env = process.env;
export const BASE_URL = env.BASE_URL ?? 'http://localhost:3000';
/** How long a session lives: the cookie's and the client's ended-session records' lifetime. */
const SESSION_SECONDS = 8 * 3600;
/** At most this many sign-ins in flight per browser (tabs), each for 10 minutes. */
const MAX_SIGN_INS = 3;
const SIGN_IN_MS = 10 * 60 * 1000;

/** One client per process (route handlers and pages share it across requests). */
export function oneLogin() {
  globalThis.oneLoginClient ??= OneLoginClient.create({
    environment: /^https?:/.test(env.ONE_LOGIN_ENVIRONMENT) ? { baseUrl: env.ONE_LOGIN_ENVIRONMENT } : env.ONE_LOGIN_ENVIRONMENT,
    clientId: env.ONE_LOGIN_CLIENT_ID,
    redirectUri: `${BASE_URL}/api/callback`,
    privateKey: readFileSync(env.ONE_LOGIN_PRIVATE_KEY_FILE, 'utf8'),
    sessionLifetime: SESSION_SECONDS,
  });
  return globalThis.oneLoginClient;
}

/** The sealed-cookie session: `{ user?, idToken?, signIns? }`. */
export async function session() {
  return getIronSession(await cookies(), {
    password: env.SESSION_PASSWORD,
    cookieName: 'service-session',
    ttl: SESSION_SECONDS,
    cookieOptions: { httpOnly: true, sameSite: 'lax', secure: BASE_URL.startsWith('https:') },
  });
}

/** The signed-in user, or null (also when One Login has ended this session). */
export async function currentUser() {
  const { user } = await session();
  if (!user) return null;
  return (await oneLogin().isSignedOut(user)) ? null : user;
}

/** Keep a sign-in's transaction by its state: the newest few, none older than 10 minutes. */
export function keepSignIn(s, transaction, returnTo) {
  const now = Date.now();
  const live = Object.entries(s.signIns ?? {}).filter(([, e]) => now - e.startedAt < SIGN_IN_MS);
  s.signIns = Object.fromEntries([...live.slice(-(MAX_SIGN_INS - 1)), [transaction.state, { transaction, returnTo, startedAt: now }]]);
}

/** Take (and forget) the sign-in a callback's state names. */
export function takeSignIn(s, state) {
  const entry = typeof state === 'string' ? s.signIns?.[state] : undefined;
  if (entry) delete s.signIns[state];
  return entry && Date.now() - entry.startedAt < SIGN_IN_MS ? entry : undefined;
}
