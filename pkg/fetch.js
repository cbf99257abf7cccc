// Fetching One Login's key documents (JWKS, DID document), shared by OneLoginClient and the CLI.
// Only URLs the application configured are fetched, never one taken from a token.
import { TokenError, invalidArgument } from './errors.js';
import { VERSION } from './version.js';

/** One Login answers 403 to requests without a User-Agent. */
export const DEFAULT_USER_AGENT = `govuk-one-login-tokens/${VERSION}`;
export const DEFAULT_TIMEOUT_MS = 5000;

// One Login's JWKS is about 2 KB and its DID document smaller; anything near this is not theirs.
const MAX_DOCUMENT_CHARS = 256 * 1024;

// Plain http is only for a simulator or test double on this machine.
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

/**
 * The normalised URL, if it may be fetched: https, or http to a loopback host.
 * @throws {TokenError} `ERR_INVALID_ARGUMENT` otherwise.
 */
export function checkDocumentUrl(url, what) {
  let parsed;
  try {
    parsed = new URL(String(url));
  } catch {
    throw invalidArgument('url', `the ${what} URL is not a URL: ${url}`);
  }
  if (parsed.username !== '' || parsed.password !== '') {
    throw invalidArgument('url', `the ${what} URL must not carry credentials`);
  }
  if (parsed.protocol === 'https:' || (parsed.protocol === 'http:' && LOOPBACK_HOSTS.has(parsed.hostname))) {
    return parsed.href;
  }
  throw invalidArgument(
    'url',
    `the ${what} URL must use https (plain http only for 127.0.0.1, ::1 or localhost): ${parsed.href}`,
  );
}

/**
 * How long a response may be used, in seconds, from its `Cache-Control` (and `Age`):
 * `undefined` when the server said nothing usable (the caller picks a default), 0 for
 * `no-store` / `no-cache` (use now, revalidate before reuse).
 */
export function freshnessSeconds(cacheControl, age) {
  let maxAge;
  for (const part of (cacheControl ?? '').split(',')) {
    const [rawName, ...rest] = part.split('=');
    const name = rawName.trim().toLowerCase();
    if (name === 'no-store' || name === 'no-cache') return 0;
    if (name === 'max-age' && maxAge === undefined) {
      const value = rest.join('=').trim().replace(/^"(.*)"$/, '$1');
      // An unparsable max-age counts as stale (RFC 9111 4.2.1), not as "no directive".
      maxAge = /^\d{1,10}$/.test(value) ? Number(value) : 0;
    }
  }
  if (maxAge === undefined) return undefined;
  const ageSeconds = /^\d{1,10}$/.test((age ?? '').trim()) ? Number(age.trim()) : 0;
  return Math.max(0, maxAge - ageSeconds);
}

const fetchFailed = (message, cause) =>
  new TokenError('ERR_JWKS_FETCH_FAILED', message, cause === undefined ? {} : { cause });

/**
 * GET a JSON document: `{ text, maxAgeSeconds }`. HTTP 200 only, no redirects followed, a
 * User-Agent, and one deadline for the whole exchange (headers and body).
 *
 * @param {string} url
 * @param {{ what: string, fetch?: typeof fetch, userAgent?: string, timeoutMs?: number }} options
 * @throws {TokenError} `ERR_JWKS_TIMEOUT`, `ERR_JWKS_FETCH_FAILED`, `ERR_INVALID_ARGUMENT`
 */
export async function fetchDocument(url, { what, fetch = globalThis.fetch, userAgent = DEFAULT_USER_AGENT, timeoutMs = DEFAULT_TIMEOUT_MS }) {
  const href = checkDocumentUrl(url, what);
  if (typeof fetch !== 'function') {
    throw invalidArgument('fetch', 'this runtime has no fetch(): pass the "fetch" option');
  }
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  try {
    const response = await fetch(href, {
      method: 'GET',
      headers: { 'user-agent': userAgent, accept: 'application/json' },
      // A redirect could lead anywhere, including plain http; One Login serves its documents directly.
      redirect: 'manual',
      signal: controller.signal,
    });
    if (response.status !== 200) {
      await response.body?.cancel().catch(() => {});
      throw fetchFailed(`the ${what} at ${href} answered HTTP ${response.status} (expected 200)`);
    }
    const declared = Number(response.headers.get('content-length'));
    if (declared > MAX_DOCUMENT_CHARS * 4) {
      await response.body?.cancel().catch(() => {});
      throw fetchFailed(`the ${what} at ${href} is too large (${declared} bytes)`);
    }
    const text = await response.text();
    if (text.length > MAX_DOCUMENT_CHARS) {
      throw fetchFailed(`the ${what} at ${href} is too large (${text.length} characters)`);
    }
    return {
      text,
      maxAgeSeconds: freshnessSeconds(response.headers.get('cache-control'), response.headers.get('age')),
    };
  } catch (error) {
    if (timedOut) {
      throw new TokenError('ERR_JWKS_TIMEOUT', `the ${what} at ${href} did not arrive within ${timeoutMs} ms`, {
        cause: error,
      });
    }
    if (error instanceof TokenError) throw error;
    throw fetchFailed(`the ${what} at ${href} could not be fetched: ${error?.message ?? error}`, error);
  } finally {
    clearTimeout(timer);
  }
}
