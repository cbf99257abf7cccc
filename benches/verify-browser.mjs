// The Chromium bench, loaded by benches/run.mjs into a page (benches/page.html) served from
// 127.0.0.1: the packed package's browser entry at /pkg/browser.js (portable wasm arithmetic
// after `await ready()`), jose's browser build at /jose/index.js, the fixtures at /data/.
// Returns the same { host, version, sections } as verify-host.mjs; the loop runs in the page.
import * as ours from '/pkg/browser.js';
import * as jose from '/jose/index.js';
import { compare, sanityCheck, hasAsyncTwins, verifyOptions, oursContenders, rawWebCryptoContender, decodeContenders } from './lib.mjs';

export async function run({ rounds, roundMs }) {
  const fixtures = await (await fetch('/data/fixtures.json')).json();
  await ours.ready();
  const now = fixtures.now;
  const hasAsync = hasAsyncTwins(ours);
  const sections = [];
  for (const f of fixtures.algs) {
    const { alg, tokens } = f;
    const keySet = new ours.KeySet(f.jwks);
    const options = verifyOptions(keySet, alg, now);
    const joseLocal = jose.createLocalJWKSet(f.jwks);
    const joseKey = await jose.importJWK(f.jwk, alg);
    const contenders = [
      ...oursContenders(ours, options, { syncLabel: '(sync, portable wasm)' }),
      { name: 'jose jwtVerify, createLocalJWKSet', role: 'jose', async: true, fn: (t) => jose.jwtVerify(t, joseLocal, options.joseOpts) },
      { name: 'jose jwtVerify, imported key', async: true, fn: (t) => jose.jwtVerify(t, joseKey, options.joseOpts) },
      await rawWebCryptoContender(f),
    ];
    await sanityCheck(contenders, tokens);
    sections.push({ id: f.id, title: `verify ${f.label}, ${tokens.length} distinct ID-token-shaped tokens`, rows: await compare(contenders, tokens, { rounds, roundMs }) });
    keySet.free();
    if (f.id === 'ES256') {
      const decoders = decodeContenders(ours, jose);
      await sanityCheck(decoders, tokens);
      sections.push({ id: 'decode', title: 'decode without verification (the ES256 tokens)', rows: await compare(decoders, tokens, { rounds, roundMs }) });
    }
  }
  const version = navigator.userAgent.match(/Chrom(?:e|ium)\/([\d.]+)/)?.[1] ?? navigator.userAgent;
  return { host: 'chromium', version, hasAsync, params: { rounds, roundMs }, sections };
}
