// The published file list: what `npm pack pkg/` put in the tarball (scripts/test.sh wrote
// tests/artifacts/pack.json) is exactly what package.json promises, and every entry point exists.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const [pack] = JSON.parse(readFileSync(`${root}tests/artifacts/pack.json`, 'utf8'));
const manifest = JSON.parse(readFileSync(`${root}pkg/package.json`, 'utf8'));
const packed = pack.files.map((f) => f.path).sort();

test('the tarball holds exactly package.json + the "files" list', () => {
  assert.equal(pack.name, 'govuk-one-login-tokens');
  assert.deepEqual(packed, [...manifest.files, 'package.json'].sort());
});

test('every exports / main / module / types target is in the tarball', () => {
  const targets = new Set([manifest.main, manifest.module, manifest.types]);
  const walk = (v) => (typeof v === 'string' ? targets.add(v) : Object.values(v).forEach(walk));
  walk(manifest.exports);
  for (const t of targets) assert.ok(packed.includes(t.replace(/^\.\//, '')), `${t} missing from the tarball`);
});

test('package.json is publishable as specified', () => {
  assert.equal(manifest.type, 'module');
  assert.equal(manifest.engines.node, '>=18');
  // "types" first; the hosts that cannot compile bytes before "node" (a host may set both);
  // "browser" after "node", so a server-side bundle that sets both gets the server build.
  assert.deepEqual(
    Object.keys(manifest.exports['.']),
    ['types', 'workerd', 'edge-light', 'node', 'browser', 'default'],
  );
  assert.equal(manifest.exports['.'].workerd, './edge.js');
  assert.equal(manifest.exports['.']['edge-light'], './edge.js');
  assert.equal(manifest.exports['.'].browser, './browser.js');
  assert.deepEqual(manifest.exports['./wasm'], {
    browser: './wasm-browser/govuk_one_login_tokens_bg.wasm',
    default: './wasm/govuk_one_login_tokens_bg.wasm',
  });
  assert.deepEqual(manifest.exports['.'].node, { import: './node.mjs', require: './index.cjs' });
  // The full entry: the same everywhere but in browsers, where it is the full browser build
  // (the small one, the browser entry's, decodes and verifies only).
  assert.deepEqual(manifest.exports['./full'], { ...manifest.exports['.'], browser: './browser-full.js' });
  assert.deepEqual(manifest.exports['./full/wasm'], {
    browser: './wasm-browser-full/govuk_one_login_tokens_bg.wasm',
    default: './wasm/govuk_one_login_tokens_bg.wasm',
  });
  assert.equal(manifest.exports['.'].default, './index.js');
  // The test kit: Node only (no "default", so a browser or edge bundle cannot pick it up).
  assert.deepEqual(manifest.exports['./testing'], { types: './testing.d.ts', node: './testing.js' });
  assert.ok(Array.isArray(manifest.sideEffects));
  const wasm = pack.files.filter((f) => f.path.endsWith('.wasm'));
  assert.equal(wasm.length, 3, 'the server build and the two browser builds');
  for (const file of wasm) assert.ok(file.size > 10_000, `${file.path} is packed whole`);
  assert.ok(!packed.some((p) => p.startsWith('src/') || p.endsWith('.tgz')), 'no sources or tarballs');
});
