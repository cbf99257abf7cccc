// The README says what the code does: its error-code table lists exactly the codes the core
// defines (in its order), and its layout section names only paths that exist and every
// top-level folder of the repository.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { errorCodes } from 'govuk-one-login-tokens';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');

function section(heading) {
  const start = readme.indexOf(`\n## ${heading}\n`);
  assert.ok(start >= 0, `README has a "## ${heading}" section`);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end < 0 ? undefined : end);
}

test('the README error-code table is the core list', () => {
  const rows = [...section('Error codes').matchAll(/^\| `(ERR_[A-Z_]+)` \|/gm)].map((m) => m[1]);
  assert.deepEqual([...rows].sort(), [...errorCodes()].sort());
});

test('the README layout names paths that exist, and every top-level folder', () => {
  const layout = section('Layout');
  const paths = [...layout.matchAll(/`((?:src|pkg|www|tests|benches|scripts|fuzz|examples)\/[^`\s]*)`/g)].map((m) => m[1]);
  assert.ok(paths.length >= 8, `${paths.length} paths`);
  for (const p of paths) assert.ok(existsSync(path.join(root, p)), `${p} exists`);
  const tracked = readdirSync(root, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith('.') && !['node_modules', 'target'].includes(e.name) && !e.name.startsWith('target-'));
  for (const dir of tracked) assert.ok(layout.includes(`\`${dir.name}/`), `the layout mentions ${dir.name}/`);
});
