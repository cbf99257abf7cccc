// Node 18, 20 and 22, ESM (import) and CJS (require), plain from node_modules and bundled by
// esbuild into one file that runs from an empty folder (the AWS Lambda case: no node_modules and
// no .wasm beside the code). Every run is ready without an await, and OneLoginClient fetches the
// JWKS with Node's fetch.
import { test, before, after } from 'node:test';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { HOSTS, ROOT, NODES, vectors, assertConsumer, jwksServer, run, lastJson, record, sizes } from './harness.mjs';

const esbuild = `${ROOT}node_modules/.bin/esbuild`;
const pkgDir = `${HOSTS}node_modules/govuk-one-login-tokens/`;
let jwks;
let out;
before(async () => {
  jwks = await jwksServer();
  out = mkdtempSync(`${tmpdir()}/hosts-esbuild-`);
});
after(async () => {
  await jwks.close();
  rmSync(out, { recursive: true, force: true });
});

async function consume(node, program, cwd) {
  const input = JSON.stringify(vectors({ jwksUri: jwks.url, repeat: 200 }));
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
      // What Node loads: the entry's files (the .wasm itself is never read).
      const entry = kind === 'ESM' ? ['node.mjs', 'node-setup.js', 'wasm/bytes.js', 'wasm/govuk_one_login_tokens.js'] : ['index.cjs'];
      record(`Node ${version} ${kind}`, { test: 'tests/hosts/node.test.mjs', ...sizes(entry.map((f) => pkgDir + f)), coldMs: r.coldMs, warmUs: r.warmUs });
    });
  }
}

for (const [kind, program, format] of [
  ['ESM', 'consumer/cli.mjs', 'esm'],
  ['CJS', 'consumer/cli.cjs', 'cjs'],
]) {
  test(`esbuild ${kind} bundle (platform node) runs from an empty folder on Node 18, 20, 22`, async () => {
    const bundle = `${out}/${format}/server.${format === 'esm' ? 'mjs' : 'cjs'}`;
    await run(esbuild, [program, '--bundle', '--platform=node', '--target=node18', `--format=${format}`, '--log-level=warning', `--outfile=${bundle}`]);
    for (const [version, node] of Object.entries(NODES)) {
      if (!existsSync(node)) continue;
      const r = await consume(node, bundle, `${out}/${format}`);
      record(`esbuild ${kind} bundle, Node ${version}`, { test: 'tests/hosts/node.test.mjs', ...sizes([bundle]), coldMs: r.coldMs, warmUs: r.warmUs });
    }
  });
}
