// Deno and Bun, through their npm packages (which ship the binaries), on the consumer program
// (consumer/cli.mjs, cli.cjs) importing the package from node_modules, ready without an await:
//   - Deno 2 with no permission but the network to the local JWKS: no --allow-read, no --allow-env;
//   - Bun 1.4, ESM and CJS, and `bun build --compile` into one executable run from an empty folder.
// OneLoginClient fetches the JWKS with the host's own fetch.
import { test } from 'node:test';
import { writeFileSync } from 'node:fs';
import { BIN, NODE_ENTRY, sizes, vectors, assertConsumer, fileFixtures, run, lastJson, record, fileSize } from './harness.mjs';

const ctx = fileFixtures('hosts-bun-');

const input = () => JSON.stringify(vectors({ jwksUri: ctx.jwks.url, repeat: 200 }));
const port = () => new URL(ctx.jwks.url).host;

test('Deno (node_modules, no --allow-read): verifies, PKCE, decode, OneLoginClient with Deno fetch', async () => {
  const { stdout } = await run(`${BIN}deno`, ['run', '--no-prompt', `--allow-net=${port()}`, 'consumer/cli.mjs', input()]);
  const r = lastJson(stdout);
  assertConsumer(r, { client: true });
  record('Deno 2.9 (node_modules, no --allow-read)', { test: 'tests/hosts/deno-bun.test.mjs', ...sizes(NODE_ENTRY.ESM), coldMs: r.coldMs, warmUs: r.warmUs, note: 'loads the node entry, like Node ESM' });
});

test('the Deno above really denies file reads without --allow-read (so the run proves none is needed)', async () => {
  const script = `${ctx.dir}/read.mjs`;
  writeFileSync(script, 'Deno.readTextFileSync(import.meta.filename);\n');
  await run(`${BIN}deno`, ['run', '--no-prompt', script]).then(
    () => {
      throw new Error('deno run read a file without --allow-read');
    },
    (e) => {
      if (!/NotCapable|PermissionDenied|Requires read access/.test(e.message)) throw e;
    },
  );
});

for (const program of ['consumer/cli.mjs', 'consumer/cli.cjs']) {
  test(`Bun ${program.endsWith('.cjs') ? 'CJS' : 'ESM'}: verifies, PKCE, decode, OneLoginClient with Bun fetch`, async () => {
    const r = lastJson((await run(`${BIN}bun`, [program, input()])).stdout);
    assertConsumer(r, { client: true });
    const kind = program.endsWith('.cjs') ? 'CJS' : 'ESM';
    record(`Bun 1.4 ${kind}`, { test: 'tests/hosts/deno-bun.test.mjs', ...sizes(NODE_ENTRY[kind]), coldMs: r.coldMs, warmUs: r.warmUs, note: 'loads the node entry' });
  });
}

test('bun build --compile: one executable, run from an empty folder', async () => {
  const exe = `${ctx.dir}/consumer`;
  await run(`${BIN}bun`, ['build', '--compile', 'consumer/cli.mjs', '--outfile', exe]);
  const r = lastJson((await run(exe, [input()], { cwd: ctx.dir })).stdout);
  assertConsumer(r, { client: true });
  record('bun build --compile', { test: 'tests/hosts/deno-bun.test.mjs', raw: fileSize(exe), coldMs: r.coldMs, warmUs: r.warmUs, note: 'bytes = the whole executable, Bun runtime included' });
});
