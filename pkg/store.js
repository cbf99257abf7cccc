// What a OneLoginClient shares between the instances of a service, in one store:
//
//   await store.remember(jti, 180)                // logout-token replays: true the first time,
//                                                 // false while that jti is remembered
//   await store.recordSignOut(sub, at, ttl)       // ended sessions: keep the LATEST sign-out
//   await store.signedOutAt(sub)                  // time of `sub` (seconds), or null
//
// and, for a client created with `cacheDocuments: true`, One Login's documents:
//
//   await store.getDocument(key)                  // the record filed under key, or null
//   await store.putDocument(key, record, ttl)     // file it for ttl seconds (replacing any)
//
// A document record is opaque text to a store: the client writes it, and reads it back as
// strictly as a fetched document (src/onelogin/document_cache.rs).
// A store only stores, each operation atomically; what the times mean (is a session ended?) is
// decided in the core (`isSignedOut`, src/onelogin/sessions.rs). Arguments: a non-empty id (jti
// or sub) of at most MAX_ID_LENGTH characters, times in seconds since the epoch (finite, >= 0),
// times to live in seconds (> 0, rounded up to whole seconds); anything else is refused with
// ERR_INVALID_ARGUMENT. Only WHATWG APIs (WebCrypto's SHA-256 for Redis keys): no Node-only import.
import { invalidArgument } from './errors.js';

/** Longer jtis and subs are refused (One Login's jtis are UUIDs; subs are about 60 characters). */
export const MAX_ID_LENGTH = 1024;

function checkId(method, name, value) {
  if (typeof value !== 'string' || value === '' || value.length > MAX_ID_LENGTH) {
    throw invalidArgument(name, `${method}: ${name} must be a non-empty string of at most ${MAX_ID_LENGTH} characters`);
  }
}

function checkTtl(method, ttlSeconds) {
  if (typeof ttlSeconds !== 'number' || !Number.isFinite(ttlSeconds) || ttlSeconds <= 0) {
    throw invalidArgument('ttlSeconds', `${method}: ttlSeconds must be a finite number of seconds > 0`);
  }
  return Math.ceil(ttlSeconds);
}

/** A document key is the document's kind and URL (the client's own, never from outside). */
export const MAX_DOCUMENT_KEY_LENGTH = 16 * 1024;

function checkDocumentKey(method, key) {
  if (typeof key !== 'string' || key === '' || key.length > MAX_DOCUMENT_KEY_LENGTH) {
    throw invalidArgument('key', `${method}: key must be a non-empty string of at most ${MAX_DOCUMENT_KEY_LENGTH} characters`);
  }
}

function checkRecord(method, record) {
  if (typeof record !== 'string' || record === '') throw invalidArgument('record', `${method}: record must be a non-empty string`);
}

function checkTime(method, atSeconds) {
  if (typeof atSeconds !== 'number' || !Number.isFinite(atSeconds) || atSeconds < 0) {
    throw invalidArgument('atSeconds', `${method}: atSeconds must be a finite number of seconds since the epoch, >= 0`);
  }
}

/** The document records a MemoryStore holds at once (the oldest goes first). */
const MAX_MEMORY_DOCUMENTS = 64;

/**
 * An in-process store: Maps of jti -> expiry and sub -> latest sign-out, expiring.
 *
 * It sees only this process: a service with more than one instance must use a shared store
 * such as RedisStore, or a logout handled by one instance leaves the user signed in on the
 * others. The jtis are bounded: under pressure (more than `maxEntries` live at once) the OLDEST
 * is evicted before it expires, so a replay of that token would then be accepted. Sign-outs are
 * never evicted early (only One Login's signed tokens create them): forgetting one would leave
 * sessions open that One Login ended.
 */
export class MemoryStore {
  /** jti -> expiry (clock milliseconds). Map order is insertion order: oldest first. */
  #jtis = new Map();
  /** sub -> { at (seconds), until (clock milliseconds) }, re-inserted on update: oldest first. */
  #signOuts = new Map();
  /** document key -> { record, until (clock milliseconds) }: a few per environment. */
  #documents = new Map();
  #maxEntries;
  #clock;

