// Shared by the Node entries (node.mjs for import, index.cjs for require; also Bun and Deno).
// Reads no file at run time: the .wasm travels inside wasm/bytes.js (gzip, base64), so the package
// still works after esbuild, webpack, Next.js or `bun build --compile` moved this code elsewhere,
// and Deno needs no --allow-read. Nothing is decompressed or compiled on import: the first call
// that needs the module loads it synchronously (ready.js), so the module is ready without an await.
// It also lets the core use Node's native signature arithmetic (see host-crypto.js).
import { webcrypto } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import embedded from './wasm/bytes.js';
import { setHostCrypto } from './wasm/govuk_one_login_tokens.js';
import { loadSynchronouslyFrom } from './ready.js';
import { setHostVerifier } from './host-crypto.js';
import { nodeVerify } from './node-crypto.js';

// Randomness (PKCE, state, nonce) comes from crypto.getRandomValues. Node 18 has no global
// `crypto` by default (Node >= 19 does); give it Node's own Web Crypto object, as Node 19+ would.
// (Also for require(): once a bundler has wrapped index.cjs, getrandom's require('crypto')
// fallback no longer works.)
if (globalThis.crypto === undefined) globalThis.crypto = webcrypto;

// Deno's node:crypto checks P-256 signatures at about half the speed of its WebCrypto (make bench:
// 811 against 465 µs); its RSA is the faster of the two. The async verifiers take the faster one.
setHostVerifier(nodeVerify, { webCryptoFirst: globalThis.Deno === undefined ? [] : ['ES256'] });
loadSynchronouslyFrom(
  () => gunzipSync(Buffer.from(embedded, 'base64')),
  () => setHostCrypto(true),
);
