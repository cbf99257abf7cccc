// Vite 7 (the root devDependency) and Vite 8 (tests/hosts), with no vite.config: the dev server
// (which pre-bundles the package into node_modules/.vite/deps/) and a production build served by
// `vite preview`, each opened in headless Chromium. HOSTS_SUBSET=1 (make test) runs Vite 7 dev only.
import { test, before, after } from 'node:test';
import { rmSync } from 'node:fs';
import { HOSTS, ROOT, vectors, assertConsumer, run, serve, freePort, openPage, browser, record } from './harness.mjs';

const APP = `${HOSTS}vite-app/`;
const VITE = { 7: `${ROOT}node_modules/vite/bin/vite.js`, 8: `${HOSTS}node_modules/vite/bin/vite.js` };
const cases = [];
for (const version of [7, 8]) for (const mode of ['dev', 'build']) cases.push({ version, mode });
const selected = process.env.HOSTS_SUBSET ? cases.filter((c) => c.version === 7 && c.mode === 'dev') : cases;

let chromium;
before(async () => {
  chromium = await browser();
});
after(async () => {
  await chromium.close();
});

for (const { version, mode } of selected) {
  test(`Vite ${version} ${mode === 'dev' ? 'dev server' : 'build + preview'} in Chromium, no config: ready(), verifies, PKCE, decode`, async () => {
    const vite = VITE[version];
    const port = await freePort();
    const outDir = `${ROOT}tests/artifacts/hosts/vite${version}-dist`;
    // A fresh dep cache each time, so the dev server really pre-bundles the package.
    rmSync(`${HOSTS}node_modules/.vite`, { recursive: true, force: true });
    let args;
    if (mode === 'dev') {
      args = [vite, APP, '--port', String(port), '--host', '127.0.0.1', '--strictPort'];
    } else {
      await run(process.execPath, [vite, 'build', APP, '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn']);
      args = [vite, 'preview', APP, '--outDir', outDir, '--port', String(port), '--host', '127.0.0.1', '--strictPort'];
    }
    const url = `http://127.0.0.1:${port}/`;
    const server = await serve(`vite${version}-${mode}`, process.execPath, args, { url });
    try {
      const result = await openPage(chromium, url, vectors());
      assertConsumer(result, { beforeReady: 'TokenError ERR_NOT_INITIALIZED' });
      record(`Vite ${version} ${mode} (Chromium)`, {
        test: 'tests/hosts/vite.test.mjs',
        ...result.shipped,
        coldMs: result.coldMs,
        warmUs: result.warmUs,
        note: mode === 'dev' ? 'dev server: unminified, bytes as served' : 'bytes = all JS + wasm the page loaded',
      });
    } finally {
      await server.stop();
    }
  });
}
