// The workerd verify bench: a Cloudflare Worker built by wrangler and served by workerd, driven by
// benches/verify-workerd.mjs. workerd freezes performance.now() and Date.now() while JavaScript
// runs (they advance only across I/O), so nothing is timed in here: the driver times each request
// from outside, and a request runs one contender over a batch of tokens.
//
//   POST /setup     the fixtures (target/bench/fixtures.json): builds every contender, sanity-checks
//                   each (valid token accepted, tampered one refused) and answers
//                   { hasAsync, sections: [{ id, title, contenders: [{ name, role } | { name, na }] }] }
//                   or 500 with the reason
//   GET  /run?alg=ID&c=K&start=S&n=N
//                   runs contender K of section ID on the N tokens from index S (cycling; async
//                   ones awaited one after the other, as lib.mjs does) and answers { ok }, the
//                   number of truthy results; n=0 is the empty batch (the request overhead)
//
// The package is imported by name, exactly as a user would: wrangler resolves the "workerd"
// condition (edge.js, the .wasm imported as a module) from benches/node_modules; jose from the
// root node_modules.
import * as ours from 'govuk-one-login-tokens';
import * as jose from 'jose';
import { sanityCheck, hasAsyncTwins, verifyOptions, oursContenders, rawWebCryptoContender } from '../lib.mjs';

const hasAsync = hasAsyncTwins(ours);
/** section id -> { tokens, contenders } */
const sections = new Map();

async function setup(fixtures) {
  for (const s of sections.values()) s.keySet.free();
  sections.clear();
  const now = fixtures.now;
  const out = [];
  for (const f of fixtures.algs) {
    const { alg, tokens } = f;
    const keySet = new ours.KeySet(f.jwks);
    const options = verifyOptions(keySet, alg, now);
    const joseLocal = jose.createLocalJWKSet(f.jwks);
    const contenders = [
      ...oursContenders(ours, options, { syncLabel: '(sync, portable wasm)', asyncLabel: ' (WebCrypto)' }),
      { name: 'jose jwtVerify, createLocalJWKSet', role: 'jose', async: true, fn: (t) => jose.jwtVerify(t, joseLocal, options.joseOpts) },
      await rawWebCryptoContender(f),
    ];
    sections.set(f.id, { tokens, contenders, keySet });
    await sanityCheck(contenders, tokens);
    out.push({
      id: f.id,
      title: `verify ${f.label}, ${tokens.length} distinct ID-token-shaped tokens`,
      contenders: contenders.map((c) => (c.na ? { name: c.name, na: c.na } : { name: c.name, role: c.role })),
    });
  }
  return { hasAsync, sections: out };
}

async function run(id, k, start, n) {
  const s = sections.get(id);
  const c = s?.contenders[k];
  if (!c || c.na) throw new Error(`no contender ${k} in section ${id}`);
  const list = s.tokens;
  const len = list.length;
  let ok = 0;
  if (c.async) {
    for (let i = 0; i < n; i++) if (await c.fn(list[(start + i) % len])) ok++;
  } else {
    const fn = c.fn;
    for (let i = 0; i < n; i++) if (fn(list[(start + i) % len])) ok++;
  }
  return { ok };
}

export default {
  async fetch(request) {
    const url = new URL(request.url);
    try {
      if (url.pathname === '/setup' && request.method === 'POST') return Response.json(await setup(await request.json()));
      if (url.pathname === '/run') {
        const q = url.searchParams;
        return Response.json(await run(q.get('alg'), Number(q.get('c')), Number(q.get('start')), Number(q.get('n'))));
      }
      return new Response('not found', { status: 404 });
    } catch (e) {
      return new Response(`${e?.name} ${e?.code ?? ''}: ${e?.message}\n${e?.stack}`, { status: 500 });
    }
  },
};
