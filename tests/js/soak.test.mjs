// The short memory soak (50,000 mixed operations, then 20,000 OneLoginClient verifications through
// key rotations and 20,000 store jtis; `make soak` runs 1,000,000 of each). It needs
// --expose-gc, so it runs as its own Node process; tests/support/soak.mjs explains the limits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

test('soak: 50,000 mixed operations, 20,000 client verifications and 20,000 jtis leave wasm memory and the JS heap flat', { timeout: 120_000 }, () => {
  const script = fileURLToPath(new URL('../support/soak.mjs', import.meta.url));
  // A deadline, so that a hang (a Node crypto deadlock was once seen here) fails instead of
  // stalling `make test`.
  const run = spawnSync(process.execPath, ['--expose-gc', script, '--ops', process.env.SOAK_OPS ?? '50000', '--flow-ops', process.env.SOAK_FLOW_OPS ?? '20000'], {
    encoding: 'utf8',
    timeout: 100_000,
  });
  console.log(run.stdout + run.stderr);
  assert.equal(run.signal, null, `tests/support/soak.mjs did not finish (${run.signal})`);
  assert.equal(run.status, 0, 'tests/support/soak.mjs reported growth (see its output above)');
});
