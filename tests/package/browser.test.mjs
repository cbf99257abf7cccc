// Browsers and bundlers: a Vite 7 production build of a tiny app emits a hashed .wasm asset, and
// headless Chromium verifies generated tokens both in that build and in a plain page that imports
// the installed package as an ES module (import map, no bundler). Both load the browser entry's
// small build (wasm-browser/: decoding, key sets, the verifiers), whose other exports throw
// ERR_FULL_ENTRY_ONLY and whose sign-in flow and signing throw ERR_SERVER_ONLY; the plain page
// also loads the full browser entry (browser-full.js, wasm-browser-full/: everything but the flow
// and signing) and the default entry (the server build). Servers bind 127.0.0.1:0.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { launchChromium } from './chromium.mjs';
import { startServer } from '../../scripts/serve.mjs';
import { makeKey, jwksOf, claims, signJwt, verifyOpts, NOW } from '../js/fixtures.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const dist = path.join(root, 'tests/artifacts/vite-dist');

let browser;
const servers = [];
let fixtures;

before(async () => {
  const [es, rs] = await Promise.all([makeKey('ES256'), makeKey('RS256')]);
  fixtures = {
    es: await signJwt(es, claims({ nonce: 'browser-es' })),
    rs: await signJwt(rs, claims({ nonce: 'browser-rs' })),
    expired: await signJwt(es, claims({ exp: NOW - 3600 })),
    jwks: jwksOf(es, rs),
    opts: verifyOpts(),
  };
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
});

async function serve(mounts) {
  const server = await startServer(mounts, 0);
  servers.push(server);
  return `http://127.0.0.1:${server.address().port}/`;
}

