// Node ESM entry (also Bun and Deno, through the "node" condition): see node-setup.js.
import './node-setup.js';

export * from './index.js';
export { default } from './index.js';
