/**
 * The one error class of govuk-one-login-tokens. The wasm glue imports `createTokenError` from
 * this file (wasm-bindgen `raw_module = "../errors.js"`), so every failure raised in Rust and every
 * argument error raised by the JavaScript wrapper is an instance of the same `TokenError` class.
 *
 * Codes match panva/jose's names and meanings; they are public API and never renamed.
 */
export class TokenError extends Error {
  /**
   * @param {string} code stable machine-readable code, e.g. `'ERR_JWT_EXPIRED'`
   * @param {string} message short fixed English sentence (never contains key or signature bytes)
   * @param {{ claim?: string, reason?: string, cause?: unknown }} [options]
   */
  constructor(code, message, options) {
    // `?? {}`: a default parameter would not cover an explicit null.
    const { cause, claim, reason } = options ?? {};
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'TokenError';
    this.code = code;
    if (claim !== undefined) this.claim = claim;
    if (reason !== undefined) this.reason = reason;
  }
}

/**
 * Factory used by the Rust side; `claim` and `reason` are `undefined` unless the failure is
 * about one claim (`ERR_JWT_CLAIM_VALIDATION_FAILED`, `ERR_JWT_EXPIRED`).
 *
 * @param {string} code
 * @param {string} message
 * @param {string | undefined} claim
 * @param {string | undefined} reason
 * @returns {TokenError}
 */
export function createTokenError(code, message, claim, reason) {
  return new TokenError(code, message, { claim: claim ?? undefined, reason: reason ?? undefined });
}