  /**
   * @param {{ maxEntries?: number, clock?: () => number }} [options] `maxEntries` bounds the jtis
   *   held at once (default 10,000); `clock` gives milliseconds (default `Date.now`).
   */
  constructor(options) {
    // Own members only: a polluted Object.prototype supplies no clock.
    const own = (name) => (options !== null && typeof options === 'object' && Object.hasOwn(options, name) ? options[name] : undefined);
    const maxEntries = own('maxEntries') ?? 10000;
    const clock = own('clock') ?? Date.now;
    if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) throw invalidArgument('maxEntries', 'MemoryStore: maxEntries must be an integer >= 1');
    if (typeof clock !== 'function') throw invalidArgument('clock', 'MemoryStore: clock must be a function returning milliseconds');
    this.#maxEntries = maxEntries;
    this.#clock = clock;
  }

  /** How many jtis are held now (never more than maxEntries). */
  get size() {
    return this.#jtis.size;
  }

  /** @returns {Promise<boolean>} true the first time, false if seen and not expired. */
  async remember(jti, ttlSeconds) {
    checkId('remember', 'jti', jti);
    const ttl = checkTtl('remember', ttlSeconds);
    const now = this.#clock();
    const expiry = this.#jtis.get(jti);
    if (expiry !== undefined && expiry > now) return false;
    this.#jtis.delete(jti);
    // Expired entries at the old end go first (with one ttl for all, that is every expired one).
    for (const [oldest, until] of this.#jtis) {
      if (until > now) break;
      this.#jtis.delete(oldest);
    }
    // Still full: evict the oldest live entries (the documented weakness of a bounded store).
    while (this.#jtis.size >= this.#maxEntries) this.#jtis.delete(this.#jtis.keys().next().value);
    this.#jtis.set(jti, now + ttl * 1000);
    return true;
  }

  /**
   * Record that `sub`'s sessions ended at `atSeconds`, kept `ttlSeconds`; an earlier time than
   * the one held changes nothing (the latest sign-out wins).
   * @returns {Promise<boolean>} whether the record changed.
   */
  async recordSignOut(sub, atSeconds, ttlSeconds) {
    checkId('recordSignOut', 'sub', sub);
    checkTime('recordSignOut', atSeconds);
    const ttl = checkTtl('recordSignOut', ttlSeconds);
    const now = this.#clock();
    const held = this.#live(sub, now);
    if (held !== undefined && held.at >= atSeconds) return false;
    this.#signOuts.delete(sub);
    for (const [oldest, { until }] of this.#signOuts) {
      if (until > now) break;
      this.#signOuts.delete(oldest);
    }
    this.#signOuts.set(sub, { at: atSeconds, until: now + ttl * 1000 });
    return true;
  }

  /** @returns {Promise<number | null>} the latest recorded sign-out of `sub`, in seconds. */
  async signedOutAt(sub) {
    checkId('signedOutAt', 'sub', sub);
    return this.#live(sub, this.#clock())?.at ?? null;
  }

  /** @returns {Promise<string | null>} the document record filed under `key`, until it expires. */
  async getDocument(key) {
    checkDocumentKey('getDocument', key);
    const held = this.#documents.get(key);
    if (held === undefined) return null;
    if (held.until > this.#clock()) return held.record;
    this.#documents.delete(key);
    return null;
  }

  /** File a document record under `key` for `ttlSeconds`, replacing any. */
  async putDocument(key, record, ttlSeconds) {
    checkDocumentKey('putDocument', key);
    checkRecord('putDocument', record);
    const ttl = checkTtl('putDocument', ttlSeconds);
    this.#documents.delete(key);
    // Three documents per environment: the bound only stops a misuse growing without end.
    while (this.#documents.size >= MAX_MEMORY_DOCUMENTS) this.#documents.delete(this.#documents.keys().next().value);
    this.#documents.set(key, { record, until: this.#clock() + ttl * 1000 });
  }

  #live(sub, now) {
    const record = this.#signOuts.get(sub);
    return record !== undefined && record.until > now ? record : undefined;
  }
}

/** A Redis key: prefix + kind + SHA-256 hex, so an attacker-chosen jti or sub cannot shape keys. */
async function hashedKey(prefix, kind, id) {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(id));
  return prefix + kind + Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

// The latest sign-out wins, in one atomic step: replace the held time only with a later one
// (and then with a fresh time to live); a held value that is not a number is replaced.
const RECORD_SIGN_OUT = `local held = tonumber(redis.call('GET', KEYS[1]))
local at = tonumber(ARGV[1])
if held ~= nil and held >= at then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
return 1`;

/**
 * A store shared by every instance of a service, in Redis, with atomic commands only: `SET key
 * 1 NX EX ttl` per jti (two instances receiving one token at the same moment cannot both accept
 * it) and one small Lua script per sign-out (the later of two concurrent sign-outs is kept,
 * whatever order they arrive in).
 *
 * Works with node-redis v4+ (`createClient()`) and ioredis (`new Redis()`), connected by the
 * caller. Fails closed: any Redis error (down, timeout, refused) rejects; it never answers
 * "first time" or "not signed out" on error. Bound how long a command may wait with the client's
 * own settings (ioredis `commandTimeout`, node-redis `disableOfflineQueue` / socket timeouts).
 * Keys: `${prefix}logout-jti:<sha256>` and `${prefix}signed-out:<sha256>`; document records
 * (`cacheDocuments`) under `${prefix}document:<sha256 of kind and URL>` with `SET EX`.
 */
export class RedisStore {
  #setNx;
  #setEx;
  #eval;
  #get;
  #prefix;

  /**
   * @param {object} client a connected node-redis (v4+) or ioredis client
   * @param {{ prefix?: string }} [options] default `'govuk-one-login-tokens:'`
   */
  constructor(client, { prefix = 'govuk-one-login-tokens:' } = {}) {
    if (typeof prefix !== 'string') throw invalidArgument('prefix', 'RedisStore: prefix must be a string');
    const usable = ['set', 'get', 'eval'].every((name) => typeof client?.[name] === 'function');
    if (!usable) throw invalidArgument('client', 'RedisStore: pass a node-redis (v4+) or ioredis client');
    if (typeof globalThis.crypto?.subtle?.digest !== 'function') throw invalidArgument('client', 'RedisStore: this runtime has no WebCrypto');
    // node-redis v4+ clients (and clusters) expose boolean isOpen/isReady; ioredis clients (and
    // clusters) a string status. Both have an `options` object, so that cannot tell them apart.
    if (typeof client.isOpen === 'boolean' || typeof client.isReady === 'boolean') {
      this.#setNx = (key, ttl) => client.set(key, '1', { NX: true, EX: ttl });
      this.#setEx = (key, value, ttl) => client.set(key, value, { EX: ttl });
      this.#eval = (script, keys, args) => client.eval(script, { keys, arguments: args });
    } else if (typeof client.status === 'string') {
      this.#setNx = (key, ttl) => client.set(key, '1', 'EX', ttl, 'NX');
      this.#setEx = (key, value, ttl) => client.set(key, value, 'EX', ttl);
      this.#eval = (script, keys, args) => client.eval(script, keys.length, ...keys, ...args);
    } else {
      throw invalidArgument('client', 'RedisStore: pass a node-redis (v4+) or ioredis client');
    }
    this.#get = (key) => client.get(key);
    this.#prefix = prefix;
  }

  /** @returns {Promise<boolean>} true the first time, false if seen and not expired. */
  async remember(jti, ttlSeconds) {
    checkId('remember', 'jti', jti);
    const ttl = checkTtl('remember', ttlSeconds);
    const reply = await this.#setNx(await hashedKey(this.#prefix, 'logout-jti:', jti), ttl);
    if (reply === null) return false;
    if (reply === 'OK') return true;
    // Anything else is not an answer to SET NX: refuse rather than guess.
    throw new Error('RedisStore: unexpected reply to SET NX');
  }

  /**
   * Record that `sub`'s sessions ended at `atSeconds`, kept `ttlSeconds`; an earlier time than
   * the one held changes nothing (the latest sign-out wins, atomically).
   * @returns {Promise<boolean>} whether the record changed.
   */
  async recordSignOut(sub, atSeconds, ttlSeconds) {
    checkId('recordSignOut', 'sub', sub);
    checkTime('recordSignOut', atSeconds);
    const ttl = checkTtl('recordSignOut', ttlSeconds);
    const key = await hashedKey(this.#prefix, 'signed-out:', sub);
    const reply = await this.#eval(RECORD_SIGN_OUT, [key], [String(atSeconds), String(ttl)]);
    if (reply === 1 || reply === 0) return reply === 1;
    throw new Error('RedisStore: unexpected reply to the sign-out script');
  }

  /** @returns {Promise<number | null>} the latest recorded sign-out of `sub`, in seconds. */
  async signedOutAt(sub) {
    checkId('signedOutAt', 'sub', sub);
    const reply = await this.#get(await hashedKey(this.#prefix, 'signed-out:', sub));
    if (reply === null) return null;
    const at = Number(reply);
    // Not a time: refuse rather than answer "not signed out".
    if (typeof reply !== 'string' || reply === '' || !Number.isFinite(at)) throw new Error('RedisStore: the sign-out record is not a time');
    return at;
  }

  /** @returns {Promise<string | null>} the document record filed under `key`, or null. */
  async getDocument(key) {
    checkDocumentKey('getDocument', key);
    return this.#get(await hashedKey(this.#prefix, 'document:', key));
  }

  /** File a document record under `key` for `ttlSeconds` (`SET EX`), replacing any. */
  async putDocument(key, record, ttlSeconds) {
    checkDocumentKey('putDocument', key);
    checkRecord('putDocument', record);
    const ttl = checkTtl('putDocument', ttlSeconds);
    const reply = await this.#setEx(await hashedKey(this.#prefix, 'document:', key), record, ttl);
    if (reply !== 'OK') throw new Error('RedisStore: unexpected reply to SET EX');
  }
}
