// OneLoginClient's configuration, per-call options and transactions, as the core reads them
// (issue 17 and the transaction findings of issue 22): every override beside a named
// environment and every misspelled per-call option is refused by name before any request; a
// transaction is typed, bound to its client, and cannot lower what the route requires; a
// polluted Object.prototype supplies nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { exportJWK } from 'jose';
import { OneLoginClient, TokenError } from 'govuk-one-login-tokens';
import { startTestOp } from '../support/test-op.mjs';

const CLIENT_ID = 'config-client';
const REDIRECT_URI = 'https://rp.example/callback';

let op;
let privatePem;
before(async () => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  privatePem = rsa.privateKey.export({ type: 'pkcs8', format: 'pem' });
  op = await startTestOp({ clientId: CLIENT_ID, clientPublicJwk: await exportJWK(rsa.publicKey), redirectUris: [REDIRECT_URI] });
});
after(() => op.close());

/** A client on the test OP whose requests are counted. */
function counted(extra = {}) {
  const sent = [];
  const client = OneLoginClient.create({
    environment: op.environment,
    clientId: CLIENT_ID,
    redirectUri: REDIRECT_URI,
    privateKey: privatePem,
    fetch: (url, init) => {
      sent.push(String(url));
      return fetch(url, init);
    },
    ...extra,
  });
  return { client, sent };
}

function invalid(option) {
  return (error) => {
    assert.ok(error instanceof TokenError, `${error?.name}: ${error?.message}`);
    assert.equal(error.code, 'ERR_INVALID_ARGUMENT', error.message);
    assert.equal(error.option, option, error.message);
    return true;
  };
}

test('an endpoint beside a named environment is refused by name, pointing inside environment', () => {
  for (const name of ['tokenUrl', 'jwksUrl', 'authorizeUrl', 'userinfoUrl', 'endSessionUrl', 'discoveryUrl', 'didUrl', 'didId', 'issuer', 'identityIssuer', 'baseUrl']) {
    assert.throws(
      () => OneLoginClient.create({ environment: 'integration', clientId: 'c', [name]: 'https://elsewhere.example/x' }),
      (error) => invalid(name)(error) && /inside a custom environment/.test(error.message),
      name,
    );
  }
  // The old names are gone too, and the custom environment takes the one vocabulary.
  assert.throws(() => OneLoginClient.create({ environment: 'integration', clientId: 'c', jwksUri: 'x' }), invalid('jwksUri'));
  const custom = OneLoginClient.create({ environment: { baseUrl: 'http://127.0.0.1:9', tokenUrl: 'http://127.0.0.1:9/other-token' }, clientId: 'c' });
  assert.equal(custom.endpoints.tokenUrl, 'http://127.0.0.1:9/other-token');
  assert.equal(custom.endpoints.jwksUrl, 'http://127.0.0.1:9/.well-known/jwks.json');
  assert.throws(() => OneLoginClient.create({ clientId: 'c' }), invalid('environment'));
  assert.throws(() => OneLoginClient.create({ environment: 'integration', clientId: '' }), invalid('clientId'));
  assert.throws(() => OneLoginClient.create({ environment: 'integration', clientId: 'c', clientSecret: 's', kid: 'k' }), invalid('kid'));
  assert.throws(() => OneLoginClient.create({ environment: 'integration', clientId: 'c', clockTolerance: 301 }), invalid('clockTolerance'));
  assert.throws(() => OneLoginClient.create({ environment: 'integration', clientId: 'c', timeoutMs: 0 }), invalid('timeoutMs'));
  assert.throws(() => OneLoginClient.create({ environment: 'integration', clientId: 'c', redirectUri: '/relative' }), invalid('redirectUri'));
});

test('a misspelled per-call option of every method is refused by name, with no request sent', async () => {
  const { client, sent } = counted();
  const { transaction, url } = client.startSignIn();
  const callback = await op.authorize(url);
  const cases = [
    ['startSignIn', () => client.startSignIn({ redirectUrl: REDIRECT_URI }), 'redirectUrl'],
    ['completeSignIn', () => client.completeSignIn(callback, transaction, { vtrr: 'Cl.Cm' }), 'vtrr'],
    ['exchangeCode', () => client.exchangeCode('code', transaction, { maxAg: 60 }), 'maxAg'],
    ['fetchUserinfo', () => client.fetchUserinfo('access-token', { sub: 'x', sbu: 'x' }), 'sbu'],
    ['handleBackChannelLogout', () => client.handleBackChannelLogout('logout_token=a.b.c', { replayStor: {} }), 'replayStor'],
    ['verifyIdToken', () => client.verifyIdToken('a.b.c', { nonce: 'n', acessToken: 'x' }), 'acessToken'],
    ['verifyCoreIdentity', () => client.verifyCoreIdentity('a.b.c', { sub: 's', vt: 'P2' }), 'vt'],
    ['verifyLogoutToken', () => client.verifyLogoutToken('a.b.c', { clocktolerance: 1 }), 'clocktolerance'],
    ['logoutUrl', () => client.logoutUrl({ idTokenHnt: 'x' }), 'idTokenHnt'],
    ['authorizationUrl', () => client.authorizationUrl({ redirect: 'x' }), 'redirect'],
    ['clientAssertion', () => client.clientAssertion({ lifetme: 60 }), 'lifetme'],
  ];
  for (const [method, call, option] of cases) {
    const before = sent.length;
    await assert.rejects(async () => call(), invalid(option), method);
    assert.equal(sent.length, before, `${method} sent a request`);
  }
  // did-you-mean names the member meant.
  await assert.rejects(client.fetchUserinfo('at', { sub: 'x', transation: {} }), /did you mean "transaction"/);
});

