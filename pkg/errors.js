/**
 * The one error class of govuk-one-login-tokens. The wasm glue imports `createTokenError` from
 * this file (wasm-bindgen `raw_module = "../errors.js"`), so every failure raised in Rust and every
 * argument error raised by the JavaScript wrapper is an instance of the same `TokenError` class.
 *
 * Codes match panva/jose's names and meanings; they are public API and never renamed. The list
 * of every code is defined once, in Rust (`errorCodes()`).
 */

// The properties a TokenError may carry beside `code` and `message`, each only when it applies.
const DETAILS = ['claim', 'reason', 'option', 'error', 'errorDescription', 'status'];

export class TokenError extends Error {
  /**
   * @param {string} code stable machine-readable code, e.g. `'ERR_JWT_EXPIRED'`
   * @param {string} message short fixed English sentence (never contains a token, key or secret)
   * @param {{ claim?: string, reason?: string, option?: string, error?: string,
   *   errorDescription?: string, status?: number, cause?: unknown }} [details] `reason`: why a
   *   claim failed (`ClaimFailureReason`), how an OAuth exchange failed, or (`ERR_SIGNER_FAILED`)
   *   how the client's external signer failed: `threw`, `timeout`, `not_bytes`, `wrong_length`,
   *   `bad_signature` (`SignerFailureReason`, defined in src/error.rs)
   */
  constructor(code, message, details) {
    // `?? {}`: a default parameter would not cover an explicit null.
    const given = details ?? {};
    super(message, given.cause === undefined ? undefined : { cause: given.cause });
    this.name = 'TokenError';
    this.code = code;
    for (const name of DETAILS) {
      if (given[name] !== undefined && given[name] !== null) this[name] = given[name];
    }
  }
}

/**
 * Factory used by the Rust side and the wrapper. `details` holds `claim`/`reason` for claim
 * failures, `option` for `ERR_INVALID_ARGUMENT`, `error`/`errorDescription`/`status` for the
 * flow's `ERR_OAUTH_…` errors.
 *
 * @param {string} code
 * @param {string} message
 * @param {object} [details]
 * @returns {TokenError}
 */
export function createTokenError(code, message, details) {
  return new TokenError(code, message, details);
}

/**
 * A caller mistake about one option or argument (`ERR_INVALID_ARGUMENT`, with `option` set so a
 * form can mark the field).
 *
 * @param {string} option the option or argument, as the caller spells it
 * @param {string} message
 * @returns {TokenError}
 */
export function invalidArgument(option, message) {
  return new TokenError('ERR_INVALID_ARGUMENT', message, { option });
}
