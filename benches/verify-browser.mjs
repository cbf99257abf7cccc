// The Chromium bench, loaded by benches/run.mjs into a page (benches/page.html) served from
// 127.0.0.1: the packed package's browser entry at /pkg/index.js (portable wasm arithmetic
// after `await ready()`), jose's browser build at /jose/index.js, the fixtures at /data/.
// Returns the same { host, version, sections } as verify-host.mjs; the loop runs in the page.
import * as ours from '/pkg/index.js';
import * as jose from '/jose/index.js';
import { compare, sanityCheck, ISSUER, CLIENT_ID, NONCE, b64uBytes } from './lib.mjs';

export async function run({ rounds, roundMs }) {
  const fixtures = await (await fetch('/data/fixtures.json')).json();
  await ours.ready();
  const now = fixtures.now;
  const hasAsync = typeof ours.verifyIdTokenAsync === 'function' && typeof ours.verifyJwtAsync === 'function';
  const NA_ASYNC = 'n/a (not in this build)';
  const enc = new TextEncoder();
  const sections = [];
  for (const f of fixtures.algs) {
    const { alg, tokens } = f;
    const keySet = new ours.KeySet(f.jwks);
    const idOpts = { jwks: keySet, issuer: ISSUER, clientId: CLIENT_ID, nonce: NONCE, now };
    const jwtOpts = { jwks: keySet, issuer: ISSUER, audience: CLIENT_ID, now };
    const joseOpts = { issuer: ISSUER, audience: CLIENT_ID, currentDate: new Date(now * 1000), algorithms: [alg] };
    const joseLocal = jose.createLocalJWKSet(f.jwks);
    const joseKey = await jose.importJWK(f.jwk, alg);
    const webAlg = alg === 'ES256' ? { name: 'ECDSA', hash: 'SHA-256' } : { name: 'RSASSA-PKCS1-v1_5' };
    const webKey = await crypto.subtle.importKey(
      'jwk',
      f.jwk,
      alg === 'ES256' ? { name: 'ECDSA', namedCurve: 'P-256' } : { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
      false,
      ['verify'],
    );
    const contenders = [
      { name: 'ours verifyIdToken, KeySet (sync, portable wasm)', role: 'ours', fn: (t) => ours.verifyIdToken(t, idOpts) },
      { name: 'ours verifyJwt, KeySet (sync, portable wasm)', role: 'ours', fn: (t) => ours.verifyJwt(t, jwtOpts) },
      hasAsync
        ? { name: 'ours verifyIdTokenAsync, KeySet', role: 'ours', async: true, fn: (t) => ours.verifyIdTokenAsync(t, idOpts) }
        : { name: 'ours verifyIdTokenAsync, KeySet', na: NA_ASYNC },
      hasAsync
        ? { name: 'ours verifyJwtAsync, KeySet', role: 'ours', async: true, fn: (t) => ours.verifyJwtAsync(t, jwtOpts) }
        : { name: 'ours verifyJwtAsync, KeySet', na: NA_ASYNC },
      { name: 'jose jwtVerify, createLocalJWKSet', role: 'jose', async: true, fn: (t) => jose.jwtVerify(t, joseLocal, joseOpts) },
      { name: 'jose jwtVerify, imported key', async: true, fn: (t) => jose.jwtVerify(t, joseKey, joseOpts) },
      {
        name: 'raw crypto.subtle.verify (signature only)',
        role: 'raw',
        async: true,
        fn: (t) => {
          const dot = t.lastIndexOf('.');
          return crypto.subtle.verify(webAlg, webKey, b64uBytes(t.slice(dot + 1)), enc.encode(t.slice(0, dot)));
        },
      },
    ];
    await sanityCheck(contenders, tokens);
    sections.push({ id: f.id, title: `verify ${f.label}, ${tokens.length} distinct ID-token-shaped tokens`, rows: await compare(contenders, tokens, { rounds, roundMs }) });
    keySet.free();
    if (f.id === 'ES256') {
      const decoders = [
        { name: 'ours decodeJwt', role: 'ours', rejects: false, fn: (t) => ours.decodeJwt(t) },
        { name: 'jose decodeJwt + decodeProtectedHeader', role: 'jose', rejects: false, fn: (t) => [jose.decodeJwt(t), jose.decodeProtectedHeader(t)] },
      ];
      await sanityCheck(decoders, tokens);
      sections.push({ id: 'decode', title: 'decode without verification (the ES256 tokens)', rows: await compare(decoders, tokens, { rounds, roundMs }) });
    }
  }
  const version = navigator.userAgent.match(/Chrom(?:e|ium)\/([\d.]+)/)?.[1] ?? navigator.userAgent;
  return { host: 'chromium', version, hasAsync, params: { rounds, roundMs }, sections };
}
