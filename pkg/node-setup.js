// Shared by the Node entries (node.mjs for import, index.cjs for require; also Bun and Deno).
// Reads no file at run time: the .wasm travels inside wasm/bytes.js (gzip, base64), so the package
// still works after esbuild, webpack, Next.js or `bun build --compile` moved this code elsewhere,
// and Deno needs no --allow-read. Nothing is decompressed or compiled on import: the first call
// that needs the module loads it synchronously (ready.js), so the module is ready without an await.
// It also lets the core use Node's native signature arithmetic (see host-crypto.js).
import { webcrypto } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import embedded from './wasm/bytes.js';
import { setHostCrypto, hostKeyJwk } from './wasm/govuk_one_login_tokens.js';
import { loadSynchronouslyFrom } from './ready.js';
import { setHostVerifier, setKeyJwkSource, portableArithmetic } from './host-crypto.js';
import { nodeVerify } from './node-crypto.js';
// observability (diagnostics.js): node:diagnostics_channel exists in Node, Deno and Bun,
// which all load this file; browsers and Workers never do.
import { channel as diagnosticsChannel } from 'node:diagnostics_channel';
import { setDiagnosticsChannel } from './diagnostics.js';

setDiagnosticsChannel(diagnosticsChannel);

// Randomness (PKCE, state, nonce) comes from crypto.getRandomValues. Node 18 has no global
// `crypto` by default (Node >= 19 does); give it Node's own Web Crypto object, as Node 19+ would.
// (Also for require(): once a bundler has wrapped index.cjs, getrandom's require('crypto')
// fallback no longer works.)
if (globalThis.crypto === undefined) globalThis.crypto = webcrypto;

// node-crypto.js makes a KeyObject per key number from the key's text, which this glue gives.
setKeyJwkSource(hostKeyJwk);
const loadEmbedded = () => gunzipSync(Buffer.from(embedded, 'base64'));
if (globalThis.Deno === undefined) {
  setHostVerifier(nodeVerify);
  loadSynchronouslyFrom(loadEmbedded, () => setHostCrypto(true));
} else {
  // Deno's node:crypto and its WebCrypto are both slower than the core's portable arithmetic on
  // Deno's own V8 (make bench, µs per signature: ES256 449 and 295 against about 175 for a whole
  // verifyIdToken; RS256-2048 129 and 178 against about 90), so there the core does the
  // arithmetic itself, for the synchronous and the async verifiers alike. (A JWKS passed as text
  // on every call, parsed afresh each time, gets no per-key table and gains less.)
  setHostVerifier(portableArithmetic);
  loadSynchronouslyFrom(loadEmbedded);
}