/** Load the page, wait for the package to initialise, verify the fixtures inside the page. */
async function verifyInPage(url) {
  const page = await browser.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  // Failed loads are reported by the response listener (which can tell the favicon apart).
  page.on('console', (m) => m.type() === 'error' && !m.text().startsWith('Failed to load resource') && problems.push(`console: ${m.text()}`));
  page.on('response', (r) => r.status() >= 400 && !r.url().endsWith('/favicon.ico') && problems.push(`${r.status()} ${r.url()}`));
  // The .wasm files the page downloads, with their sizes.
  const wasm = [];
  page.on('response', (r) => {
    if (new URL(r.url()).pathname.endsWith('.wasm')) wasm.push(r.body().then((b) => ({ url: r.url(), bytes: b.length })));
  });
  try {
    await page.goto(url);
    await page.waitForFunction(() => window.__ready === true, null, { timeout: 15_000 });
    const result = await page.evaluate(async (f) => {
      const { verifyJwt, verifyJwtAsync, KeySet, TokenError, decodeJwt } = window.lib;
      const keys = new KeySet(f.jwks);
      const out = {
        es: verifyJwt(f.es, { jwks: keys, ...f.opts }).nonce,
        rs: verifyJwt(f.rs, { jwks: JSON.stringify(f.jwks), ...f.opts }).nonce,
        alg: decodeJwt(f.rs).header.alg,
      };
      try {
        verifyJwt(f.expired, { jwks: keys, ...f.opts });
        out.expired = 'verified?!';
      } catch (e) {
        out.expired = e instanceof TokenError ? e.code : `not a TokenError: ${e}`;
      }
      // The async twin: WebCrypto decides the signature (counted here), the core the rest.
      const subtleVerify = SubtleCrypto.prototype.verify;
      let webCrypto = 0;
      SubtleCrypto.prototype.verify = function (...args) {
        webCrypto++;
        return subtleVerify.apply(this, args);
      };
      const refusal = (p) => p.then(() => 'verified?!', (e) => (e instanceof TokenError ? e.code : `not a TokenError: ${e}`));
      const [head, body, sig] = f.es.split('.');
      const tampered = `${head}.${body}.${sig.startsWith('A') ? 'B' : 'A'}${sig.slice(1)}`;
      out.async = {
        es: (await verifyJwtAsync(f.es, { jwks: keys, ...f.opts })).nonce,
        rs: (await verifyJwtAsync(f.rs, { jwks: f.jwks, ...f.opts })).nonce,
        tampered: await refusal(verifyJwtAsync(tampered, { jwks: keys, ...f.opts })),
        expired: await refusal(verifyJwtAsync(f.expired, { jwks: keys, ...f.opts })),
        webCrypto,
      };
      SubtleCrypto.prototype.verify = subtleVerify;
      keys.free();
      // The sign-in flow and signing: ERR_SERVER_ONLY from the browser entry; the default entry
      // has them (and refuses these arguments for what they are).
      const code = (fn) => {
        try {
          fn();
          return 'returned?!';
        } catch (e) {
          return e instanceof TokenError ? e.code : `not a TokenError: ${e}`;
        }
      };
      const outcome = (fn) => {
        try {
          return fn();
        } catch (e) {
          return e instanceof TokenError ? e.code : `not a TokenError: ${e}`;
        }
      };
      const { SigningKey, signClientAssertion, OneLoginClient, createPkce, inspectToken, getEnvironment } = window.lib;
      const clientOptions = { environment: 'integration', clientId: 'c', clientSecret: 's', redirectUri: 'https://rp.example/cb' };
      // What the full entries have and the small browser entry leaves out (ERR_FULL_ENTRY_ONLY).
      out.fullEntry = {
        pkce: outcome(() => createPkce().codeVerifier.length),
        inspect: outcome(() => typeof inspectToken(f.es)),
        environment: outcome(() => typeof getEnvironment('integration')),
        client: outcome(() => (OneLoginClient.create(clientOptions).dispose(), 'created')),
      };
      const client = outcome(() => OneLoginClient.create(clientOptions));
      out.serverOnly = {
        signingKey: code(() => new SigningKey('not a key')),
        signClientAssertion: code(() => signClientAssertion({ privateKey: 'not a key', clientId: 'c' })),
        startSignIn: typeof client === 'string' ? `no client: ${client}` : code(() => client.startSignIn({ nonce: 1 })),
      };
      if (typeof client !== 'string') client.dispose();
      // A non-extractable WebCrypto key as the client's key (signers): the flow is server-only.
      const pair = await crypto.subtle.generateKey(
        { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
        false,
        ['sign', 'verify'],
      );
      out.serverOnly.cryptoKeyPair = code(() => {
        const withPair = OneLoginClient.create({ environment: 'integration', clientId: 'c', privateKey: pair });
        withPair.dispose();
        throw new TokenError('CREATED', 'the client was created');
      });
      return out;
    }, fixtures);
    assert.deepEqual(problems, []);
    result.wasm = await Promise.all(wasm);
    return result;
  } finally {
    await page.close();
  }
}

const EXPECTED = {
  es: 'browser-es',
  rs: 'browser-rs',
  alg: 'RS256',
  expired: 'ERR_JWT_EXPIRED',
  async: { es: 'browser-es', rs: 'browser-rs', tampered: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED', expired: 'ERR_JWT_EXPIRED', webCrypto: 4 },
};

const BROWSER_BUILD = {
  signingKey: 'ERR_SERVER_ONLY',
  signClientAssertion: 'ERR_SERVER_ONLY',
  startSignIn: 'ERR_SERVER_ONLY',
  cryptoKeyPair: 'ERR_SERVER_ONLY',
};
// The small browser entry: no client to start a sign-in with.
const SMALL_BROWSER_BUILD = { ...BROWSER_BUILD, startSignIn: 'no client: ERR_FULL_ENTRY_ONLY' };
const FULL_ENTRY = { pkce: 43, inspect: 'object', environment: 'object', client: 'created' };
const FULL_ENTRY_ONLY = {
  pkce: 'ERR_FULL_ENTRY_ONLY',
  inspect: 'ERR_FULL_ENTRY_ONLY',
  environment: 'ERR_FULL_ENTRY_ONLY',
  client: 'ERR_FULL_ENTRY_ONLY',
};
const installed = path.join(root, 'tests/node_modules/govuk-one-login-tokens');
const wasmBytes = (dir) => readFileSync(path.join(installed, dir, 'govuk_one_login_tokens_bg.wasm')).length;

/** The page downloaded exactly one .wasm, of the size of the package's file in `dir`. */
function assertOneWasm(result, dir) {
  assert.equal(result.wasm.length, 1, JSON.stringify(result.wasm));
  assert.equal(result.wasm[0].bytes, wasmBytes(dir), `${result.wasm[0].url} is the ${dir}/ build`);
}

test('the browser builds are the smaller ones: the small one verifies and decodes, the full one has no sign-in flow and no signing', () => {
  const browserBytes = wasmBytes('wasm-browser');
  const fullBytes = wasmBytes('wasm-browser-full');
  const serverBytes = wasmBytes('wasm');
  assert.ok(fullBytes < serverBytes * 0.7, `full browser build ${fullBytes} bytes, server build ${serverBytes}`);
  assert.ok(browserBytes < fullBytes * 0.8, `browser build ${browserBytes} bytes, full browser build ${fullBytes}`);
});

test('plain ES module page (import map, no bundler): the browser entry verifies tokens in Chromium', async () => {
  const url = await serve({ '/': path.join(here, 'static'), '/node_modules/': path.join(root, 'tests/node_modules') });
  const result = await verifyInPage(url);
  assertOneWasm(result, 'wasm-browser');
  const { wasm: _, serverOnly, fullEntry, ...verified } = result;
  assert.deepEqual(verified, EXPECTED);
  assert.deepEqual(fullEntry, FULL_ENTRY_ONLY);
  assert.deepEqual(serverOnly, SMALL_BROWSER_BUILD);
});

test('plain ES module page: the full browser entry (govuk-one-login-tokens/full) verifies, inspects and has the client in Chromium', async () => {
  const url = await serve({ '/': path.join(here, 'static'), '/node_modules/': path.join(root, 'tests/node_modules') });
  const result = await verifyInPage(`${url}?entry=browser-full.js`);
  assertOneWasm(result, 'wasm-browser-full');
  const { wasm: _, serverOnly, fullEntry, ...verified } = result;
  assert.deepEqual(verified, EXPECTED);
  assert.deepEqual(fullEntry, FULL_ENTRY);
  assert.deepEqual(serverOnly, BROWSER_BUILD);
});

test('plain ES module page: the default entry (the server build) also loads and verifies in Chromium', async () => {
  const url = await serve({ '/': path.join(here, 'static'), '/node_modules/': path.join(root, 'tests/node_modules') });
  const result = await verifyInPage(`${url}?entry=index.js`);
  assertOneWasm(result, 'wasm');
  const { wasm: _, serverOnly, fullEntry, ...verified } = result;
  assert.deepEqual(verified, EXPECTED);
  assert.deepEqual(fullEntry, FULL_ENTRY);
  // The real functions: a key that is not one, a nonce that is not a string.
  assert.deepEqual(serverOnly, { signingKey: 'ERR_INVALID_ARGUMENT', signClientAssertion: 'ERR_INVALID_ARGUMENT', startSignIn: 'ERR_INVALID_ARGUMENT', cryptoKeyPair: 'CREATED' });
});

test('Vite 7 build emits a hashed .wasm asset, and the built app verifies tokens in Chromium', async () => {
  await build({
    root: path.join(here, 'vite-app'),
    base: './',
    logLevel: 'warn',
    configFile: false,
    build: { outDir: dist, emptyOutDir: true, target: 'es2022' },
  });
  const assets = readdirSync(path.join(dist, 'assets'));
  const wasm = assets.filter((f) => /^govuk_one_login_tokens_bg-[\w-]{6,}\.wasm$/.test(f));
  assert.equal(wasm.length, 1, `hashed wasm asset in ${assets.join(', ')}`);
  const js = assets.filter((f) => f.endsWith('.js')).map((f) => readFileSync(path.join(dist, 'assets', f), 'utf8')).join('\n');
  assert.ok(js.includes(wasm[0]), 'the bundle loads the hashed asset');
  assert.ok(!js.includes('readFileSync'), 'the browser entry, not the Node one, was bundled');
  assert.equal(readFileSync(path.join(dist, 'assets', wasm[0])).length, wasmBytes('wasm-browser'), 'the browser build was bundled');
  const url = await serve({ '/': dist });
  const { wasm: fetched, serverOnly, fullEntry, ...verified } = await verifyInPage(url);
  assert.equal(fetched.length, 1);
  assert.deepEqual(verified, EXPECTED);
  assert.deepEqual(fullEntry, FULL_ENTRY_ONLY);
  assert.deepEqual(serverOnly, SMALL_BROWSER_BUILD);
});
