// When and how the WebAssembly module gets loaded. The glue (patched by scripts/patch-glue.mjs)
// calls `whenNotReady` the first time anything touches the module before it is loaded:
//   - entry points that can load synchronously (Node, Bun and Deno from embedded bytes, Workers and
//     edge runtimes from the imported `.wasm` module) registered a source, and it is loaded then,
//     so those hosts are ready on import without paying for the compile until the first call;
//   - otherwise (browsers before `await ready()`) it throws TokenError ERR_NOT_INITIALIZED.
import { createTokenError } from './errors.js';

let source;
let afterLoad;

/**
 * Register how this entry point loads the module synchronously: `getModule()` returns a
 * `WebAssembly.Module` or the `.wasm` bytes; `then()` runs once right after the module is loaded,
 * whichever way it was (this source, `ready(x)` or `initSync(x)`).
 */
export function loadSynchronouslyFrom(getModule, then) {
  source = getModule;
  afterLoad = then;
}

/** Called once the glue holds an instance, by every path that loads one. */
export function loaded() {
  const then = afterLoad;
  afterLoad = undefined;
  then?.();
}

/** Load synchronously if this entry point can; `false` when it cannot (browsers). */
export function loadSynchronously(initSync) {
  if (source === undefined) return false;
  let module;
  try {
    module = source();
    initSync({ module });
  } catch (cause) {
    throw notLoaded(cause);
  }
  loaded();
  return true;
}

export function whenNotReady(initSync) {
  if (!loadSynchronously(initSync)) {
    throw createTokenError(
      'ERR_NOT_INITIALIZED',
      'the WebAssembly module is not loaded yet: call `await ready()` once before using this function',
    );
  }
}

/** The error for a module that could not be fetched, compiled or instantiated. */
export function notLoaded(cause) {
  const error = createTokenError(
    'ERR_NOT_INITIALIZED',
    `the WebAssembly module could not be loaded: ${cause instanceof Error ? cause.message : String(cause)}`,
  );
  error.cause = cause;
  return error;
}

/** A compiled module from this realm or another one (`instanceof` only sees this realm's). */
export function isWasmModule(value) {
  return (
    value instanceof WebAssembly.Module ||
    Object.prototype.toString.call(value) === '[object WebAssembly.Module]'
  );
}
