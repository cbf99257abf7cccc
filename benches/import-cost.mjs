// What `import 'govuk-one-login-tokens'` costs a Node process, and the first verification after
// it, for the shipped Node entry and the alternatives it was chosen over. Each figure is the
// median of RUNS fresh processes (Node 20, the package from `scripts/pack.sh benches`):
//
//   0.1.0 layout      readFileSync(.wasm beside the file) + synchronous compile at import
//   base64, eager     the .wasm as plain base64 in an ESM file, decoded + compiled at import
//   gzip, eager       gzip -9 + base64 (wasm/bytes.js), decompressed + compiled at import
//   gzip, lazy        the same bytes, decompressed + compiled on first use: node-setup.js and
//                     index.js as 12 modules, and as the one bundle shipped as node.mjs
//
// A compiled-module cache is not among them: Node has no API that persists a compiled
// WebAssembly.Module across processes (v8.serialize turns one into 2 bytes, no code), so a cache
// would be a file of our own, the file-system dependency the embedded bytes remove.
//
// Run: make bench-import (or: bash scripts/pack.sh benches && node benches/import-cost.mjs)
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, rmSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const RUNS = Number(process.env.RUNS ?? 15);
const pkg = fileURLToPath(new URL('./node_modules/govuk-one-login-tokens/', import.meta.url));
const flow = fileURLToPath(new URL('../../shared/vectors/simulator/es256/', import.meta.url));
const read = (f) => readFileSync(`${flow}${f}`, 'utf8').trim();
const accessToken = read('access_token.jwt');
const params = JSON.parse(read('flow-params.json'));
const input = {
  idToken: read('id_token.jwt'),
  options: {
    jwks: read('jwks.json'),
    environment: { baseUrl: params.sim_public_url },
    clientId: params.client_id,
    nonce: params.nonce,
    vtr: params.vtr,
    accessToken,
    now: JSON.parse(Buffer.from(accessToken.split('.')[1], 'base64url')).iat,
  },
};

// The alternatives, as entry files beside the installed package's own (removed afterwards), with
// node-setup.js, which node.mjs bundles and the tarball does not ship (taken from pkg/).
const wasm = readFileSync(`${pkg}wasm/govuk_one_login_tokens_bg.wasm`);
const source = (file) => readFileSync(fileURLToPath(new URL(`../pkg/${file}`, import.meta.url)), 'utf8');
const common = `import { initSync } from './index.js';
import { setHostCrypto, hostKeyJwk } from './wasm/govuk_one_login_tokens.js';
import { setHostVerifier, setKeyJwkSource } from './host-crypto.js';
import { nodeVerify } from './node-crypto.js';
setKeyJwkSource(hostKeyJwk);
setHostVerifier(nodeVerify);
`;
const extra = {
  'node-setup.js': source('node-setup.js'),
  'bench-unbundled.mjs': `import './node-setup.js';\nexport * from './index.js';\nexport { default } from './index.js';\n`,
  'wasm/bytes-plain.js': `export default "${wasm.toString('base64')}";\n`,
  'bench-read.mjs': `import { readFileSync } from 'node:fs';\n${common}initSync(readFileSync(new URL('./wasm/govuk_one_login_tokens_bg.wasm', import.meta.url)));\nsetHostCrypto(true);\nexport * from './index.js';\n`,
  'bench-base64.mjs': `import embedded from './wasm/bytes-plain.js';\n${common}initSync(Buffer.from(embedded, 'base64'));\nsetHostCrypto(true);\nexport * from './index.js';\n`,
  'bench-gzip-eager.mjs': `import './node-setup.js';\nimport { ready } from './index.js';\nawait ready();\nexport * from './index.js';\n`,
};
const variants = [
  ['0.1.0 layout (file read, eager)', 'bench-read.mjs', wasm.length],
  ['base64, eager', 'bench-base64.mjs', wasm.length + Buffer.byteLength(extra['wasm/bytes-plain.js'])],
  ['gzip + base64, eager', 'bench-gzip-eager.mjs', wasm.length + statSync(`${pkg}wasm/bytes.js`).size],
  ['gzip + base64, lazy, 12 modules', 'bench-unbundled.mjs', wasm.length + statSync(`${pkg}wasm/bytes.js`).size],
  ['gzip + base64, lazy, one bundle (shipped node.mjs)', 'node.mjs', wasm.length + statSync(`${pkg}wasm/bytes.js`).size],
];

const program = `
const t0 = performance.now();
const api = await import(process.argv[1]);
const t1 = performance.now();
const { idToken, options } = JSON.parse(process.argv[2]);
api.verifyIdToken(idToken, options);
const t2 = performance.now();
console.log(JSON.stringify({ importMs: t1 - t0, firstMs: t2 - t1 }));`;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
try {
  for (const [file, text] of Object.entries(extra)) writeFileSync(pkg + file, text);
  console.log(`median of ${RUNS} fresh Node ${process.version} processes; ESM bytes = the .wasm plus its embedded copy for ESM`);
  console.log('| variant | import (ms) | first verification after import (ms) | import + first (ms) | .wasm + embedded copy (bytes) |');
  console.log('|---|---|---|---|---|');
  for (const [name, entry, bytes] of variants) {
    const runs = [];
    for (let i = 0; i < RUNS; i++) {
      runs.push(JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', program, pkg + entry, JSON.stringify(input)], { encoding: 'utf8' })));
    }
    const imp = median(runs.map((r) => r.importMs));
    const first = median(runs.map((r) => r.firstMs));
    const both = median(runs.map((r) => r.importMs + r.firstMs));
    console.log(`| ${name} | ${imp.toFixed(1)} | ${first.toFixed(1)} | ${both.toFixed(1)} | ${bytes.toLocaleString('en-GB')} |`);
  }
} finally {
  for (const file of Object.keys(extra)) rmSync(pkg + file, { force: true });
}
