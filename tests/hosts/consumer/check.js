// The consumer every host runs against the packed package (tests/hosts/*.test.mjs). It is given
// the package's exports (`import * as api` or `require(...)`, exactly as an application would get
// them) and the shared simulator vectors (harness.mjs reads them from ../shared at test time), and
// returns plain JSON for the harness to check. Host-agnostic: no Node, Deno or DOM API here.
//
//   options.awaitReady  browsers: first prove a call before ready() is a TokenError
//                       ERR_NOT_INITIALIZED, then `await api.ready()`. Everywhere else the
//                       module must be usable at once, without any await.
//   options.repeat      warm verifications after the first one (timed with performance.now(),
//                       which Workers freeze: the harness then times requests instead)
//   vectors.jwksUri     when set, OneLoginClient fetches the JWKS from there with the host's fetch
export async function check(api, vectors, { awaitReady = false, repeat = 200 } = {}) {
  const out = {};
  if (awaitReady) {
    try {
      api.createPkce();
      out.beforeReady = 'no error';
    } catch (e) {
      out.beforeReady = `${e instanceof api.TokenError ? 'TokenError' : e?.name} ${e?.code}`;
    }
    await api.ready();
  }
  const options = {
    jwks: vectors.jwks,
    environment: { baseUrl: vectors.params.sim_public_url },
    clientId: vectors.params.client_id,
    nonce: vectors.params.nonce,
    vtr: vectors.params.vtr,
    accessToken: vectors.accessToken,
    now: vectors.now,
  };
  const claims = api.verifyIdToken(vectors.idToken, options);
  out.coldMs = performance.now();
  out.sub = claims.sub;
  out.nonce = claims.nonce;
  out.vot = claims.vot;

  const t0 = performance.now();
  for (let i = 0; i < repeat; i++) api.verifyIdToken(vectors.idToken, options);
  const elapsed = performance.now() - t0;
  out.warmUs = repeat > 0 && elapsed > 0 ? Math.round((elapsed * 1000) / repeat) : null;

  try {
    api.verifyIdToken(vectors.idToken, { ...options, nonce: 'another-nonce' });
    out.wrongNonce = 'accepted';
  } catch (e) {
    out.wrongNonce = `${e instanceof api.TokenError ? 'TokenError' : e?.name} ${e?.code} ${e?.claim}`;
  }

  // The async twin: WebCrypto decides the signature where the host has no synchronous verifier.
  const asyncClaims = await api.verifyIdTokenAsync(vectors.idToken, options);
  out.async = { sub: asyncClaims.sub };
  try {
    await api.verifyIdTokenAsync(vectors.idToken, { ...options, nonce: 'another-nonce' });
    out.async.wrongNonce = 'accepted';
  } catch (e) {
    out.async.wrongNonce = `${e instanceof api.TokenError ? 'TokenError' : e?.name} ${e?.code} ${e?.claim}`;
  }
  const [h, p, sig] = vectors.idToken.split('.');
  try {
    await api.verifyIdTokenAsync(`${h}.${p}.${sig.startsWith('A') ? 'B' : 'A'}${sig.slice(1)}`, options);
    out.async.tampered = 'accepted';
  } catch (e) {
    out.async.tampered = `${e instanceof api.TokenError ? 'TokenError' : e?.name} ${e?.code}`;
  }

  const pkce = api.createPkce();
  out.pkce = {
    verifierLength: pkce.codeVerifier.length,
    matches: api.pkceMatches(pkce.codeVerifier, pkce.codeChallenge),
    knownAnswer: api.pkceChallenge(vectors.params.code_verifier) === vectors.params.code_challenge,
  };
  const decoded = api.decodeJwt(vectors.accessToken);
  out.decoded = { alg: decoded.header.alg, iat: decoded.payload.iat };

  if (vectors.jwksUri) {
    const client = api.OneLoginClient.create({
      environment: { issuer: `${vectors.params.sim_public_url}/`, jwksUrl: vectors.jwksUri },
      clientId: vectors.params.client_id,
    });
    const fetched = await client.verifyIdToken(vectors.idToken, {
      nonce: vectors.params.nonce,
      vtr: vectors.params.vtr,
      accessToken: vectors.accessToken,
      now: vectors.now,
    });
    out.client = fetched.sub;
  }
  return out;
}
