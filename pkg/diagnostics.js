// Observability through Node's diagnostics_channel, without importing it here: this file runs in
// browsers and Workers too, where node:diagnostics_channel does not exist. The Node entries
// (node-setup.js: Node, Deno, Bun) hand it the two channels; elsewhere nothing is published.
//
//   govuk-one-login-tokens:http     one message per HTTP exchange (http.js):
//                                   { method, url, status, durationMs } or, on failure,
//                                   { method, url, durationMs, error } (error: timeout, network,
//                                   too_large, redirect, aborted; plus errorCode, e.g. ECONNREFUSED)
//   govuk-one-login-tokens:sign-in  one message per sign-in step and logout (OneLoginClient):
//                                   { operation, outcome: 'ok' | 'error', durationMs, code?,
//                                   reason?, requestObject?, identity? }
//   govuk-one-login-tokens:documents one message per document-cache read or write (a client
//                                   with cacheDocuments): { operation: 'read' | 'write',
//                                   document: 'discovery' | 'jwks' | 'did', outcome: 'hit' |
//                                   'miss' | 'refused' | 'error' (read), 'ok' | 'error' (write),
//                                   durationMs, reason?, code?, errorCode? }
//
// Messages are built only when someone subscribes (channel.hasSubscribers), and carry no token,
// code, assertion, secret, key, state, nonce or sub: the URL is origin and path only, and an
// error is its stable code and reason, never its message.

/** The channel names, for `diagnostics_channel.subscribe(name, listener)`. */
export const HTTP_CHANNEL = 'govuk-one-login-tokens:http';
export const SIGN_IN_CHANNEL = 'govuk-one-login-tokens:sign-in';
export const DOCUMENTS_CHANNEL = 'govuk-one-login-tokens:documents';

let channels;

/** Called once by the Node entries with `diagnostics_channel.channel` (Node, Deno, Bun). */
export function setDiagnosticsChannel(channelOf) {
  channels = { http: channelOf(HTTP_CHANNEL), signIn: channelOf(SIGN_IN_CHANNEL), documents: channelOf(DOCUMENTS_CHANNEL) };
}

const now = () => (typeof performance === 'object' && typeof performance.now === 'function' ? performance.now() : Date.now());
const elapsed = (started) => Math.round((now() - started) * 1000) / 1000;

/** A start time when the HTTP channel has subscribers, else undefined (nothing is measured). */
export function httpStarted() {
  return channels?.http.hasSubscribers ? now() : undefined;
}

/** Publish one HTTP exchange: `url` is already origin and path only. */
export function publishHttp(started, { method, url, status, failure }) {
  if (started === undefined || !channels?.http.hasSubscribers) return;
  const message = { method, url, durationMs: elapsed(started) };
  if (failure === undefined) {
    message.status = status;
  } else {
    message.error = failure.kind ?? 'network';
    const code = failure.cause?.cause?.code ?? failure.cause?.code;
    if (typeof code === 'string' && /^[A-Z0-9_]{1,40}$/.test(code)) message.errorCode = code;
  }
  channels.http.publish(message);
}

/** A start time when the documents channel has subscribers, else undefined. */
export function documentsStarted() {
  return channels?.documents.hasSubscribers ? now() : undefined;
}

/**
 * Publish one document-cache read or write: `fields` are names and outcomes only (never a
 * document, key, URL or a store's error message); a store's failure adds its error code when it
 * has one that looks like one (ECONNREFUSED).
 */
export function publishDocument(started, fields, failure) {
  if (started === undefined || !channels?.documents.hasSubscribers) return;
  const message = { ...fields, durationMs: elapsed(started) };
  if (failure !== undefined) {
    const code = failure?.code ?? failure?.cause?.code;
    if (typeof code === 'string' && /^[A-Z0-9_]{1,40}$/.test(code)) message.errorCode = code;
  }
  channels.documents.publish(message);
}

/** The outcome of an error as it may be published: its stable code and reason only. */
function errorFields(error) {
  const fields = { code: typeof error?.code === 'string' && /^ERR_[A-Z0-9_]{1,60}$/.test(error.code) ? error.code : 'ERR_UNEXPECTED' };
  if (typeof error?.reason === 'string' && /^[a-z_]{1,40}$/.test(error.reason)) fields.reason = error.reason;
  if (typeof error?.error === 'string' && /^[a-z_]{1,60}$/.test(error.error)) fields.oauthError = error.error;
  return fields;
}

/** What a step's result may say about itself (never its values). */
const RESULT_FIELDS = {
  startSignIn: (result, [options]) => ({ requestObject: result?.url?.includes('request=') === true, identity: /P[1-3]/.test(String(options?.vtr ?? '')) }),
  completeSignIn: (result) => ({ identity: result?.identity !== null && result?.identity !== undefined }),
};

const OPERATIONS = ['startSignIn', 'completeSignIn', 'exchangeCode', 'fetchUserinfo', 'handleBackChannelLogout', 'logoutUrl'];

/**
 * Wrap the client's sign-in and logout methods so each call publishes its outcome on the sign-in
 * channel. The wrapper adds nothing but a `hasSubscribers` test when nobody listens.
 */
export function instrumentSignIn(Client) {
  const proto = Client.prototype;
  for (const operation of OPERATIONS) {
    const method = proto[operation];
    if (typeof method !== 'function') continue;
    const publish = (started, fields) => {
      if (channels?.signIn.hasSubscribers) channels.signIn.publish({ operation, durationMs: elapsed(started), ...fields });
    };
    Object.defineProperty(proto, operation, {
      ...Object.getOwnPropertyDescriptor(proto, operation),
      value: {
        [operation](...args) {
          if (!channels?.signIn.hasSubscribers) return method.apply(this, args);
          const started = now();
          const ok = (result) => {
            publish(started, { outcome: 'ok', ...(RESULT_FIELDS[operation]?.(result, args) ?? {}) });
            return result;
          };
          const failed = (error) => {
            publish(started, { outcome: 'error', ...errorFields(error) });
            throw error;
          };
          let result;
          try {
            result = method.apply(this, args);
          } catch (error) {
            failed(error);
          }
          return typeof result?.then === 'function' ? result.then(ok, failed) : ok(result);
        },
      }[operation],
    });
  }
}
