// Shared by every host's bench (Node, Deno, Bun and the Chromium page): no imports, no host APIs
// beyond performance.now(), so the browser loads this very file.
//
// A contender is { name, fn, async?, tokens?, expect? }: `fn(token)` verifies one token and
// returns something truthy (or a Promise of it) or throws. Every call takes the next token of
// the contender's list (cycling), so no contender sees the same token twice in a row and no
// cache of a previous answer can help it. `na: 'reason'` instead of `fn` prints the row as n/a.

/** The median of a list of numbers. */
export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Flip one base64url character in the middle of the signature: a valid-looking forgery. */
export function tamper(token) {
  const dot = token.lastIndexOf('.');
  const at = dot + Math.floor((token.length - dot) / 2);
  const c = token[at];
  return token.slice(0, at) + (c === 'A' ? 'B' : 'A') + token.slice(at + 1);
}

/**
 * Call each contender once on a valid token (must succeed) and once on a tampered one (must be
 * refused: throw, reject, or return false). Throws naming the first contender that fails, so a
 * broken row is never timed. `rejects: false` skips the second check (decoders).
 */
export async function sanityCheck(contenders, tokens) {
  for (const c of contenders) {
    if (c.na) continue;
    const list = c.tokens ?? tokens;
    let ok;
    try {
      ok = await c.fn(list[0]);
    } catch (e) {
      throw new Error(`sanity check: ${c.name} refused a valid token: ${e?.code ?? ''} ${e?.message ?? e}`);
    }
    if (!ok) throw new Error(`sanity check: ${c.name} returned ${ok} for a valid token`);
    if (c.rejects === false) continue;
    let accepted;
    try {
      accepted = await c.fn(tamper(list[0]));
    } catch (e) {
      // Ours must refuse it for the right reason, not for some other mistake.
      if (c.role === 'ours' && e?.code !== 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED') {
        throw new Error(`sanity check: ${c.name} refused a tampered token with ${e?.code ?? e}, not ERR_JWS_SIGNATURE_VERIFICATION_FAILED`);
      }
      accepted = false;
    }
    if (accepted) throw new Error(`sanity check: ${c.name} ACCEPTED a tampered token`);
  }
}

/** Time `fn` over the next tokens for at least `minMs`; returns µs per call and the next index. */
async function timeRound(c, list, start, minMs) {
  const n = list.length;
  let i = start;
  let calls = 0;
  const t0 = performance.now();
  let elapsed = 0;
  if (c.async) {
    while (elapsed < minMs) {
      for (let k = 0; k < 10; k++) await c.fn(list[i++ % n]);
      calls += 10;
      elapsed = performance.now() - t0;
    }
  } else {
    const fn = c.fn;
    let sink = 0;
    while (elapsed < minMs) {
      for (let k = 0; k < 10; k++) if (fn(list[i++ % n])) sink++;
      calls += 10;
      elapsed = performance.now() - t0;
    }
    if (sink !== calls) throw new Error(`${c.name}: ${calls - sink} of ${calls} calls returned a falsy result`);
  }
  return { us: (elapsed * 1000) / calls, next: i % n };
}

/**
 * Run every contender in interleaved rounds (round r: A, B, C, ...; the order rotates each
 * round so no contender always follows the same one). Returns rows { name, us, samples } with
 * the median µs/op, or { name, na } for contenders that cannot run here.
 */
export async function compare(contenders, tokens, { rounds, roundMs, warmup = 20 }) {
  const live = contenders.filter((c) => !c.na);
  const next = new Map(live.map((c) => [c, 0]));
  const samples = new Map(live.map((c) => [c, []]));
  for (const c of live) {
    const list = c.tokens ?? tokens;
    for (let k = 0; k < Math.min(warmup, list.length); k++) await c.fn(list[k]);
  }
  for (let r = 0; r < rounds; r++) {
    for (let j = 0; j < live.length; j++) {
      const c = live[(j + r) % live.length];
      const { us, next: n } = await timeRound(c, c.tokens ?? tokens, next.get(c), roundMs);
      next.set(c, n);
      samples.get(c).push(us);
    }
  }
  return contenders.map((c) =>
    c.na ? { name: c.name, na: c.na } : { name: c.name, us: median(samples.get(c)), samples: samples.get(c), role: c.role },
  );
}

/** The fixture's claims for token number `i`: ID-token-shaped, distinct per token. */
export function idTokenClaims(i, now) {
  return {
    iss: 'https://oidc.integration.account.gov.uk/',
    aud: 'bench-client',
    sub: `urn:fdc:gov.uk:2022:bench-${i}`,
    iat: now,
    exp: now + 3600,
    nonce: 'bench-nonce',
    vot: 'Cl.Cm',
    vtm: 'https://oidc.integration.account.gov.uk/trustmark',
    sid: `session-${i}`,
    auth_time: now,
  };
}

