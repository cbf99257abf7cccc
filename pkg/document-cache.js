// The client's documents (discovery, JWKS, DID document) kept in its store, for a client
// created with `cacheDocuments: true`: a new instance or a serverless cold start reads what
// another instance fetched instead of fetching it again.
//
// I/O only. The record's format, its strict check (kind, URL, times, sizes) and how long a
// document stays fresh are the core's (src/onelogin/document_cache.rs, through ClientConfig);
// a stored document is then parsed by the very function a fetched one goes through. Nothing a
// store answers is trusted further: a refused record, a store error or a store that does not
// answer within the client's timeout reads as "not stored" (the document is fetched, and the
// fetched copy replaces the record). Each read and write is published on
// govuk-one-login-tokens:documents (diagnostics.js).
import { documentsStarted, publishDocument } from './diagnostics.js';

/** Settles like `promise`, or rejects with a `timeout` error after `ms` (the promise is left to finish). */
function withDeadline(promise, ms) {
  let timer;
  const deadline = new Promise((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error('the store did not answer in time'), { kind: 'timeout' })), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** Why a store operation failed, as it may be published: a deadline, or the store's error. */
const storeFailure = (error) => (error?.kind === 'timeout' ? 'timeout' : 'store_error');

export class DocumentCache {
  #store;
  #config;
  #clock;
  #timeoutMs;

  /**
   * @param {{ store: { getDocument: Function, putDocument: Function }, config: object,
   *   clock: () => number, timeoutMs: number }} parts the client's store, ClientConfig, clock
   *   and request deadline (also each store operation's).
   */
  constructor({ store, config, clock, timeoutMs }) {
    this.#store = store;
    this.#config = config;
    this.#clock = clock;
    this.#timeoutMs = timeoutMs;
  }

  /**
   * The stored document of `kind`, parsed with `parse` (the fetched document's parser):
   * `{ value, freshUntilMs }`, or `undefined` when there is none to use.
   */
  async read(kind, parse) {
    const started = documentsStarted();
    const publish = (outcome, extra, failure) => publishDocument(started, { operation: 'read', document: kind, outcome, ...extra }, failure);
    let record;
    try {
      record = await withDeadline(
        (async () => this.#store.getDocument(this.#config.documentKey(kind)))(),
        this.#timeoutMs,
      );
    } catch (error) {
      publish('error', { reason: storeFailure(error) }, error);
      return undefined;
    }
    if (record === null || record === undefined) {
      publish('miss');
      return undefined;
    }
    // Refused (over its cap, before it is copied) or read by the core; never used otherwise.
    const found = this.#config.readDocumentRecord(kind, record, this.#clock());
    if (found.outcome !== 'hit') {
      publish(found.reason === 'stale' ? 'miss' : 'refused', { reason: found.reason });
      return undefined;
    }
    let value;
    try {
      value = parse(found.document);
    } catch (error) {
      publish('refused', { reason: 'unusable', code: typeof error?.code === 'string' ? error.code : 'ERR_UNEXPECTED' });
      return undefined;
    }
    publish('hit');
    return { value, freshUntilMs: found.freshUntilMs };
  }

  /** Store a document just fetched (its text as fetched); a failure is published, never thrown. */
  async write(kind, text, fetchedAtMs, freshUntilMs) {
    const started = documentsStarted();
    const publish = (outcome, extra, failure) => publishDocument(started, { operation: 'write', document: kind, outcome, ...extra }, failure);
    try {
      const { key, record, ttlSeconds } = this.#config.documentRecord(kind, text, fetchedAtMs, freshUntilMs, this.#clock());
      await withDeadline(
        (async () => this.#store.putDocument(key, record, ttlSeconds))(),
        this.#timeoutMs,
      );
    } catch (error) {
      publish('error', { reason: storeFailure(error) }, error);
      return;
    }
    publish('ok');
  }
}
