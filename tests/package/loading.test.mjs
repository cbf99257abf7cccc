// How the browser entry (index.js, the "default" condition) loads the module, run in Node child
// processes so that each starts with nothing loaded: before ready() every function throws
// TokenError ERR_NOT_INITIALIZED (never a TypeError from the glue); ready() / init() / initSync()
// accept bytes and a WebAssembly.Module from another realm (as sandboxed edge runtimes hand it
// over); ready() is idempotent, concurrent calls share one load, and a failed load is a TokenError
// that a later ready() can recover from.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const pkg = fileURLToPath(new URL('../node_modules/govuk-one-login-tokens/', import.meta.url));

/** Run `body` (an async function body with `api`, `bytes`, `vm` in scope) in a fresh process. */
function fresh(body) {
  const program = `
    import { readFileSync } from 'node:fs';
    import vm from 'node:vm';
    const api = await import(${JSON.stringify(`${pkg}index.js`)});
    const bytes = readFileSync(${JSON.stringify(`${pkg}wasm/govuk_one_login_tokens_bg.wasm`)});
    const caught = (fn) => { try { fn(); return 'no error'; } catch (e) { return \`\${e instanceof api.TokenError ? 'TokenError' : e.name} \${e.code}\`; } };
    const out = await (async () => { ${body} })();
    console.log(JSON.stringify(out));`;
  return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', program], { encoding: 'utf8', cwd: fileURLToPath(new URL('..', import.meta.url)) }));
}

test('before ready(): every kind of call is a TokenError ERR_NOT_INITIALIZED', () => {
  const out = fresh(`return {
    pkce: caught(() => api.createPkce()),
    keySet: caught(() => new api.KeySet('{"keys":[]}')),
    verify: caught(() => api.verifyIdToken('a.b.c', { jwks: '{"keys":[]}', clientId: 'c', nonce: 'n', environment: 'integration' })),
    decode: caught(() => api.decodeJwt('a.b.c')),
    env: caught(() => api.getEnvironment('integration')),
    client: caught(() => api.OneLoginClient.create({ environment: 'integration', clientId: 'c' })),
  };`);
  for (const [name, result] of Object.entries(out)) assert.equal(result, 'TokenError ERR_NOT_INITIALIZED', name);
});

test('ready() takes a WebAssembly.Module compiled in another realm; concurrent and repeated calls are one load', () => {
  const out = fresh(`
    const foreign = vm.runInNewContext('new WebAssembly.Module(bytes)', { bytes });
    const sameRealm = foreign instanceof WebAssembly.Module;
    await Promise.all([api.ready(foreign), api.ready(foreign), api.default()]);
    await api.ready();
    return { sameRealm, pkce: api.createPkce().codeVerifier.length };`);
  assert.deepEqual(out, { sameRealm: false, pkce: 43 });
});

test('initSync() takes a foreign-realm Module too', () => {
  const out = fresh(`
    api.initSync(vm.runInNewContext('new WebAssembly.Module(bytes)', { bytes }));
    return api.createPkce().codeVerifier.length;`);
  assert.equal(out, 43);
});

test('a failed load is a TokenError ERR_NOT_INITIALIZED with the cause; a later ready() recovers', () => {
  const out = fresh(`
    let failed;
    try { await api.ready(new Uint8Array([0, 1, 2, 3])); } catch (e) { failed = [e instanceof api.TokenError, e.code, e.cause instanceof Error]; }
    const still = caught(() => api.createPkce());
    await api.ready(bytes);
    return { failed, still, after: api.createPkce().codeVerifier.length };`);
  assert.deepEqual(out, { failed: [true, 'ERR_NOT_INITIALIZED', true], still: 'TokenError ERR_NOT_INITIALIZED', after: 43 });
});

test('the .wasm is public as govuk-one-login-tokens/wasm, and ready() loads it from those bytes', () => {
  const out = fresh(`
    const { fileURLToPath } = await import('node:url');
    const resolved = import.meta.resolve('govuk-one-login-tokens/wasm');
    await api.ready(readFileSync(fileURLToPath(resolved)));
    return [resolved.endsWith('/govuk-one-login-tokens/wasm/govuk_one_login_tokens_bg.wasm'), api.createPkce().codeVerifier.length];`);
  assert.deepEqual(out, [true, 43]);
});
