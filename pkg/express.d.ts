// govuk-one-login-tokens/express: routes and route protection for Express (Node only).
// Typed without @types/express: a handler is what app.use() and app.get() accept.
import type { ClientSigning, Identity, OneLoginClient, PostalAddress, Passport, DrivingPermit, SignInOptions } from './index.js';

/** An Express middleware (a Router is one too). */
export type RequestHandler = (req: any, res: any, next: (error?: unknown) => void) => unknown;

/** How long a sign-in may stay in flight, milliseconds. */
export const SIGN_IN_EXPIRY_MS: number;
/** How many sign-ins may be in flight in one session (tabs). */
export const MAX_SIGN_INS_IN_FLIGHT: number;

/** The signed-in user, as `req.oneLogin` shows it. The core identity JWT is never kept. */
export interface OneLoginUser {
  sub: string;
  email: string | null;
  emailVerified: boolean | null;
  phoneNumber: string | null;
  phoneNumberVerified: boolean | null;
  /** The verified person (names, dates of birth, level of confidence), or null without identity. */
  identity: Identity | null;
  addresses: PostalAddress[] | null;
  passports: Passport[] | null;
  drivingPermits: DrivingPermit[] | null;
  returnCodes: { code: string }[] | null;
  /** The ID token's `vot` (`Cl` or `Cl.Cm`). */
  vot: string | null;
  /** When the sign-in completed, Unix seconds. */
  signedInAt: number;
}

/** What a route requires; a session below it is sent to One Login again for it (step-up). */
export interface SignInRequirement {
  /** One of these vectors of trust, e.g. `"Cl.Cm.P2"`. */
  vtr?: string | string[];
  /** Userinfo claims the sign-in must have asked for (`address`, `coreIdentityJWT`, …). */
  claims?: string[];
  /** The sign-in must be at most this many seconds old. */
  maxAge?: number;
}

export interface OneLoginExpressOptions {
  /** Where One Login sends the browser after sign-out (registered with One Login). */
  postLogoutRedirectUri?: string;
  /** `startSignIn`'s options for every sign-in. Default `{ scope: ['openid', 'email'] }`. */
  signInOptions?: SignInOptions;
  /** Where the routes are. The callback defaults to the path of the client's `redirectUri`. */
  paths?: { signIn?: string; signOut?: string; backChannelLogout?: string; callback?: string };
  /** Where a sign-in without a safe `returnTo` ends. Default `/`. */
  defaultReturnTo?: string;
  /**
   * One Login's in-person identity return journey (its `LandingPageUrl`): `path` signs in at
   * `Cl.Cm`, shows `screen` (if given), then asks for `vtr` (default `Cl.Cm.P2`) with `claims`
   * (default `coreIdentityJWT`) and ends at `returnTo` (default `/`).
   */
  inPersonReturn?: { path: string; screen?: string; vtr?: string | string[]; claims?: string[]; returnTo?: string };
}

export interface OneLoginExpress {
  /** `GET` sign-in, `GET` callback, `GET` sign-out, `POST` back-channel logout. Mount after the session middleware. */
  router: RequestHandler;
  /** Protects a route: `req.oneLogin` is the user, or the browser goes to sign in. @throws {TokenError} `ERR_INVALID_ARGUMENT` */
  requireSignIn(requirement?: SignInRequirement): RequestHandler;
}

/** @throws {TokenError} `ERR_INVALID_ARGUMENT` for unusable options (unknown members are named). */
export function oneLoginExpress(client: OneLoginClient<ClientSigning>, options?: OneLoginExpressOptions): OneLoginExpress;

declare global {
  namespace Express {
    interface Request {
      /** Set by `requireSignIn()`. */
      oneLogin?: OneLoginUser;
    }
  }
}