test('the transaction is typed, bound to its client, and cannot lower what the route requires', async () => {
  const { client, sent } = counted();
  const started = client.startSignIn({ vtr: 'Cl.Cm' });
  const callback = await op.authorize(started.url);
  const refusedBeforeAnyRequest = async (transaction, options, option) => {
    const before = sent.length;
    await assert.rejects(client.completeSignIn(callback, transaction, options), invalid(option));
    assert.equal(sent.length, before, `${option}: a request was sent`);
  };
  const t = started.transaction;
  await refusedBeforeAnyRequest({ ...t, extra: 1 }, undefined, 'transaction.extra');
  await refusedBeforeAnyRequest({ ...t, state: '' }, undefined, 'transaction.state');
  await refusedBeforeAnyRequest({ ...t, nonce: 'short' }, undefined, 'transaction.nonce');
  await refusedBeforeAnyRequest({ ...t, codeVerifier: `${t.codeVerifier}!` }, undefined, 'transaction.codeVerifier');
  await refusedBeforeAnyRequest({ ...t, clientId: 'another-client' }, undefined, 'transaction.clientId');
  await refusedBeforeAnyRequest({ ...t, issuer: 'https://oidc.account.gov.uk/' }, undefined, 'transaction.clientId');
  // The route wants identity or a fresh authentication; the stored transaction asks for less.
  await refusedBeforeAnyRequest(t, { vtr: 'Cl.Cm.P2' }, 'transaction.vtr');
  await refusedBeforeAnyRequest({ ...t, vtr: '["Cl"]' }, undefined, 'transaction.vtr');
  await refusedBeforeAnyRequest({ ...t, vtr: '["Cl.Cm.P2","Cl.Cm.P1"]' }, { vtr: 'Cl.Cm.P2' }, 'transaction.vtr');
  await refusedBeforeAnyRequest(t, { maxAge: 300 }, 'transaction.maxAge');
  await refusedBeforeAnyRequest({ ...t, maxAge: 3600 }, { maxAge: 300 }, 'transaction.maxAge');
  // The route's own requirement in a wrong form is the caller's option.
  await assert.rejects(client.completeSignIn(callback, t, { vtr: 'Cl.Xx' }), invalid('vtr'));
  // An untouched transaction meeting the requirement completes.
  const done = await client.completeSignIn(callback, t, { vtr: 'Cl.Cm' });
  assert.equal(typeof done.sub, 'string');
  // P2 asked and required: the minimum is met (identity itself is verified later in the flow).
  const identity = client.startSignIn({ vtr: 'Cl.Cm.P2', claims: ['coreIdentityJWT'] });
  const identityCallback = await op.authorize(identity.url);
  const signedIn = await client.completeSignIn(identityCallback, identity.transaction, { vtr: ['Cl.Cm.P2'] });
  assert.notEqual(signedIn.identity, null, 'the P2 identity was verified');
});

test('a polluted Object.prototype supplies no option, store, fetch or transaction member', async () => {
  // The client's own members (the in-process test OP shares the prototype, so names it reads
  // itself, such as `nonce` or `sub`, are left out).
  const names = ['replayStore', 'fetch', 'clock', 'privateKey', 'clientSecret', 'clientAssertionAlg', 'cooldownMs', 'timeoutMs', 'userAgent', 'transaction'];
  const used = [];
  const polluted = {
    remember: async () => {
      used.push('replayStore');
      return true;
    },
  };
  try {
    for (const name of names) {
      Object.defineProperty(Object.prototype, name, {
        configurable: true,
        get() {
          used.push(name);
          return name === 'replayStore' ? polluted : name === 'fetch' ? () => used.push('fetch') : name === 'clock' ? () => 0 : 'x';
        },
      });
    }
    const { client } = counted();
    const { url, transaction } = client.startSignIn();
    const callback = await op.authorize(url);
    const result = await client.completeSignIn(callback, transaction);
    assert.equal(typeof result.sub, 'string');
    const logout = await client.handleBackChannelLogout(`logout_token=${await op.logoutToken({ sub: result.sub })}`);
    assert.equal(logout.sub, result.sub);
  } finally {
    for (const name of names) delete Object.prototype[name];
  }
  assert.deepEqual(used, [], 'read through the prototype');
});
