// The client's private_key_jwt key in whichever form the service holds it:
//   - a PEM, a private JWK or a SigningKey: the core holds it and signs;
//   - a WebCrypto CryptoKeyPair (RSA; the private key may be non-extractable);
//   - a signer { publicJwk, sign: async (data: Uint8Array) => Uint8Array } (a KMS, an HSM).
// For the last two the core holds only the public key: it builds the signing input, this file
// has the signature made (the signer's call and its deadline: I/O), and the core checks the
// signature under the public key before the JWT exists (ERR_SIGNER_FAILED, reason wrong_length
// or bad_signature), so nothing is sent with a signature One Login would refuse. The JWKS, the
// kid and the algorithm are the core's, the same for all three.
import {
  ClientConfig,
  clientConfigWithKey,
  clientConfigWithExternalKey,
  clientSetExternalPublicKey,
  clientWebCryptoSigning,
  clientPrepareSignIn,
  clientAssertionInput,
} from './wasm/govuk_one_login_tokens.js';
import { SigningKey } from './classes.js';
import { TokenError, invalidArgument } from './errors.js';

const own = (object, name) => (object !== null && typeof object === 'object' && Object.hasOwn(object, name) ? object[name] : undefined);

/** A WebCrypto CryptoKey of `type` (`private` or `public`), from any realm. */
function isCryptoKey(value, type) {
  if (typeof globalThis.CryptoKey === 'function' && value instanceof globalThis.CryptoKey) return value.type === type;
  return value !== null && typeof value === 'object' && value.type === type && typeof value.algorithm === 'object' && Array.isArray(value.usages);
}

/** `{ privateKey, publicKey }` CryptoKeys (what `crypto.subtle.generateKey` gives for RSA). */
function isCryptoKeyPair(value) {
  return isCryptoKey(own(value, 'privateKey'), 'private') && isCryptoKey(own(value, 'publicKey'), 'public');
}

/** A signer: an object with its own `sign` or `publicJwk` (a private JWK has neither). */
function isSigner(value) {
  return value !== null && typeof value === 'object' && !(value instanceof SigningKey) && (Object.hasOwn(value, 'sign') || Object.hasOwn(value, 'publicJwk'));
}

function signerFailed(message, reason, cause) {
  return new TokenError('ERR_SIGNER_FAILED', message, { reason, cause });
}

/** A CryptoKeyPair's signer, its algorithm checked by the core against clientAssertionAlg now. */
function cryptoKeyPairClient(options, pair) {
  const subtle = globalThis.crypto?.subtle;
  if (subtle === undefined) {
    throw invalidArgument('privateKey', 'a CryptoKeyPair needs WebCrypto (globalThis.crypto.subtle) here: pass a signer { publicJwk, sign } instead');
  }
  // The public key is read asynchronously (exportKey): the core gets it before the first use.
  const config = clientConfigWithExternalKey(options, undefined);
  let params;
  try {
    const { algorithm, usages } = pair.privateKey;
    params = clientWebCryptoSigning(config, {
      name: typeof algorithm?.name === 'string' ? algorithm.name : undefined,
      hash: typeof algorithm?.hash?.name === 'string' ? algorithm.hash.name : undefined,
      modulusLength: typeof algorithm?.modulusLength === 'number' ? algorithm.modulusLength : undefined,
      canSign: Array.isArray(usages) && usages.includes('sign'),
    });
  } catch (error) {
    config.free();
    throw error;
  }
  const ready = subtle.exportKey('jwk', pair.publicKey).then(
    // Only the members the key is made of (an export adds ext and key_ops).
    ({ kty, n, e }) => clientSetExternalPublicKey(config, { kty, n, e }),
    (error) => {
      throw invalidArgument('privateKey', `the CryptoKeyPair's public key could not be exported as a JWK (${error?.name ?? 'error'}): make it extractable`);
    },
  );
  // A failure is reported by the first use (publicJwks, startSignIn, completeSignIn).
  ready.catch(() => {});
  const privateKey = pair.privateKey;
  return { config, external: { ready, sign: (data) => subtle.sign(params, privateKey, data) } };
}

