// Post-process wasm-bindgen 0.2.130's --target web glue (pkg/wasm/govuk_one_login_tokens.js) so
// every host loads it the same way. Each edit names the exact text it replaces and fails the build
// if that text is missing (a new wasm-bindgen version must be looked at, not patched blindly):
//
//   1. `wasm` starts as a guard object instead of `undefined`. Any use of the module before it is
//      loaded goes through ../ready.js: it loads synchronously where the entry point registered a
//      loader (Node, Bun, Deno, Workers, edge) and otherwise throws TokenError ERR_NOT_INITIALIZED,
//      never the glue's "cannot read properties of undefined" TypeError.
//   2. "already loaded" tests compare against that guard.
//   3. `isLoaded()` is exported, so entry points can tell without touching the module.
//   4. initSync accepts a WebAssembly.Module made by another realm (sandboxed edge runtimes hand the
//      imported .wasm over from their own realm, where `instanceof` is false).
//   5. `wasmDirectory` is exported (see below).
//
// Usage: node scripts/patch-glue.mjs pkg/wasm/govuk_one_login_tokens.js
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';

const file = process.argv[2];
let text = readFileSync(file, 'utf8');

function replace(from, to, count) {
  const found = text.split(from).length - 1;
  if (found !== count) {
    console.error(`patch-glue: expected ${count} x ${JSON.stringify(from)} in ${file}, found ${found}`);
    process.exit(1);
  }
  text = text.split(from).join(to);
}

replace(
  'let wasmModule, wasmInstance, wasm;',
  [
    "import { whenNotReady, isWasmModule } from '../ready.js';",
    '// Stands in for the exports until the module is loaded (see scripts/patch-glue.mjs).',
    'const NOT_READY = new Proxy({}, {',
    '    get(_, name) {',
    '        whenNotReady(initSync);',
    '        return wasm[name];',
    '    },',
    '});',
    'let wasmModule, wasmInstance, wasm = NOT_READY;',
  ].join('\n'),
  1,
);
replace('if (wasm !== undefined) return wasm;', 'if (wasm !== NOT_READY) return wasm;', 2);
replace('if (!(module instanceof WebAssembly.Module)) {', 'if (!isWasmModule(module)) {', 1);
// 5. `wasmDirectory` names the package folder of this glue and its .wasm (`wasm`, or
//    `wasm-browser` or `wasm-browser-full` for the browser builds), for entries that locate the
//    .wasm themselves.
const directory = basename(dirname(resolve(file)));
replace(
  'export { initSync, __wbg_init as default };',
  [
    'function isLoaded() {',
    '    return wasm !== NOT_READY;',
    '}',
    '',
    `const wasmDirectory = ${JSON.stringify(directory)};`,
    '',
    'export { initSync, __wbg_init as default, isLoaded, wasmDirectory };',
  ].join('\n'),
  1,
);
if (/wasm [!=]== undefined/.test(text)) {
  console.error(`patch-glue: ${file} still compares wasm with undefined`);
  process.exit(1);
}
writeFileSync(file, text);
