// KeySet, DidDocument and SigningKey as the package exports them: the wasm-bindgen classes with
// every method and getter checking its receiver first. The glue passes `this.__wbg_ptr` straight
// to Rust, so a freed instance (pointer 0) or a foreign `this` reached Rust as a null pointer
// and came back as a plain `Error`, not a `TokenError`; a second `free()` did the same.
import {
  KeySet as RawKeySet,
  DidDocument as RawDidDocument,
  SigningKey as RawSigningKey,
} from './wasm/govuk_one_login_tokens.js';
import { invalidArgument } from './errors.js';

/** Throw unless `instance` is a live (not freed) instance of `Class`. */
export function requireLive(instance, Class, name) {
  if (!(instance instanceof Class)) {
    throw invalidArgument(name, `${name} must be a ${Class.name}`);
  }
  // wasm-bindgen zeroes the pointer on free(); an object made with Object.create(prototype)
  // has none. Either would reach Rust as a null pointer.
  if (!(instance.__wbg_ptr > 0)) {
    throw invalidArgument(name, `${name} has been freed`);
  }
}

// Patches the prototype in place, so instances made anywhere (api.js, client.js) are covered and
// `instanceof` keeps working; returned so the exports below are call results, which bundlers
// cannot skip as side-effect-free re-exports.
function guard(Class) {
  const proto = Class.prototype;
  for (const key of Reflect.ownKeys(proto)) {
    if (key === 'constructor' || key === '__destroy_into_raw') continue;
    const desc = Object.getOwnPropertyDescriptor(proto, key);
    if (desc.get) {
      const get = desc.get;
      desc.get = function () {
        requireLive(this, Class, 'this');
        return get.call(this);
      };
    } else if (typeof desc.value === 'function' && (key === 'free' || key === Symbol.dispose)) {
      const free = desc.value;
      // Freeing twice is a no-op, as disposal (`using`) expects.
      desc.value = function () {
        if (!(this instanceof Class)) requireLive(this, Class, 'this');
        if (this.__wbg_ptr > 0) free.call(this);
      };
    } else if (typeof desc.value === 'function') {
      const method = desc.value;
      desc.value = function (...args) {
        requireLive(this, Class, 'this');
        return method.apply(this, args);
      };
    }
    Object.defineProperty(proto, key, desc);
  }
  return Class;
}

export const KeySet = guard(RawKeySet);
export const DidDocument = guard(RawDidDocument);
export const SigningKey = guard(RawSigningKey);
