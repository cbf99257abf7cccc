// Cloudflare Workers: the worker (workerd/worker.js, a plain import, no configuration) is built by
// wrangler exactly as `wrangler deploy` would upload it (`--dry-run --outdir`), then served by the
// real workerd runtime on 127.0.0.1 (workerd directly rather than `wrangler dev`, which would try
// to fetch Cloudflare's `Request.cf` data from the internet). No nodejs_compat: no Node module.
// workerd forbids compiling WebAssembly from bytes, so this proves the "workerd" condition's
// imported-module path; OneLoginClient fetches the JWKS with the Workers fetch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, writeFileSync } from 'node:fs';
import { HOSTS, BIN, NODES, vectors, assertConsumer, fileFixtures, run, serve, freePort, timeServer, post, record, sizes } from './harness.mjs';

const ctx = fileFixtures('hosts-workerd-');

test('Cloudflare Workers (wrangler build, workerd): verifies, PKCE, decode, OneLoginClient; ready() is a no-op', async () => {
  // Wrangler 4 needs Node >= 22.
  await run(NODES[22], [`${HOSTS}node_modules/wrangler/bin/wrangler.js`, 'deploy', '--dry-run', '--outdir', ctx.dir, '-c', 'workerd/wrangler.toml']);
  const files = readdirSync(ctx.dir);
  const wasm = files.find((f) => f.endsWith('.wasm'));
  assert.ok(wasm, `wrangler emitted the .wasm as a module: ${files}`);
  const port = await freePort();
  writeFileSync(
    `${ctx.dir}/config.capnp`,
    `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),
    (name = "loopback", network = (allow = ["local"])),
  ],
  sockets = [(name = "http", address = "127.0.0.1:${port}", http = (), service = "main")],
);
const worker :Workerd.Worker = (
  modules = [
    (name = "worker.js", esModule = embed "worker.js"),
    (name = "${wasm}", wasm = embed "${wasm}"),
  ],
  compatibilityDate = "2026-11-01",
  globalOutbound = "loopback",
);
`,
  );
  const url = `http://127.0.0.1:${port}/`;
  const server = await serve('workerd', `${BIN}workerd`, ['serve', `${ctx.dir}/config.capnp`], { cwd: ctx.dir, url });
  try {
    const input = vectors({ jwksUri: ctx.jwks.url });
    const { first, coldMs, warmUs } = await timeServer(url, input);
    assertConsumer(first.out, { client: true });
    assert.ok(ctx.jwks.requests >= 1);
    const { out } = await post(url, { ...input, repeat: 0 });
    assertConsumer(out, { client: true });
    record('Cloudflare Workers (workerd)', {
      test: 'tests/hosts/workerd.test.mjs',
      ...sizes(['worker.js', wasm].map((f) => `${ctx.dir}/${f}`)),
      coldMs,
      warmUs,
      note: 'cold = first request to a fresh workerd, timed by the client',
    });
  } finally {
    await server.stop();
  }
});
