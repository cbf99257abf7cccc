// The published types match the runtime: every value the package exports is declared and every
// declared value exists (in both module systems), and every list the core hands out at run time
// (`lists()`: error codes, checks, inputs, token kinds, algorithms, signing algorithms, claim
// failure reasons, identity levels, userinfo claims) equals its generated union. The check is
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

// Each list of `lists()` and the union it is typed with (a new list fails here until it has one).
const UNIONS = {
  errorCodes: 'ErrorCode',
  checks: 'CheckId',
  inputs: 'CheckInput',
  tokenKinds: 'TokenKind',
  algorithms: 'Algorithm',
  signingAlgorithms: 'SigningAlgorithm',
  reasons: 'ClaimFailureReason',
  identityLevels: 'LevelOfConfidence',
  userinfoClaims: 'UserinfoClaim',
};
// A list's entries by name: a string, or an object's `id` or `name`.
const namesOf = (entries) => entries.map((e) => (typeof e === 'string' ? e : (e.id ?? e.name)));

test('lists() hands out every list, each typed with its union', () => {
  assert.deepEqual(Object.keys(esm.lists()).sort(), Object.keys(UNIONS).sort());
  for (const [list, entries] of Object.entries(esm.lists())) {
    const names = namesOf(entries);
    assert.ok(names.length > 0 && names.every((n) => typeof n === 'string' && n !== ''), list);
    assert.equal(new Set(names).size, names.length, `${list} has no repeated names`);
  }
  // The older single-list exports are the same lists.
  assert.deepEqual(esm.errorCodes(), esm.lists().errorCodes);
  assert.deepEqual(esm.checkList(), esm.lists().checks);
  assert.deepEqual(esm.tokenKinds(), esm.lists().tokenKinds);
  // A userinfo claim's URI is One Login's vocabulary and its short name.
  for (const { name, uri } of esm.lists().userinfoClaims) assert.equal(uri, `https://vocab.account.gov.uk/v1/${name}`);
});

test('index.d.ts declares exactly the runtime exports and every list of lists()', () => {
  const esmNames = Object.keys(esm).sort();
  const cjsNames = Object.keys(cjs).filter((n) => n !== '__esModule').sort();
  // The CommonJS entry has every ESM export (`default` included).
  assert.deepEqual(cjsNames, esmNames);

  mkdirSync(dir, { recursive: true });
  const source = [
    "import * as pkg from 'govuk-one-login-tokens';",
    `import type { ${Object.values(UNIONS).join(', ')} } from 'govuk-one-login-tokens';`,
    `type RuntimeExports = ${union(esmNames)};`,
    equal('exportsMatch', 'keyof typeof pkg', 'RuntimeExports'),
    // The entries' names as lists() is typed, list by list.
    'type Lists = ReturnType<typeof pkg.lists>;',
    'type NameOf<T> = T extends { id: infer I } ? I : T extends { name: infer N } ? N : T;',
    ...Object.entries(UNIONS).flatMap(([list, name]) => [
      equal(`${list}Match`, name, union(namesOf(esm.lists()[list]))),
      equal(`${list}Typed`, `NameOf<Lists["${list}"][number]>`, name),
    ]),
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