export const ISSUER = 'https://oidc.integration.account.gov.uk/';
export const CLIENT_ID = 'bench-client';
export const NONCE = 'bench-nonce';

/** base64url text to bytes, for the raw-verify rows. */
export function b64uBytes(s) {
  const bin = atob(s.replace(/-/g, '+').replace(/_/g, '/'));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** What a row says when the build has no async twins. */
export const NA_ASYNC = 'n/a (not in this build)';

/** Whether the package build exports the async twins the bench times. */
export const hasAsyncTwins = (ours) => typeof ours.verifyIdTokenAsync === 'function' && typeof ours.verifyJwtAsync === 'function';

/** The options every host passes for one algorithm's tokens: ours (ID token, JWT) and jose's. */
export function verifyOptions(keySet, alg, now) {
  return {
    idOpts: { jwks: keySet, issuer: ISSUER, clientId: CLIENT_ID, nonce: NONCE, now },
    jwtOpts: { jwks: keySet, issuer: ISSUER, audience: CLIENT_ID, now },
    joseOpts: { issuer: ISSUER, audience: CLIENT_ID, currentDate: new Date(now * 1000), algorithms: [alg] },
  };
}

/**
 * Ours, as every host has it: `verifyIdToken` and `verifyJwt` (row names end in `syncLabel`),
 * then their async twins (names end in `asyncLabel`), or n/a rows when the build lacks them.
 */
export function oursContenders(ours, { idOpts, jwtOpts }, { syncLabel, asyncLabel = '' }) {
  const hasAsync = hasAsyncTwins(ours);
  const asyncRow = (name, fn) => (hasAsync ? { name, role: 'ours', async: true, fn } : { name, na: NA_ASYNC });
  // The prepared verifiers (createIdTokenVerifier): the options read once, the nonce per call.
  const { nonce, ...creation } = idOpts;
  const hasPrepared = typeof ours.createIdTokenVerifier === 'function';
  const prepared = hasPrepared ? ours.createIdTokenVerifier(creation) : undefined;
  const preparedAsync = hasPrepared && hasAsync ? ours.createIdTokenVerifierAsync(creation) : undefined;
  const call = { nonce };
  const na = { na: 'n/a (not in this build)' };
  return [
    { name: `ours verifyIdToken, KeySet ${syncLabel}`, role: 'ours', fn: (t) => ours.verifyIdToken(t, idOpts) },
    prepared ? { name: `ours createIdTokenVerifier ${syncLabel}`, role: 'ours', fn: (t) => prepared(t, call) } : { name: `ours createIdTokenVerifier ${syncLabel}`, ...na },
    { name: `ours verifyJwt, KeySet ${syncLabel}`, role: 'ours', fn: (t) => ours.verifyJwt(t, jwtOpts) },
    asyncRow(`ours verifyIdTokenAsync, KeySet${asyncLabel}`, (t) => ours.verifyIdTokenAsync(t, idOpts)),
    preparedAsync
      ? { name: `ours createIdTokenVerifierAsync${asyncLabel}`, role: 'ours', async: true, fn: (t) => preparedAsync(t, call) }
      : { name: `ours createIdTokenVerifierAsync${asyncLabel}`, ...na },
    asyncRow(`ours verifyJwtAsync, KeySet${asyncLabel}`, (t) => ours.verifyJwtAsync(t, jwtOpts)),
  ];
}

/**
 * The raw WebCrypto check of one fixture's signatures with an imported `CryptoKey` (the limit on
 * hosts that have only WebCrypto): the token is split inside the timed call, as ours must.
 */
export async function rawWebCryptoContender(f, { isTheLimit = true } = {}) {
  const subtle = globalThis.crypto.subtle;
  const es = f.alg === 'ES256';
  const verifyParams = es ? { name: 'ECDSA', hash: 'SHA-256' } : { name: 'RSASSA-PKCS1-v1_5' };
  const importParams = es ? { name: 'ECDSA', namedCurve: 'P-256' } : { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
  const key = await subtle.importKey('jwk', f.jwk, importParams, false, ['verify']);
  const enc = new TextEncoder();
  return {
    name: 'raw crypto.subtle.verify (signature only)',
    ...(isTheLimit ? { role: 'raw' } : {}),
    async: true,
    fn: (t) => {
      const dot = t.lastIndexOf('.');
      return subtle.verify(verifyParams, key, b64uBytes(t.slice(dot + 1)), enc.encode(t.slice(0, dot)));
    },
  };
}

/** The decode table's contenders (ES256 tokens). */
export function decodeContenders(ours, jose) {
  return [
    { name: 'ours decodeJwt', role: 'ours', rejects: false, fn: (t) => ours.decodeJwt(t) },
    { name: 'jose decodeJwt + decodeProtectedHeader', role: 'jose', rejects: false, fn: (t) => [jose.decodeJwt(t), jose.decodeProtectedHeader(t)] },
  ];
}
