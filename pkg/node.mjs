// Node ESM entry (also Bun and Deno, through the "node" condition): see node-setup.js.
import { webcrypto } from 'node:crypto';
import './node-setup.js';

// Randomness (PKCE, state, nonce) comes from crypto.getRandomValues. Node 18 has no global
// `crypto` by default (Node >= 19 does); give it Node's own Web Crypto object, as Node 19+ would.
if (globalThis.crypto === undefined) globalThis.crypto = webcrypto;

export * from './index.js';
export { default } from './index.js';
