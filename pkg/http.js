// The one bounded HTTP exchange behind every network read of this package (token, userinfo and
// discovery requests of the sign-in flow; the JWKS and DID documents). Rules it keeps:
//   - a User-Agent on every request (One Login answers 403 without one);
//   - no redirect is ever followed (`redirect: 'manual'`; any 3xx is a failure of kind 'redirect');
//   - ONE deadline covers connecting, the headers and the whole body;
//   - at most `maxBytes` of body are read: a larger Content-Length is refused before reading, and
//     a body that grows past the cap is abandoned at that byte (so an endless or trickling body
//     ends at the cap or the deadline, whichever comes first);
//   - errors name the method and the URL without its query string or fragment, never a body,
//     header value, token, code or secret.
// Only WHATWG APIs (fetch, Headers, AbortController, ReadableStream, TextDecoder), so it runs on
// Node 18+, Deno, Bun, browsers and Workers alike.
import { VERSION } from './version.js';
import { httpStarted, publishHttp } from './diagnostics.js';

/** One Login answers 403 to requests without a User-Agent. */
export const DEFAULT_USER_AGENT = `govuk-one-login-tokens/${VERSION}`;
export const DEFAULT_TIMEOUT_MS = 5000;
/** Used when the caller gives no `maxBytes`: far above any One Login response (a few KB). */
export const DEFAULT_MAX_BYTES = 1024 * 1024;

/**
 * A request that produced no usable response. `kind` says why:
 * - `'timeout'`: the deadline passed (before the headers or during the body);
 * - `'too_large'`: the declared or delivered body exceeds `maxBytes`;
 * - `'network'`: connection failure, reset, TLS error, or a body stream error;
 * - `'redirect'`: the server answered 3xx (never followed);
 * - `'aborted'`: the caller's `signal` aborted.
 * `url` is the request URL without query string, fragment or credentials.
 */
export class HttpFailure extends Error {
  constructor(kind, url, message, options) {
    super(message, options);
    this.name = 'HttpFailure';
    this.kind = kind;
    this.url = url;
  }
}

