// Source of pkg/node.mjs, the Node ESM entry (also Bun and Deno, through the "node" condition): see
// node-setup.js. Bundled by scripts/bundle-entries.mjs into one file, which Node loads about 8 ms
// faster than the 12 modules it is made of.
import '../node-setup.js';

export * from '../index.js';
export { default } from '../index.js';
