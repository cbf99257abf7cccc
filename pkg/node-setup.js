// Shared by the Node entries (node.mjs for import, index.cjs for require; also Bun and Deno).
// Reads no file at run time: the .wasm travels inside wasm/bytes.js (gzip, base64), so the package
// still works after esbuild, webpack, Next.js or `bun build --compile` moved this code elsewhere,
// and Deno needs no --allow-read. Nothing is decompressed or compiled on import: the first call
// that needs the module loads it synchronously (ready.js), so the module is ready without an await.
// It also lets the core use Node's native signature arithmetic (see host-crypto.js).
import { gunzipSync } from 'node:zlib';
import embedded from './wasm/bytes.js';
import { setHostCrypto } from './wasm/govuk_one_login_tokens.js';
import { loadSynchronouslyFrom } from './ready.js';
import { setHostVerifier } from './host-crypto.js';
import { nodeVerify } from './node-crypto.js';

setHostVerifier(nodeVerify);
loadSynchronouslyFrom(
  () => gunzipSync(Buffer.from(embedded, 'base64')),
  () => setHostCrypto(true),
);
