// Fetching One Login's key documents (JWKS, DID document), shared by OneLoginClient and the CLI.
// Only URLs the application configured are fetched, never one taken from a token.
import { checkEndpointUrl } from './wasm/govuk_one_login_tokens.js';
import { TokenError, invalidArgument } from './errors.js';
import { request, HttpFailure, DEFAULT_USER_AGENT, DEFAULT_TIMEOUT_MS } from './http.js';
import { caps } from './limits.js';

export { DEFAULT_USER_AGENT, DEFAULT_TIMEOUT_MS };

/**
 * The normalised URL, if it may be fetched or sent to: the host's WHATWG parser normalises it,
 * and the core's one URL rule decides (https, or http to 127.0.0.1, ::1 or localhost; no
 * credentials; src/onelogin/endpoint_url.rs).
 * @param {unknown} url
 * @param {string} what the endpoint in words, for the message
 * @param {string} [option] the option that gave it (default `url`)
 * @throws {TokenError} `ERR_INVALID_ARGUMENT` naming `option` otherwise.
 */
export function checkDocumentUrl(url, what, option = 'url') {
  let parsed;
  try {
    parsed = new URL(String(url));
  } catch {
    throw invalidArgument(option, `the ${what} URL is not a URL`);
  }
  checkEndpointUrl(parsed.href, option);
  return parsed.href;
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
 * User-Agent, one deadline for the whole exchange (headers and body) and a byte cap, all kept by
 * http.js `request`, the one bounded HTTP helper of the package.
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
  let response;
  try {
    // The same cap as a document passed directly (limits.js), so fetching one changes nothing.
    response = await request(href, { fetch, userAgent, timeoutMs, maxBytes: caps().maxDocumentSize });
  } catch (error) {
    if (!(error instanceof HttpFailure)) throw fetchFailed(`the ${what} at ${href} could not be fetched`, error);
    if (error.kind === 'timeout') {
      throw new TokenError('ERR_JWKS_TIMEOUT', `the ${what} at ${href} did not arrive within ${timeoutMs} ms`, { cause: error });
    }
    const reasons = {
      too_large: `is too large (over ${caps().maxDocumentSize} bytes)`,
      redirect: 'answered with a redirect (not followed)',
    };
    throw fetchFailed(`the ${what} at ${href} ${reasons[error.kind] ?? `could not be fetched: ${error.message}`}`, error);
  }
  if (response.status !== 200) {
    throw fetchFailed(`the ${what} at ${href} answered HTTP ${response.status} (expected 200)`);
  }
  return {
    text: response.text,
    maxAgeSeconds: freshnessSeconds(response.headers.get('cache-control'), response.headers.get('age')),
  };
}