/** A `{ publicJwk, sign }` signer: its public key checked by the core now. */
function signerClient(options, signer) {
  const sign = own(signer, 'sign');
  if (typeof sign !== 'function') throw invalidArgument('privateKey.sign', 'a signer needs "sign": async (data: Uint8Array) => Uint8Array, the raw RSA signature of data');
  const publicJwk = own(signer, 'publicJwk');
  if (publicJwk === undefined || publicJwk === null) {
    throw invalidArgument('privateKey.publicJwk', 'a signer needs "publicJwk": the public RSA JWK of the key it signs with');
  }
  const config = clientConfigWithExternalKey(options, publicJwk);
  return { config, external: { ready: undefined, sign: (data) => sign.call(signer, data) } };
}

/**
 * `create()`'s options as the core's configuration: `{ config }`, with `external` (`{ ready,
 * sign(data) }`) when the key signs outside the core.
 */
export function clientConfigOf(options) {
  const privateKey = own(options, 'privateKey');
  if (privateKey === undefined) return { config: new ClientConfig(options) };
  if (isCryptoKeyPair(privateKey)) return cryptoKeyPairClient(options, privateKey);
  if (isSigner(privateKey)) return signerClient(options, privateKey);
  const key = privateKey instanceof SigningKey ? privateKey : new SigningKey(privateKey);
  try {
    return { config: clientConfigWithKey(options, key) };
  } finally {
    // The configuration holds its own copy of the key.
    if (key !== privateKey) key.free();
  }
}

/**
 * The signer's answer for `data`, within `timeoutMs` (the client's deadline). A signer that
 * throws or answers late is refused here; what it answered is checked by the core.
 */
async function signWithin(external, data, timeoutMs) {
  let timer;
  const deadline = new Promise((_, reject) => {
    timer = setTimeout(
      () => reject(signerFailed(`the signer did not answer within ${timeoutMs} ms (the client's timeoutMs): nothing was sent`, 'timeout')),
      // setTimeout fires at once past 2^31-1 ms (about 24.8 days); timeoutMs may be larger.
      Math.min(timeoutMs, 2 ** 31 - 1),
    );
  });
  const signing = Promise.resolve()
    .then(() => external.sign(data))
    .catch((error) => {
      // The signer's own message may name accounts or keys: it stays in `cause`.
      throw signerFailed(`the signer threw${error?.name ? ` (${error.name})` : ''}: nothing was sent; see the error's cause`, 'threw', error);
    });
  try {
    return await Promise.race([signing, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** startSignIn with an external key: `{ url, transaction }`, the request object signed outside. */
export async function startSignInExternal(config, external, options, now, timeoutMs) {
  await external.ready;
  const prepared = clientPrepareSignIn(config, options, now);
  try {
    const input = prepared.signingInput;
    const signature = input === undefined ? undefined : await signWithin(external, input, timeoutMs);
    return prepared.finish(signature);
  } finally {
    prepared.free();
  }
}

/** clientAssertion with an external key. */
export async function clientAssertionExternal(config, external, params, now, timeoutMs) {
  await external.ready;
  const unsigned = clientAssertionInput(config, params, now);
  try {
    return unsigned.assemble(await signWithin(external, unsigned.signingInput, timeoutMs));
  } finally {
    unsigned.free();
  }
}

/** The token request body of a completion, its client assertion signed outside. */
export async function tokenRequestBodyExternal(completion, config, external, code, timeoutMs) {
  await external.ready;
  const unsigned = completion.clientAssertionInput(config, code);
  try {
    return completion.tokenRequestBodySigned(code, unsigned, await signWithin(external, unsigned.signingInput, timeoutMs));
  } finally {
    unsigned.free();
  }
}
