// Browsers without Vite: webpack 5 (production build, the app's entry and output only, nothing
// about this package) and a plain page that loads the installed files through an import map,
// each in headless Chromium, where the consumer awaits ready().
import { test, before, after } from 'node:test';
import { copyFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { HOSTS, ROOT, vectors, assertConsumer, staticServer, openPage, browser, record } from './harness.mjs';

const webpack = createRequire(`${HOSTS}package.json`)('webpack');
let chromium;
before(async () => {
  chromium = await browser();
});
after(async () => {
  await chromium.close();
});

async function page(name, dir, path) {
  const server = await staticServer(dir);
  try {
    const result = await openPage(chromium, `${server.url}${path}`, vectors());
    assertConsumer(result, { beforeReady: 'TokenError ERR_NOT_INITIALIZED' });
    record(name, { test: 'tests/hosts/webpack.test.mjs', ...result.shipped, coldMs: result.coldMs, warmUs: result.warmUs, note: 'bytes = all JS + wasm the page loaded' });
  } finally {
    await server.close();
  }
}

test('webpack 5 production build in Chromium: ready(), verifies, PKCE, decode', async () => {
  const out = `${ROOT}tests/artifacts/hosts/webpack-dist/`;
  rmSync(out, { recursive: true, force: true });
  const stats = await new Promise((resolve, reject) =>
    webpack({ mode: 'production', context: HOSTS, entry: './browser/main.js', output: { path: out, filename: 'main.js' } }, (err, s) =>
      err ? reject(err) : resolve(s),
    ),
  );
  if (stats.hasErrors()) throw new Error(stats.toString('errors-only'));
  copyFileSync(`${HOSTS}browser/webpack.html`, `${out}index.html`);
  await page('webpack 5 (Chromium)', out, '/');
});

test('plain <script type="module"> with an import map, no bundler, in Chromium', async () => {
  await page('import map, no bundler (Chromium)', HOSTS.replace(/\/$/, ''), '/browser/importmap.html');
});