/** The URL as it may appear in an error: origin and path only (a query may carry a code or a token). */
function printableUrl(url) {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}`;
}

/** The error code of a fetch failure (undici puts e.g. ECONNREFUSED on `cause.code`), if any. */
function networkCode(error) {
  const code = error?.cause?.code ?? error?.code;
  return typeof code === 'string' && /^[A-Z0-9_]{1,40}$/.test(code) ? code : undefined;
}

/** A short, secret-free reason from a fetch error. */
function networkReason(error) {
  const code = networkCode(error);
  return code === undefined ? '' : ` (${code})`;
}

const IDEMPOTENT = new Set(['GET', 'HEAD']);
// A pooled connection found closed on reuse (Node's undici; other hosts retry such a request
// themselves or report no code).
const CONNECTION_LOST = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'ECONNABORTED']);

function checkMaxBytes(maxBytes) {
  if (maxBytes === undefined) return DEFAULT_MAX_BYTES;
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) throw new TypeError('request: maxBytes must be an integer >= 0');
  return maxBytes;
}

/**
 * Send one HTTP request and read the whole response body, within one deadline and a size cap.
 * Any status other than 3xx is returned (the caller decides what 400 or 500 means).
 *
 * @param {string | URL} url
 * @param {{ method?: string, headers?: HeadersInit, body?: BodyInit, fetch?: typeof fetch,
 *   timeoutMs?: number, maxBytes?: number, userAgent?: string, accept?: string | null,
 *   signal?: AbortSignal }} [options]
 * @returns {Promise<{ status: number, headers: Headers, text: string }>}
 * @throws {HttpFailure}
 */
export async function request(url, options = {}) {
  // diagnostics: one message per exchange on govuk-one-login-tokens:http, when subscribed.
  const started = httpStarted();
  if (started === undefined) return exchange(url, options);
  const method = String(options.method ?? 'GET').toUpperCase();
  let where;
  try {
    where = printableUrl(new URL(String(url)).href);
  } catch {
    return exchange(url, options);
  }
  try {
    const response = await exchange(url, options);
    publishHttp(started, { method, url: where, status: response.status });
    return response;
  } catch (failure) {
    publishHttp(started, { method, url: where, failure: failure instanceof HttpFailure ? failure : { kind: 'network' } });
    throw failure;
  }
}

async function exchange(
  url,
  {
    method = 'GET',
    headers = {},
    body,
    fetch = globalThis.fetch,
    timeoutMs = DEFAULT_TIMEOUT_MS,
    maxBytes,
    userAgent,
    accept = 'application/json',
    signal,
  } = {},
) {
  let href;
  try {
    href = new URL(String(url)).href;
  } catch {
    // The URL itself is not echoed: it could carry a code or a token.
    throw new TypeError('request: url is not an absolute URL');
  }
  const where = printableUrl(href);
  const verb = String(method).toUpperCase();
  const cap = checkMaxBytes(maxBytes);
  if (typeof fetch !== 'function') throw new TypeError('request: this runtime has no fetch(); pass the "fetch" option');
  if (!Number.isFinite(timeoutMs) || timeoutMs < 0) throw new TypeError('request: timeoutMs must be a number >= 0');

  const sent = new Headers(headers);
  sent.set('user-agent', typeof userAgent === 'string' && userAgent.trim() !== '' ? userAgent : DEFAULT_USER_AGENT);
  if (accept != null && !sent.has('accept')) sent.set('accept', accept);

  const fail = (kind, message, cause) =>
    new HttpFailure(kind, where, `${verb} ${where}: ${message}`, cause === undefined ? undefined : { cause });

  // One controller, one deadline. `stopped` settles (rejects) the moment the deadline passes or
  // the caller aborts, and every await below races it, so a fetch implementation that ignores the
  // signal still cannot hold the caller past the deadline.
  const controller = new AbortController();
  let why;
  let rejectStopped;
  const stopped = new Promise((_, reject) => {
    rejectStopped = reject;
  });
  stopped.catch(() => {});
  const stop = (reason) => {
    if (why !== undefined) return;
    why = reason;
    controller.abort();
    rejectStopped(reason === 'timeout' ? fail('timeout', `no complete response within ${timeoutMs} ms`) : fail('aborted', 'aborted by the caller'));
  };
  if (signal?.aborted) throw fail('aborted', 'aborted by the caller');
  const onCallerAbort = () => stop('aborted');
  signal?.addEventListener('abort', onCallerAbort, { once: true });
  const timer = setTimeout(() => stop('timeout'), timeoutMs);

  let reader;
  try {
    let response;
    for (let attempt = 1; ; attempt++) {
      try {
        response = await Promise.race([
          fetch(href, { method: verb, headers: sent, body, redirect: 'manual', signal: controller.signal }),
          stopped,
        ]);
        break;
      } catch (error) {
        if (error instanceof HttpFailure) throw error;
        if (why !== undefined) await stopped;
        // A keep-alive connection the server closed while it sat idle in the pool fails the next
        // request before any response: a GET is safe to send again, once, on a new connection
        // and within the same deadline. Nothing else is repeated (a token request's code works
        // only once).
        if (attempt === 1 && IDEMPOTENT.has(verb) && CONNECTION_LOST.has(networkCode(error))) continue;
        throw fail('network', `no response${networkReason(error)}`, error);
      }
    }

    // `opaqueredirect` (status 0) is what browsers give for a redirect under redirect: 'manual'.
    if ((response.status >= 300 && response.status < 400) || response.type === 'opaqueredirect') {
      response.body?.cancel().catch(() => {});
      controller.abort();
      throw fail('redirect', `answered HTTP ${response.status || 'redirect'}; redirects are not followed`);
    }

    const declared = response.headers.get('content-length');
    if (declared !== null && /^\s*\d+\s*$/.test(declared) && Number(declared) > cap) {
      response.body?.cancel().catch(() => {});
      controller.abort();
      throw fail('too_large', `Content-Length ${Number(declared)} exceeds the ${cap}-byte limit`);
    }

    const chunks = [];
    let total = 0;
    if (response.body) {
      reader = response.body.getReader();
      for (;;) {
        let step;
        try {
          step = await Promise.race([reader.read(), stopped]);
        } catch (error) {
          if (error instanceof HttpFailure) throw error;
          if (why !== undefined) await stopped;
          throw fail('network', `the body broke off${networkReason(error)}`, error);
        }
        if (step.done) break;
        total += step.value.byteLength;
        if (total > cap) throw fail('too_large', `the body exceeds the ${cap}-byte limit`);
        chunks.push(step.value);
      }
      reader = undefined;
    }
    const bytes = new Uint8Array(total);
    let offset = 0;
    for (const chunk of chunks) {
      bytes.set(chunk, offset);
      offset += chunk.byteLength;
    }
    return { status: response.status, headers: response.headers, text: new TextDecoder().decode(bytes) };
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onCallerAbort);
    if (reader !== undefined) {
      // Abandoned mid-body (cap, deadline, error): stop the transfer and free the connection.
      reader.cancel().catch(() => {});
      controller.abort();
    }
  }
}
