// The host's signature arithmetic, when the core should not do it itself.
//
// The wasm core imports `hostVerify` and calls it only after its own checks (algorithm
// allow-list, key selection, signature length and range); a boolean answer is final, and
// `undefined` means the core's portable arithmetic decides. The key arrives as a small integer
// that always names the same key (src/bindings/host_keys.rs): a host keeps its own key object
// per number and reads the key's canonical JWK text once, with `keyJwk(number)`. Two things can
// answer:
//   - a synchronous verifier installed for the whole process (Node's `crypto.verify`);
//   - for the duration of one synchronous core call, an answerer set by `answering` (the async
//     verifiers, which answer from signatures WebCrypto has already checked; see
//     async-signatures.js). It takes precedence, and calls may nest.

let verifier;
let webCryptoFirst = [];
let answerer;
// The glue's `hostKeyJwk`, registered by async-signatures.js: this file is shared by the builds
// (see scripts/bundle-entries.mjs), so it imports no glue itself.
let keyJwk = () => undefined;

/** Register the function that gives a key number's canonical JWK text (the glue's `hostKeyJwk`). */
export function setKeyJwkSource(fn) {
  keyJwk = fn;
}

/**
 * Install (or, with `undefined`, remove) the host verifier. `webCryptoFirst` lists the algorithms
 * for which the host's WebCrypto is the faster arithmetic, so the async verifiers use it instead.
 */
export function setHostVerifier(fn, { webCryptoFirst: algs = [] } = {}) {
  verifier = fn;
  webCryptoFirst = algs;
}

/**
 * A host verifier that leaves every signature to the core's portable arithmetic, for hosts where
 * that is the fastest arithmetic there is (Deno): the async verifiers then run the synchronous ones.
 */
export const portableArithmetic = () => undefined;

/** The synchronous host verifier the async verifiers should use for `alg`, if any. */
export function syncVerifierFor(alg) {
  return webCryptoFirst.includes(alg) ? undefined : verifier;
}

/** Whether the async verifiers can simply run the synchronous ones (a verifier for every alg). */
export function hasHostVerifier() {
  return verifier !== undefined && webCryptoFirst.length === 0;
}

/** Run `call()` with `answer` deciding every signature the core asks about meanwhile. */
export function answering(answer, call) {
  const outer = answerer;
  answerer = answer;
  try {
    return call();
  } finally {
    answerer = outer;
  }
}

/** Called by the wasm core: `(keyNumber, alg, message, signature) => boolean | undefined`. */
export function hostVerify(key, alg, message, signature) {
  if (answerer !== undefined) return answerer(key, alg, message, signature);
  return verifier === undefined ? undefined : verifier(key, alg, message, signature);
}

/**
 * A cache of host key objects by key number, `make(jwkText)` building one the first time a
 * number is seen (the text comes from the core). `undefined` when the core no longer has the
 * key (it then asks again with a new number). Bounded: one entry per key in use.
 */
export function keyCache(make, maxKeys = 64) {
  const objects = new Map();
  return (number) => {
    let object = objects.get(number);
    if (object === undefined) {
      const jwk = keyJwk(number);
      if (jwk === undefined) return undefined;
      if (objects.size >= maxKeys) objects.delete(objects.keys().next().value);
      object = make(jwk);
      objects.set(number, object);
    }
    return object;
  };
}
