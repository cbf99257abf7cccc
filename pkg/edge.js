// Entry for hosts that forbid compiling WebAssembly from bytes but compile a `.wasm` imported as a
// module: Cloudflare Workers ("workerd" condition; wrangler treats `*.wasm?module` as a compiled
// module) and the Next.js / Vercel edge runtime ("edge-light"; it requires the `?module` suffix).
// The instance is created synchronously on first use (ready.js), inside a request rather than at
// global scope, so no `await` is needed there either. The module may come from the sandbox's own
// realm; the patched glue accepts that.
import wasmModule from './wasm/govuk_one_login_tokens_bg.wasm?module';
import { loadSynchronouslyFrom } from './ready.js';

loadSynchronouslyFrom(() => wasmModule);

export * from './index.js';
export { default } from './index.js';
