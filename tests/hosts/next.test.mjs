// Next.js 16 (next-app/, no next.config): `next build` then `next start` on 127.0.0.1, and
//   - a route handler on the Node.js runtime (POST the vectors),
//   - a route handler on the edge runtime ("edge-light": the .wasm imported as a module),
//   - a page whose client component uses the package: server-rendered in Node (must not need the
//     file system), then hydrated in headless Chromium, where it awaits ready().
// Built with Turbopack (the default); HOSTS_ALL=1 (make test-hosts) also runs `next dev`
// (Turbopack, compiled on request) and builds with --webpack,
// without the edge route: Next.js 16.4.6's webpack build fails on any edge route handler, even one
// that imports nothing ("Failed to collect page data for /api/edge", a missing
// route_client-reference-manifest.js), so that row is Turbopack only.
import { test, before, after } from 'node:test';
import { cpSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { HOSTS, vectors, assertConsumer, jwksServer, run, serve, freePort, timeServer, openPage, browser, record, sizes } from './harness.mjs';

const APP = `${HOSTS}next-app/`;
const NEXT = `${HOSTS}node_modules/next/dist/bin/next`;
const bundlers = process.env.HOSTS_ALL ? ['turbopack', 'webpack', 'dev'] : ['turbopack'];
let jwks;
let chromium;
before(async () => {
  jwks = await jwksServer();
  chromium = await browser();
});
after(async () => {
  await jwks.close();
  await chromium.close();
});

/** Server output files that carry the package (its glue's not-ready message), and .wasm files. */
function serverFiles(dir) {
  const found = [];
  const walk = (d) => {
    for (const name of readdirSync(d)) {
      const p = `${d}/${name}`;
      if (statSync(p).isDirectory()) walk(p);
      else if (p.endsWith('.wasm') || (p.endsWith('.js') && readFileSync(p, 'utf8').includes('ERR_NOT_INITIALIZED'))) found.push(p);
    }
  };
  walk(dir);
  return found;
}

for (const bundler of bundlers) {
  const title = bundler === 'dev' ? 'next dev' : `next build (${bundler}) + next start`;
  test(`Next.js 16 ${title}: Node route, edge route, client component page (SSR + Chromium)`, async (t) => {
    let app = APP;
    let runtimes = ['node', 'edge'];
    if (bundler === 'webpack') {
      app = `${HOSTS}next-app-webpack/`;
      rmSync(app, { recursive: true, force: true });
      cpSync(`${APP}app`, `${app}app`, { recursive: true, filter: (src) => !src.includes('/api/edge') });
      runtimes = ['node'];
    }
    rmSync(`${app}.next`, { recursive: true, force: true });
    if (bundler !== 'dev') await run(process.execPath, [NEXT, 'build', ...(bundler === 'webpack' ? ['--webpack'] : []), app]);
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const command = bundler === 'dev' ? 'dev' : 'start';
    const server = await serve(`next-${bundler}`, process.execPath, [NEXT, command, app, '-p', String(port), '-H', '127.0.0.1'], {
      url: `${base}/api/node`,
      timeoutMs: 180_000,
    });
    const input = vectors({ jwksUri: jwks.url });
    try {
      for (const runtime of runtimes) {
        await t.test(`${runtime} route`, async () => {
          const { first, coldMs, warmUs } = await timeServer(`${base}/api/${runtime}`, input);
          assertConsumer(first.out, { client: true });
          const dir = `${app}.next/server/${runtime === 'edge' ? 'edge/' : ''}`;
          const files = bundler === 'dev' ? [] : serverFiles(dir).filter((f) => runtime === 'edge' || !f.includes('/edge/'));
          record(`Next.js 16 ${bundler}, ${runtime} route`, {
            test: 'tests/hosts/next.test.mjs',
            ...(files.length ? sizes(files) : {}),
            coldMs,
            warmUs,
            note: 'cold = first request after next start, timed by the client; bytes = server chunks with the package + .wasm',
          });
        });
      }
      await t.test('client component page', async () => {
        const result = await openPage(chromium, `${base}/`, input);
        assertConsumer(result, { beforeReady: 'TokenError ERR_NOT_INITIALIZED' });
        record(`Next.js 16 ${bundler}, client component (Chromium)`, {
          test: 'tests/hosts/next.test.mjs',
          ...result.shipped,
          coldMs: result.coldMs,
          warmUs: result.warmUs,
          note: 'bytes = all JS + wasm the page loaded (React and Next included); cold = from navigation start',
        });
      });
    } finally {
      await server.stop();
    }
  });
}
