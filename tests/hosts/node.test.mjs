// Node 18, 20 and 22, ESM (import) and CJS (require), plain from node_modules and bundled by
// esbuild (ESM and CJS) or webpack 5 (target node) into one file that runs from an empty folder
// (the AWS Lambda case: no node_modules and no .wasm beside the code). Every run is ready without
// an await, and OneLoginClient fetches the JWKS with Node's fetch.
import { test } from 'node:test';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { HOSTS, ROOT, NODES, NODE_ENTRY, vectors, assertConsumer, fileFixtures, run, lastJson, record, sizes } from './harness.mjs';

const esbuild = `${ROOT}node_modules/.bin/esbuild`;
const ctx = fileFixtures('hosts-esbuild-');

async function consume(node, program, cwd) {
  const input = JSON.stringify(vectors({ jwksUri: ctx.jwks.url, repeat: 200 }));
  const result = lastJson((await run(node, [program, input], { cwd })).stdout);
  assertConsumer(result, { client: true });
  return result;
}

for (const [version, node] of Object.entries(NODES)) {
  const skip = existsSync(node) ? false : `${node} is missing: run make setup`;
  for (const [kind, program] of [
    ['ESM', 'consumer/cli.mjs'],
    ['CJS', 'consumer/cli.cjs'],
  ]) {
    test(`Node ${version} ${kind} from node_modules: ready on import, verifies, PKCE, decode, OneLoginClient`, { skip }, async () => {
      const r = await consume(node, program, HOSTS);
      // What Node loads: the entry's main files (the .wasm itself is never read).
      record(`Node ${version} ${kind}`, { test: 'tests/hosts/node.test.mjs', ...sizes(NODE_ENTRY[kind]), coldMs: r.coldMs, warmUs: r.warmUs });
    });
  }
}

for (const [kind, program, format] of [
  ['ESM', 'consumer/cli.mjs', 'esm'],
  ['CJS', 'consumer/cli.cjs', 'cjs'],
]) {
  test(`esbuild ${kind} bundle (platform node) runs from an empty folder on Node 18, 20, 22`, async () => {
    const bundle = `${ctx.dir}/${format}/server.${format === 'esm' ? 'mjs' : 'cjs'}`;
    await run(esbuild, [program, '--bundle', '--platform=node', '--target=node18', `--format=${format}`, '--log-level=warning', `--outfile=${bundle}`]);
    for (const [version, node] of Object.entries(NODES)) {
      if (!existsSync(node)) continue;
      const r = await consume(node, bundle, `${ctx.dir}/${format}`);
      record(`esbuild ${kind} bundle, Node ${version}`, { test: 'tests/hosts/node.test.mjs', ...sizes([bundle]), coldMs: r.coldMs, warmUs: r.warmUs });
    }
  });
}

test('webpack 5 bundle (target node) runs from an empty folder on Node 18, 20, 22', async () => {
  const webpack = createRequire(`${HOSTS}package.json`)('webpack');
  const dir = `${ctx.dir}/webpack`;
  const stats = await new Promise((resolve, reject) =>
    webpack(
      { mode: 'production', target: 'node18', context: HOSTS, entry: './consumer/cli.mjs', output: { path: dir, filename: 'server.cjs' } },
      (err, s) => (err ? reject(err) : resolve(s)),
    ),
  );
  if (stats.hasErrors()) throw new Error(stats.toString('errors-only'));
  // webpack also emits the .wasm the browser code path refers to; the Node entry must not need it.
  for (const f of readdirSync(dir)) if (f.endsWith('.wasm')) rmSync(`${dir}/${f}`);
  for (const [version, node] of Object.entries(NODES)) {
    if (!existsSync(node)) continue;
    const r = await consume(node, `${dir}/server.cjs`, dir);
    record(`webpack 5 bundle (target node), Node ${version}`, { test: 'tests/hosts/node.test.mjs', ...sizes([`${dir}/server.cjs`]), coldMs: r.coldMs, warmUs: r.warmUs });
  }
});
