// Replay protection for back-channel logout tokens: One Login's docs require refusing a logout
// token whose `jti` was seen in the last 3 minutes. A store answers one question, atomically:
// "is this the first time I see this jti (within its time to live)?"
//
//   await store.remember(jti, 180)  // true the first time; false while that jti is remembered
//
// Both stores accept any non-empty jti string of at most MAX_JTI_LENGTH characters and a time to
// live in seconds (> 0, rounded up to whole seconds), and throw TypeError otherwise.
// Only WHATWG APIs (WebCrypto's SHA-256 for Redis keys): no Node-only import.

/** Longer jtis are refused (One Login's are UUIDs, 36 characters). */
export const MAX_JTI_LENGTH = 1024;

function checkArguments(jti, ttlSeconds) {
  if (typeof jti !== 'string' || jti === '' || jti.length > MAX_JTI_LENGTH) {
    throw new TypeError(`remember: jti must be a non-empty string of at most ${MAX_JTI_LENGTH} characters`);
  }
  if (typeof ttlSeconds !== 'number' || !Number.isFinite(ttlSeconds) || ttlSeconds <= 0) {
    throw new TypeError('remember: ttlSeconds must be a finite number of seconds > 0');
  }
  return Math.ceil(ttlSeconds);
}

/**
 * An in-process store: a Map of jti -> expiry, bounded and expiring.
 *
 * Bounded means that under pressure (more than `maxEntries` jtis live at once) the OLDEST entry
 * is evicted even though it has not expired, so a replay of that token would then be accepted.
 * It also sees only this process's tokens. Services with more than one instance, or with a
 * high volume of logouts, must use a shared store such as RedisReplayStore.
 */
export class MemoryReplayStore {
  /** jti -> expiry (clock milliseconds). Map order is insertion order: oldest first. */
  #entries = new Map();
  #maxEntries;
  #clock;

  /**
   * @param {{ maxEntries?: number, clock?: () => number }} [options] `clock` gives milliseconds
   *   (default `Date.now`).
   */
  constructor({ maxEntries = 10000, clock = Date.now } = {}) {
    if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) throw new TypeError('MemoryReplayStore: maxEntries must be an integer >= 1');
    if (typeof clock !== 'function') throw new TypeError('MemoryReplayStore: clock must be a function returning milliseconds');
    this.#maxEntries = maxEntries;
    this.#clock = clock;
  }

  /** How many jtis are held now (never more than maxEntries). */
  get size() {
    return this.#entries.size;
  }

  /** @returns {Promise<boolean>} true the first time, false if seen and not expired. */
  async remember(jti, ttlSeconds) {
    const ttl = checkArguments(jti, ttlSeconds);
    const now = this.#clock();
    const expiry = this.#entries.get(jti);
    if (expiry !== undefined && expiry > now) return false;
    this.#entries.delete(jti);
    // Expired entries at the old end go first (with one ttl for all, that is every expired one).
    for (const [oldest, until] of this.#entries) {
      if (until > now) break;
      this.#entries.delete(oldest);
    }
    // Still full: evict the oldest live entries (the documented weakness of a bounded store).
    while (this.#entries.size >= this.#maxEntries) this.#entries.delete(this.#entries.keys().next().value);
    this.#entries.set(jti, now + ttl * 1000);
    return true;
  }
}

/** The Redis key of a jti: prefix + SHA-256 hex, so an attacker-chosen jti cannot shape keys. */
async function jtiKey(prefix, jti) {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(jti));
  return prefix + Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * A store shared by every instance of a service, in Redis: one atomic `SET key 1 NX EX ttl` per
 * jti, so two instances receiving the same token at the same moment cannot both accept it.
 *
 * Works with node-redis v4+ (`createClient()`; `set(key, value, { NX, EX })`) and ioredis
 * (`new Redis()`; `set(key, value, 'EX', ttl, 'NX')`), connected by the caller. Fails closed:
 * any Redis error (down, timeout, refused) rejects `remember`; it never answers "first time" on
 * error. Bound how long a command may wait with the client's own settings (ioredis
 * `commandTimeout`, node-redis `disableOfflineQueue` / socket timeouts).
 */
export class RedisReplayStore {
  #set;
  #prefix;

  /**
   * @param {object} client a connected node-redis (v4+) or ioredis client
   * @param {{ prefix?: string }} [options]
   */
  constructor(client, { prefix = 'govuk-one-login-tokens:logout-jti:' } = {}) {
    if (typeof prefix !== 'string') throw new TypeError('RedisReplayStore: prefix must be a string');
    if (typeof client?.set !== 'function') throw new TypeError('RedisReplayStore: pass a node-redis (v4+) or ioredis client');
    if (typeof globalThis.crypto?.subtle?.digest !== 'function') throw new TypeError('RedisReplayStore: this runtime has no WebCrypto');
    // node-redis v4+ clients (and clusters) expose boolean isOpen/isReady; ioredis clients (and
    // clusters) a string status. Both have an `options` object, so that cannot tell them apart.
    if (typeof client.isOpen === 'boolean' || typeof client.isReady === 'boolean') {
      this.#set = (key, ttl) => client.set(key, '1', { NX: true, EX: ttl });
    } else if (typeof client.status === 'string') {
      this.#set = (key, ttl) => client.set(key, '1', 'EX', ttl, 'NX');
    } else {
      throw new TypeError('RedisReplayStore: pass a node-redis (v4+) or ioredis client');
    }
    this.#prefix = prefix;
  }

  /** @returns {Promise<boolean>} true the first time, false if seen and not expired. */
  async remember(jti, ttlSeconds) {
    const ttl = checkArguments(jti, ttlSeconds);
    const reply = await this.#set(await jtiKey(this.#prefix, jti), ttl);
    if (reply === null) return false;
    if (reply === 'OK') return true;
    // Anything else is not an answer to SET NX: refuse rather than guess.
    throw new Error('RedisReplayStore: unexpected reply to SET NX');
  }
}
