// One host's verify bench, run by benches/run.mjs as a fresh process: `node`, `deno run -A` or
// `bun` on this file with the fixtures file (benches/fixtures.mjs) as argument. Prints one JSON
// line: { host, version, sections: [{ id, title, rows }] }; run.mjs prints the tables.
//
// Node has every contender; Deno and Bun run ours (sync and async), jose, and the raw signature
// check both through node:crypto (what ours calls there) and WebCrypto.
// The package is imported by name from benches/node_modules (the packed tarball, as npm installs it).
import { readFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as crypto from 'node:crypto';
import { Buffer } from 'node:buffer';
import * as jose from 'jose';
import * as ours from 'govuk-one-login-tokens';
import { compare, sanityCheck, hasAsyncTwins, verifyOptions, oursContenders, rawWebCryptoContender, decodeContenders, ISSUER, CLIENT_ID, NONCE } from './lib.mjs';

const HOST = globalThis.Deno ? 'deno' : globalThis.Bun ? 'bun' : 'node';
const args = globalThis.Deno ? Deno.args : process.argv.slice(2);
const env = (name) => (globalThis.Deno ? Deno.env.get(name) : process.env[name]);
const fixtures = JSON.parse(readFileSync(args[0], 'utf8'));
const params = { rounds: Number(env('BENCH_ROUNDS') ?? 7), roundMs: Number(env('BENCH_ROUND_MS') ?? 250) };
const now = fixtures.now;
const version = HOST === 'deno' ? Deno.version.deno : HOST === 'bun' ? Bun.version : process.version;
const hasAsync = hasAsyncTwins(ours);

// Node only: the portable (browser-path) arithmetic in a second instance of the same .wasm
// without Node's native arithmetic switched on; the query string makes it a separate module.
let portable;
let fastJwt;
let fastJwtVersion;
let jsonwebtoken;
let rustPeer;
if (HOST === 'node') {
  const glueUrl = new URL('./node_modules/govuk-one-login-tokens/wasm/govuk_one_login_tokens.js', import.meta.url);
  portable = await import(`${glueUrl.href}?portable`);
  portable.initSync({ module: readFileSync(new URL('govuk_one_login_tokens_bg.wasm', glueUrl)) });
  fastJwt = await import('fast-jwt');
  fastJwtVersion = createRequire(import.meta.url)('fast-jwt/package.json').version;
  jsonwebtoken = (await import('jsonwebtoken')).default;
  // The Rust `jsonwebtoken` crate compiled to wasm32 (scripts/bench-rust-jsonwebtoken.sh).
  const out = new URL('../target/bench-rust-jsonwebtoken/', import.meta.url);
  const js = new URL('pkg/bench_rust_jsonwebtoken.js', out);
  if (existsSync(js)) rustPeer = createRequire(import.meta.url)(js.pathname);
  else {
    const failed = new URL('FAILED', out);
    rustPeer = { na: `n/a (did not build for wasm32: ${existsSync(failed) ? readFileSync(failed, 'utf8').trim() : 'not built'})` };
  }
}

const sections = [];
for (const f of fixtures.algs) {
  const { alg, tokens } = f;
  const keySet = new ours.KeySet(f.jwks);
  const options = verifyOptions(keySet, alg, now);
  const { joseOpts } = options;
  const joseLocal = jose.createLocalJWKSet(f.jwks);
  const joseKey = await jose.importJWK(f.jwk, alg);

  const contenders = oursContenders(ours, options, { syncLabel: '(sync)' });
  let portableKeySet;
  if (HOST === 'node') {
    portableKeySet = new portable.KeySet(f.jwks);
    const pOpts = { issuer: ISSUER, clientId: CLIENT_ID, nonce: NONCE, now };
    contenders.push({
      name: 'ours verifyIdToken, portable wasm (browser path)',
      role: 'ours',
      fn: (t) => portable.verifyIdTokenWithKeySet(t, portableKeySet, pOpts),
    });
  }
  contenders.push(
    { name: 'jose jwtVerify, createLocalJWKSet', role: 'jose', async: true, fn: (t) => jose.jwtVerify(t, joseLocal, joseOpts) },
    { name: 'jose jwtVerify, imported key', async: true, fn: (t) => jose.jwtVerify(t, joseKey, joseOpts) },
  );
  // The same signature arithmetic ours calls through the host hook (node:crypto, OpenSSL in Node
  // and Deno, BoringSSL in Bun): the limit a synchronous verifier can reach on this host.
  const keyObject = crypto.createPublicKey({ key: f.jwk, format: 'jwk' });
  const rawOpts = alg === 'ES256' ? { key: keyObject, dsaEncoding: 'ieee-p1363' } : keyObject;
  const rawVerify = {
    name: 'raw crypto.verify (signature only)',
    role: 'raw',
    fn: (t) => {
      const dot = t.lastIndexOf('.');
      return crypto.verify('sha256', Buffer.from(t.slice(0, dot)), rawOpts, Buffer.from(t.slice(dot + 1), 'base64url'));
    },
  };
  if (HOST === 'node') {
    const fjOpts = { algorithms: [alg], allowedIss: ISSUER, allowedAud: CLIENT_ID, cache: false, clockTimestamp: now * 1000 };
    const fjPem = fastJwt.createVerifier({ ...fjOpts, key: f.pem });
    let fjKeyObject;
    try {
      fjKeyObject = fastJwt.createVerifier({ ...fjOpts, key: keyObject });
      fjKeyObject(tokens[0]);
    } catch (e) {
      // fast-jwt 6 says "The public key must be a string or a buffer."
      fjKeyObject = undefined;
      contenders.push({ name: 'fast-jwt createVerifier, KeyObject', na: `n/a (fast-jwt ${fastJwtVersion} refuses a KeyObject: ${e.message})` });
    }
    contenders.push({ name: 'fast-jwt createVerifier, PEM, cache off', role: 'fastjwt', fn: (t) => fjPem(t) });
    if (fjKeyObject) contenders.push({ name: 'fast-jwt createVerifier, KeyObject, cache off', fn: (t) => fjKeyObject(t) });
    const jwOpts = { algorithms: [alg], issuer: ISSUER, audience: CLIENT_ID, clockTimestamp: now };
    contenders.push({ name: 'jsonwebtoken verify, KeyObject', fn: (t) => jsonwebtoken.verify(t, keyObject, jwOpts) });
    if (rustPeer.na) contenders.push({ name: 'Rust jsonwebtoken 12 (rust_crypto) wasm32', na: rustPeer.na });
    else {
      const key = new rustPeer.Key(JSON.stringify(f.jwk), ISSUER, CLIENT_ID);
      contenders.push({ name: 'Rust jsonwebtoken 12 (rust_crypto) wasm32', fn: (t) => key.verify(t) });
    }
    contenders.push(rawVerify);
  } else {
    // Here node:crypto is what ours calls, so it is the limit; WebCrypto is shown beside it.
    contenders.push(rawVerify, await rawWebCryptoContender(f, { isTheLimit: false }));
  }
  await sanityCheck(contenders, tokens);
  sections.push({ id: f.id, title: `verify ${f.label}, ${tokens.length} distinct ID-token-shaped tokens`, rows: await compare(contenders, tokens, params) });
  keySet.free();
  portableKeySet?.free();

  if (f.id === 'ES256') {
    const decoders = decodeContenders(ours, jose);
    await sanityCheck(decoders, tokens);
    sections.push({ id: 'decode', title: `decode without verification (the ES256 tokens)`, rows: await compare(decoders, tokens, params) });
  }
}

console.log(JSON.stringify({ host: HOST, version, hasAsync, params, sections }));
