// The host's signature arithmetic, when the core should not do it itself.
//
// The wasm core imports `hostVerify` and calls it only after its own checks (algorithm
// allow-list, key selection, signature length and range); a boolean answer is final, and
// `undefined` means the core's portable arithmetic decides. Two things can answer:
//   - a synchronous verifier installed for the whole process (Node's `crypto.verify`);
//   - for the duration of one synchronous core call, an answerer set by `answering` (the async
//     verifiers, which answer from signatures WebCrypto has already checked; see
//     async-signatures.js). It takes precedence, and calls may nest.

let verifier;
let webCryptoFirst = [];
let answerer;

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

/** Called by the wasm core: `(canonicalJwk, alg, message, signature) => boolean | undefined`. */
export function hostVerify(jwk, alg, message, signature) {
  if (answerer !== undefined) return answerer(jwk, alg, message, signature);
  return verifier === undefined ? undefined : verifier(jwk, alg, message, signature);
}
