// The asynchronous verifiers' signature arithmetic: WebCrypto (`crypto.subtle.verify`), for hosts
// with no synchronous native verifier (browsers, Cloudflare Workers, edge runtimes). Node, Bun
// and Deno already verify natively and synchronously (node-crypto.js), so there the async
// verifiers simply run the synchronous ones.
//
// Every rule stays in the core. A synchronous core call asks the host about each signature after
// its own checks (see host-crypto.js); WebCrypto cannot answer synchronously, so the call runs in
// rounds:
//   1. run the call, answering each signature it asks about with WebCrypto's verdict when there is
//      one, and otherwise with "valid" as an assumption, noted down;
//   2. ask WebCrypto about the noted signatures. If it confirms every assumption, the round's
//      outcome (result or error) rests only on WebCrypto's verdicts: it is the outcome. Otherwise
//      go round again, now with those verdicts.
// A result is released only when every signature it relied on was verified by WebCrypto, for
// exactly that key, algorithm, message and signature; since the core fails fast, a token with a
// bad signature ends with the same error as the synchronous verifier gives. Assumptions reach
// only the call in hand: every synchronous export, including one a caller's option getter makes
// in the middle of a round, switches the answerer off (api.js).
import { setHostCrypto, hostKeyJwk } from './wasm/govuk_one_login_tokens.js';
import { answering, hasHostVerifier, keyCache, setKeyJwkSource, syncVerifierFor } from './host-crypto.js';


// A verification asks about one signature: one round when it is valid, two when it is not. Past
// this many rounds (never seen), the portable arithmetic decides.
const MAX_ROUNDS = 8;

const IMPORT_PARAMS = {
  ES256: { name: 'ECDSA', namedCurve: 'P-256' },
  RS256: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
};
const VERIFY_PARAMS = {
  ES256: { name: 'ECDSA', hash: 'SHA-256' },
  RS256: { name: 'RSASSA-PKCS1-v1_5' },
};

function subtle() {
  return globalThis.crypto?.subtle;
}

// The key as a `CryptoKey` per algorithm, imported once per key number (host-crypto.js).
const importedKeys = {
  ES256: keyCache((jwk) => importOnce(jwk, 'ES256')),
  RS256: keyCache((jwk) => importOnce(jwk, 'RS256')),
};

/** A pending import; a failed one resolves to `undefined` (WebCrypto could not decide). */
function importOnce(jwk, alg) {
  return subtle()
    .importKey('jwk', JSON.parse(jwk), IMPORT_PARAMS[alg], false, ['verify'])
    .catch(() => undefined);
}

/** WebCrypto's verdict on one signature: `true`, `false`, or `undefined` when it could not decide. */
async function webCryptoVerdict({ key, alg, message, signature }) {
  if (IMPORT_PARAMS[alg] === undefined) return undefined;
  try {
    const cryptoKey = await importedKeys[alg](key);
    if (cryptoKey === undefined) return undefined;
    return await subtle().verify(VERIFY_PARAMS[alg], cryptoKey, signature, message);
  } catch {
    return undefined;
  }
}

function sameBytes(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function sameRequest(fact, key, alg, message, signature) {
  return fact.key === key && fact.alg === alg && sameBytes(fact.signature, signature) && sameBytes(fact.message, message);
}

/** Run `call` once, answering signatures from `facts`; returns its outcome and the assumed. */
function round(call, facts) {
  const assumed = [];
  const outcome = answering(
    (key, alg, message, signature) => {
      const sync = syncVerifierFor(alg);
      if (sync !== undefined) return sync(key, alg, message, signature);
      const fact = facts.find((f) => sameRequest(f, key, alg, message, signature));
      if (fact !== undefined) return fact.valid;
      // The arrays are views of wasm memory, valid only during this call: copy them.
      assumed.push({ key, alg, message: message.slice(), signature: signature.slice() });
      return true;
    },
    () => {
      try {
        return { value: call() };
      } catch (error) {
        return { error };
      }
    },
  );
  return { outcome, assumed };
}

function settle(outcome) {
  if ('error' in outcome) throw outcome.error;
  return outcome.value;
}

/**
 * The outcome of `call` (a synchronous core call that may verify signatures), with WebCrypto
 * doing the signature arithmetic where the host has no synchronous verifier. `call` runs once per
 * round and must read its inputs afresh each time (a key set may have been replaced meanwhile).
 */
export async function withAsyncSignatures(call) {
  if (hasHostVerifier() || subtle() === undefined) return call();
  // The key objects are made from the core's key text, asked of this build's glue (set here, not
  // on import, which a bundler may leave out).
  setKeyJwkSource(hostKeyJwk);
  // The core consults the host only when host crypto is on; with no answerer set it still gets
  // `undefined` and uses its own arithmetic, so this changes nothing for the synchronous calls.
  setHostCrypto(true);
  const facts = [];
  for (let rounds = 0; rounds < MAX_ROUNDS; rounds++) {
    const { outcome, assumed } = round(call, facts);
    if (assumed.length === 0) return settle(outcome);
    const verdicts =
      assumed.length === 1 ? [await webCryptoVerdict(assumed[0])] : await Promise.all(assumed.map(webCryptoVerdict));
    if (verdicts.includes(undefined)) break;
    if (verdicts.every(Boolean)) return settle(outcome);
    assumed.forEach((request, i) => facts.push({ ...request, valid: verdicts[i] }));
  }
  // WebCrypto could not decide (an algorithm or key it refuses), or too many rounds: the core's
  // portable arithmetic decides, as in the synchronous verifiers.
  return answering(() => undefined, call);
}
