// Source of pkg/index.cjs (the require() entry), bundled by esbuild in scripts/build.sh with its
// own copy of the glue and of the embedded .wasm bytes; loads like node.mjs (see node-setup.js).
import '../node-setup.js';

export * from '../index.js';
export { default } from '../index.js';
