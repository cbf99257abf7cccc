// The published types match the runtime: every value the package exports is declared and every
// declared value exists (in both module systems), and the generated unions of error codes,
// check ids and token kinds equal the lists the core hands out at run time. The check is
// tsc itself: a file of type-level equalities, generated from the runtime, must compile.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esm from 'govuk-one-login-tokens';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const dir = path.join(root, 'tests/artifacts/dts-runtime');
const cjs = createRequire(import.meta.url)('govuk-one-login-tokens');

const union = (items) => (items.length === 0 ? 'never' : items.map((s) => JSON.stringify(s)).join(' | '));
// Exactly equal: nothing of either side is missing from the other (on a difference, tsc's error
// names the members that differ).
const equal = (name, a, b) =>
  [
    `export const ${name}Extra: [Exclude<${a}, ${b}>] extends [never] ? true : Exclude<${a}, ${b}> = true;`,
    `export const ${name}Missing: [Exclude<${b}, ${a}>] extends [never] ? true : Exclude<${b}, ${a}> = true;`,
  ].join('\n');

test('index.d.ts declares exactly the runtime exports, codes, check ids and token kinds', () => {
  const esmNames = Object.keys(esm).sort();
  const cjsNames = Object.keys(cjs).filter((n) => n !== '__esModule').sort();
  // The CommonJS entry has every ESM export (`default` included).
  assert.deepEqual(cjsNames, esmNames);

  mkdirSync(dir, { recursive: true });
  const source = [
    "import * as pkg from 'govuk-one-login-tokens';",
    "import type { ErrorCode, CheckId, TokenKind } from 'govuk-one-login-tokens';",
    `type RuntimeExports = ${union(esmNames)};`,
    equal('exportsMatch', 'keyof typeof pkg', 'RuntimeExports'),
    equal('errorCodesMatch', 'ErrorCode', union(esm.errorCodes())),
    equal('checkIdsMatch', 'CheckId', union(esm.checkList().map((c) => c.id))),
    equal('tokenKindsMatch', 'TokenKind', union(esm.tokenKinds())),
    '',
  ].join('\n');
  writeFileSync(path.join(dir, 'check.ts'), source);
  writeFileSync(
    path.join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        noEmit: true,
        target: 'es2022',
        module: 'nodenext',
        moduleResolution: 'nodenext',
        lib: ['es2022', 'dom'],
        types: [],
        // The package resolves from tests/node_modules, as for every other test.
      },
      files: ['check.ts'],
    }),
  );
  try {
    execFileSync(path.join(root, 'node_modules/.bin/tsc'), ['-p', dir], { encoding: 'utf8', stdio: 'pipe' });
  } catch (error) {
    assert.fail(`the types and the runtime differ:\n${error.stdout}${error.stderr}\n--- check.ts ---\n${source}`);
  }
});

test('the check catches a difference (a made-up code fails to compile)', () => {
  const source = [
    "import type { ErrorCode } from 'govuk-one-login-tokens';",
    equal('errorCodesMatch', 'ErrorCode', union([...esm.errorCodes(), 'ERR_MADE_UP'])),
    '',
  ].join('\n');
  writeFileSync(path.join(dir, 'check.ts'), source);
  assert.throws(() =>
    execFileSync(path.join(root, 'node_modules/.bin/tsc'), ['-p', dir], { encoding: 'utf8', stdio: 'pipe' }),
  );
});
