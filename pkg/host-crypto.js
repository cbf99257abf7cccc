// The host's signature arithmetic, if it has a synchronous one (Node's `crypto.verify`).
//
// The wasm core imports `hostVerify` and calls it only after its own checks (algorithm
// allow-list, key selection, signature length and range); a boolean answer is final, and
// `undefined` (no verifier installed, as in browsers, whose WebCrypto is asynchronous only)
// means the core's portable arithmetic decides.

let verifier;

/** Install (or, with `undefined`, remove) the host verifier. */
export function setHostVerifier(fn) {
  verifier = fn;
}

/** Called by the wasm core: `(canonicalJwk, alg, message, signature) => boolean | undefined`. */
export function hostVerify(jwk, alg, message, signature) {
  return verifier === undefined ? undefined : verifier(jwk, alg, message, signature);
}
