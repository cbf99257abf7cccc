// Type-level test of the package's hand-written index.d.ts. Nothing here runs: the assertion is
// that `tsc --strict --noEmit` accepts every use below and rejects each `@ts-expect-error` line.
import init, {
  createPkce,
  pkceChallenge,
  pkceMatches,
  randomState,
  randomNonce,
  decodeJwt,
  KeySet,
  verifyJwt,
  verifyJwtWithKeySet,
  initSync,
  ready,
  inspectToken,
  type InspectionView as Inspection,
  type CheckView as InspectCheck,
  TokenError,
  type ErrorCode,
  type ClaimFailureReason,
  type LevelOfConfidence,
  lists,
  type Algorithm,
  type DecodedJwt,
  type JwtHeader,
  type JwtPayload,
  type Jwks,
  type JwksInput,
  type Pkce,
  type RejectedKey,
  type VerifyOptions,
  type VerifyJwtOptions,
  type DecodeJwtOptions as DecodeOptions,
  type InitInput,
  getEnvironment,
  verifyIdToken,
  verifyIdTokenWithKeySet,
  verifyCoreIdentity,
  verifyCoreIdentityWithDidDocument,
  verifyLogoutToken,
  verifyLogoutTokenWithKeySet,
  createIdTokenVerifier,
  createIdTokenVerifierAsync,
  createLogoutTokenVerifier,
  createLogoutTokenVerifierAsync,
  type IdTokenVerifier,
  type IdTokenVerifierOptions,
  signClientAssertion,
  signClientAssertionWithKey,
  signRequestObject,
  signRequestObjectWithKey,
  buildAuthorizationUrl,
  DidDocument,
  SigningKey,
  OneLoginClient,
  type EnvironmentInput as Environment,
  type EnvironmentUrls as EnvironmentInfo,
  type EnvironmentSpec as CustomEnvironment,
  type IdTokenClaims,
  type IdTokenOptions,
  type VerifyIdTokenOptions,
  type CoreIdentityResult,
  type CoreIdentityClaims,
  type Identity,
  type NameView as Name,
  type DidDocumentJson,
  type LogoutTokenClaims,
  type SigningAlgorithm,
  type AuthorizationUrlOptions,
  type OneLoginClientOptions,
  type OneLoginClientEndpoints,
  MemoryStore,
  RedisStore,
  type Store,
  type DocumentStore,
  type SignInResult,
  type SignInTransaction,
  type UserinfoResult,
  type SignInTokens,
} from 'govuk-one-login-tokens';
import {
  oneLoginExpress,
  SIGN_IN_EXPIRY_MS,
  MAX_SIGN_INS_IN_FLIGHT,
  type OneLoginExpressOptions,
  type OneLoginUser,
  type RequestHandler,
  type SignInRequirement,
} from 'govuk-one-login-tokens/express';

export async function useEverything(token: string, jwksText: string, bytes: Uint8Array): Promise<string[]> {
  const loaded: Promise<void> = init();
  await loaded;
  await init(new URL('https://example.test/x.wasm'));
  const input: InitInput = bytes;
  await init(input);
  await ready();
  await ready(new WebAssembly.Module(new Uint8Array(8)));
  initSync(bytes);

  const pkce: Pkce = createPkce();
  const method: 'S256' = pkce.codeChallengeMethod;
  const challenge: string = pkceChallenge(pkce.codeVerifier);
  const matches: boolean = pkceMatches(pkce.codeVerifier, challenge);
  const state: string = randomState();
  const nonce: string = randomNonce();

  const decodeOptions: DecodeOptions = { maxTokenSize: 4096 };
  const decoded: DecodedJwt = decodeJwt(token, decodeOptions);
  const header: JwtHeader = decoded.header;
  const alg: string = header.alg;
  const kid: string | undefined = header.kid;
  const payload: JwtPayload = decoded.payload;
  const aud: string | string[] | undefined = payload.aud;
  const exp: number | undefined = payload.exp;
  const custom: unknown = payload['vot'];

  const jwks: Jwks = JSON.parse(jwksText) as Jwks;
  const keys = new KeySet(jwks);
  const alsoKeys = new KeySet(jwksText);
  const size: number = keys.size;
  const kids: Array<string | undefined> = keys.kids;
  const rejected: RejectedKey[] = keys.rejected;
  const firstCode: ErrorCode | undefined = rejected[0]?.code;
  const algorithms: Algorithm[] = ['ES256', 'RS256'];
  const options: VerifyOptions = {
    algorithms,
    issuer: 'https://oidc.account.gov.uk/',
    audience: 'client',
    now: 1_700_000_000,
    clockTolerance: 30,
    maxTokenSize: 65536,
    requireKid: true,
  };
  const p1: JwtPayload = verifyJwtWithKeySet(token, keys, options);
  const p2: JwtPayload = verifyJwtWithKeySet(token, keys);
  const inputs: JwksInput[] = [keys, jwks, jwksText];
  const p3 = inputs.map((j) => verifyJwt(token, { jwks: j, ...options }));
  const withJwks: VerifyJwtOptions = { jwks: alsoKeys };
  const p4: JwtPayload = verifyJwt(token, withJwks);
  keys.free();
  alsoKeys.free();

  try {
    verifyJwt(token, { jwks });
  } catch (err) {
    if (err instanceof TokenError) {
      const code: ErrorCode = err.code;
      const name: 'TokenError' = err.name;
      // TokenError is a union discriminated on `code`: the switch narrows claim/reason/option.
      switch (err.code) {
        case 'ERR_JWT_EXPIRED':
        case 'ERR_JWT_CLAIM_VALIDATION_FAILED': {
          const claim: string = err.claim;
          const reason: ClaimFailureReason = err.reason;
          return [code, claim, reason, name];
        }
        case 'ERR_INVALID_ARGUMENT': {
          const option: string = err.option;
          return [code, option, name];
        }
        case 'ERR_OAUTH_TOKEN_ERROR': {
          const status: number | undefined = err.status;
          return [code, String(status), err.error ?? '', name];
        }
        default:
          // @ts-expect-error only claim errors carry `claim`
          void err.claim;
          break;
      }
    }
  }
  const made = new TokenError('ERR_INVALID_ARGUMENT', 'x', { claim: 'iss', reason: 'missing' });

  return [method, String(matches), state, nonce, alg, String(kid), String(aud), String(exp), String(custom),
    String(size), String(kids), String(firstCode), String(p1.iss), String(p2.sub), String(p3.length), String(p4.jti), made.code];
}

export async function useOneLogin(token: string, jwksText: string, did: DidDocumentJson, pem: string): Promise<string[]> {
  const environments: Environment[] = ['integration', 'production', { baseUrl: 'http://localhost:3000' }, { issuer: 'http://localhost:3000/', didId: 'did:web:x' }];
  const custom: CustomEnvironment = { baseUrl: 'http://127.0.0.1:3001', jwksUrl: 'http://127.0.0.1:3001/jwks' };
  const info: EnvironmentInfo = getEnvironment(custom);
  const urls: string[] = [info.issuer, info.identityIssuer, info.jwksUrl, info.didUrl, info.didId, info.tokenUrl, info.authorizeUrl, info.discoveryUrl];

  const options: VerifyIdTokenOptions = { jwks: jwksText, environment: 'integration', clientId: 'c', nonce: 'n', vtr: ['Cl.Cm.P2'], maxAge: 60, accessToken: 'at', now: 1, clockTolerance: 5 };
  const claims: IdTokenClaims = verifyIdToken(token, options);
  const vot: string = claims.vot;
  const authTime: number | undefined = claims.auth_time;
  const keys = new KeySet(jwksText);
  const withIssuer: IdTokenOptions = { issuer: 'https://oidc.account.gov.uk/', clientId: 'c', nonce: null, vtr: 'Cl' };
  const again: IdTokenClaims = verifyIdTokenWithKeySet(token, keys, withIssuer);

  const didDocument = new DidDocument(did);
  const didId: string = didDocument.id;
  const ids: string[] = didDocument.assertionMethodIds;
  const result: CoreIdentityResult = verifyCoreIdentity(token, { didDocument: did, environment: 'production', clientId: 'c', sub: claims.sub });
  const result2 = verifyCoreIdentityWithDidDocument(token, didDocument, { environment: custom, clientId: 'c', sub: 's', vtr: '["Cl.Cm.P2"]' });
  const credential: CoreIdentityClaims = result2.claims;
  const identity: Identity = result.identity;
  const current: Name | null = identity.currentName;
  const given: string[] = current?.givenNames ?? [];
  const birth: string | null = identity.birthDate;
  const history: Name[] = identity.historicNames;

  const logout: LogoutTokenClaims = verifyLogoutToken(token, { jwks: keys, environment: 'integration', clientId: 'c' });
  const logout2: LogoutTokenClaims = verifyLogoutTokenWithKeySet(token, keys, { issuer: 'i', clientId: 'c', now: 5 });
  const jti: string = logout.jti;

  // Prepared verifiers: the options once, the token and the per-call values on each call.
  const verifierOptions: IdTokenVerifierOptions = { jwks: keys, environment: 'integration', clientId: 'c', vtr: 'Cl.Cm' };
  const verifyId: IdTokenVerifier = createIdTokenVerifier(verifierOptions);
  const preparedClaims: IdTokenClaims = verifyId(token, { nonce: 'n' });
  const preparedClaims2: IdTokenClaims = verifyId(token, { nonce: null, accessToken: 'at' });
  const preparedAsync: Promise<IdTokenClaims> = createIdTokenVerifierAsync(verifierOptions)(token, { nonce: 'n' });
  // @ts-expect-error the nonce is per call, not an option of the verifier
  createIdTokenVerifier({ ...verifierOptions, nonce: 'n' });
  // @ts-expect-error the per-call nonce is required (null when none was sent)
  verifyId(token, {});
  const preparedLogout: LogoutTokenClaims = createLogoutTokenVerifier({ jwks: keys, environment: 'integration', clientId: 'c' })(token);
  const preparedLogoutAsync: Promise<LogoutTokenClaims> = createLogoutTokenVerifierAsync({ jwks: keys, issuer: 'i', clientId: 'c' })(token);

  const algs: SigningAlgorithm[] = ['RS256', 'PS256'];
  const signingKey = new SigningKey(pem);
  const bits: number = signingKey.bits;
  const skid: string | undefined = signingKey.kid;
  const assertion: string = signClientAssertion({ privateKey: pem, clientId: 'c', environment: 'integration', alg: 'PS256' });
  const assertion2: string = signClientAssertionWithKey(signingKey, { clientId: 'c', audience: 'https://x/token', lifetime: 60, jti: 'j', kid: 'k', now: 1 });
  const auth: AuthorizationUrlOptions = {
    environment: 'integration', clientId: 'c', redirectUri: 'https://rp/cb', state: 's', nonce: 'n', codeChallenge: 'cc',
    scope: ['openid', 'email'], vtr: 'Cl.Cm', claims: { userinfo: {} }, uiLocales: 'cy', prompt: 'login', maxAge: 0,
  };
  const url: string = buildAuthorizationUrl(auth);
  const url2: string = buildAuthorizationUrl({ authorizeUrl: 'https://x/authorize', clientId: 'c', redirectUri: 'r', state: 's', nonce: 'n', codeChallenge: 'c' });
  const jar: string = signRequestObject({ ...auth, privateKey: signingKey, lifetime: 300 });
  const jar2: string = signRequestObjectWithKey(signingKey, { ...auth, audience: 'a', kid: 'k' });
  signingKey.free();
  didDocument.free();
  keys.free();

  const clientOptions: OneLoginClientOptions = { environment: 'integration', clientId: 'c', userAgent: 'rp/1', timeoutMs: 1000, cooldownMs: 0, fetch, clock: Date.now };
  const oneLogin = OneLoginClient.create(clientOptions);
  const explicit = OneLoginClient.create({ environment: { issuer: 'http://127.0.0.1:1/', jwksUrl: 'http://127.0.0.1:1/jwks', didUrl: 'http://127.0.0.1:1/did' }, clientId: 'c' });
  const endpoints: OneLoginClientEndpoints = explicit.endpoints;
  await oneLogin.hydrate();
  const c1: IdTokenClaims = await oneLogin.verifyIdToken(token, { nonce: 'n', vtr: 'Cl.Cm', accessToken: 'at' });
  const c2: CoreIdentityResult = await oneLogin.verifyCoreIdentity(token, { sub: c1.sub });
  const c3: LogoutTokenClaims = await oneLogin.verifyLogoutToken(token);
  const s1: IdTokenClaims = oneLogin.verifyIdTokenSync(token, { nonce: null });
  const s2: CoreIdentityResult = oneLogin.verifyCoreIdentitySync(token, { sub: 's', now: 1 });
  const s3: LogoutTokenClaims = oneLogin.verifyLogoutTokenSync(token, { clockTolerance: 0 });
  const login: string = oneLogin.authorizationUrl({ redirectUri: 'r', state: 's', nonce: 'n', codeChallenge: 'c' });
  const ca: string = OneLoginClient.create({ environment: 'integration', clientId: 'c', privateKey: pem }).clientAssertion({ alg: 'RS256' });
  const cid: string = oneLogin.clientId;
  oneLogin.dispose();

  const timeout: ErrorCode = 'ERR_JWKS_TIMEOUT';
  const failed: ErrorCode = 'ERR_JWKS_FETCH_FAILED';
  return [...urls, vot, String(authTime), again.sub, didId, ...ids, credential.vot, ...given, String(birth), String(history.length),
    logout2.jti, jti, preparedClaims.sub, preparedClaims2.vot, String(preparedAsync), preparedLogout.jti, String(preparedLogoutAsync), String(algs), String(bits), String(skid), assertion, assertion2, url, url2, jar, jar2, endpoints.jwksUrl,
    String(c2.identity.levelOfConfidence), c3.sub, s1.sub, s2.claims.sub, s3.jti, login, ca, cid, timeout, failed, String(environments.length)];
}

export function shouldNotCompileOneLogin(token: string, keys: KeySet): void {
  // @ts-expect-error `nonce` is required: pass null explicitly when none was sent
  verifyIdToken(token, { jwks: keys, environment: 'integration', clientId: 'c' });
  // @ts-expect-error an environment or an issuer is required
  verifyIdToken(token, { jwks: keys, clientId: 'c', nonce: 'n' });
  // @ts-expect-error not an environment name
  verifyIdTokenWithKeySet(token, keys, { environment: 'staging', clientId: 'c', nonce: 'n' });
  // @ts-expect-error `sub` is required for core identity
  verifyCoreIdentity(token, { didDocument: '{}', environment: 'integration', clientId: 'c' });
  // @ts-expect-error One Login accepts only RS256 / PS256 client assertions
  signClientAssertion({ privateKey: 'pem', clientId: 'c', audience: 'a', alg: 'ES256' });
  // @ts-expect-error an audience or an environment is required
  signClientAssertion({ privateKey: 'pem', clientId: 'c' });
  // @ts-expect-error the constructor is private: use OneLoginClient.create
  new OneLoginClient();
  // @ts-expect-error `clientId` is required
  OneLoginClient.create({ environment: 'integration' });
  // @ts-expect-error `environment` is required (a custom one holds its endpoints)
  OneLoginClient.create({ issuer: 'https://x/', clientId: 'c' });
  const client = OneLoginClient.create({ environment: 'production', clientId: 'c' });
  // @ts-expect-error the client's nonce is still required per call
  void client.verifyIdToken(token, {});
  // @ts-expect-error the client sets the client ID
  void client.verifyLogoutToken(token, { clientId: 'other' });
}

export function shouldNotCompile(token: string, keys: KeySet): void {
  // @ts-expect-error `jwks` is required
  verifyJwt(token, {});
  // @ts-expect-error the options object is required
  verifyJwt(token);
  // @ts-expect-error only ES256 and RS256 exist
  verifyJwtWithKeySet(token, keys, { algorithms: ['HS256'] });
  // @ts-expect-error `now` is Unix seconds as a number, not a Date
  verifyJwtWithKeySet(token, keys, { now: new Date() });
  // @ts-expect-error not an error code
  const code: ErrorCode = 'ERR_SOMETHING_ELSE';
  // @ts-expect-error `size` is read-only
  keys.size = 3;
  // @ts-expect-error the method is always S256
  const method: Pkce['codeChallengeMethod'] = 'plain';
  // @ts-expect-error a reason outside the list
  const reason: ClaimFailureReason = 'mismatch';
  void code;
  void method;
  void reason;
}

// The inspector's API: every input optional, results typed per check.
export function inspectorUse(token: string): string[] {
  const env = getEnvironment({ baseUrl: 'http://localhost:3000' });
  const inspection: Inspection = inspectToken(token, {
    environment: 'integration',
    jwks: { keys: [] },
    clientId: 'c',
    nonce: null,
    now: 1,
  });
  const failed: InspectCheck[] = inspection.checks.filter((c) => c.status === 'fail');
  // @ts-expect-error statuses are pass, fail or skipped
  const status: InspectCheck['status'] = 'passed';
  void status;
  return [env.jwksUrl, inspection.verdict, ...failed.map((c) => c.code ?? '')];
}

// The sign-in flow (issue 9).
export async function usesTheFlow(pem: string, redisClient: unknown): Promise<string[]> {
  const oneLogin = OneLoginClient.create({ environment: 'integration', clientId: 'c', redirectUri: 'https://rp/cb', privateKey: pem, clientAssertionAlg: 'PS512', store: new RedisStore(redisClient), sessionLifetime: 8 * 3600 });
  const { url, transaction } = oneLogin.startSignIn({ vtr: ['Cl.Cm.P2'], scope: ['openid', 'email'], claims: ['coreIdentityJWT', 'address'], responseMode: 'query' });
  const kept: SignInTransaction = JSON.parse(JSON.stringify(transaction));
  const signIn: SignInResult = await oneLogin.completeSignIn('/cb?code=c&state=s', kept);
  const current = signIn.addresses?.find((a) => a.current)?.postalCode;
  const level: string | null | undefined = signIn.identity?.levelOfConfidence;
  const tokens: SignInTokens = await oneLogin.exchangeCode('c', kept);
  const info: UserinfoResult = await oneLogin.fetchUserinfo(tokens.accessToken, { sub: tokens.sub });
  const logout: string = oneLogin.logoutUrl({ idTokenHint: signIn.idToken, postLogoutRedirectUri: 'https://rp/out', state: 's' });
  const { sub, sid, jti, signedOutAt } = await oneLogin.handleBackChannelLogout('logout_token=x');
  const ended: boolean = await oneLogin.isSignedOut({ sub: signIn.sub, signedInAt: signIn.signedInAt });
  const memory: Store = new MemoryStore({ maxEntries: 10 });
  const latest: number | null = await memory.signedOutAt(sub);
  // The shared document cache: a store with getDocument/putDocument, asked for by name.
  const shared: DocumentStore = new RedisStore(redisClient, { prefix: 'svc:' });
  const record: string | null = await shared.getDocument('jwks https://x/jwks.json');
  await shared.putDocument('jwks https://x/jwks.json', record ?? '', 60);
  OneLoginClient.create({ environment: 'integration', clientId: 'c', store: shared, cacheDocuments: true });
  // @ts-expect-error cacheDocuments is a boolean
  OneLoginClient.create({ environment: 'integration', clientId: 'c', cacheDocuments: 'yes' });
  try {
    await oneLogin.completeSignIn(new URL('https://rp/cb?error=access_denied'), undefined);
  } catch (error) {
    if (error instanceof TokenError && error.code === 'ERR_OAUTH_AUTHORIZATION_ERROR') return [error.error ?? '', error.errorDescription ?? ''];
    if (error instanceof TokenError && error.code === 'ERR_OAUTH_USERINFO_ERROR' && error.reason === 'sub_mismatch') return [String(error.status)];
  }
  // @ts-expect-error responseMode is query or fragment
  oneLogin.startSignIn({ responseMode: 'form_post' });
  // A claim by short name or full URI, from the one list; anything else is refused.
  oneLogin.startSignIn({ vtr: 'Cl.Cm.P2', claims: ['https://vocab.account.gov.uk/v1/passport', lists().userinfoClaims[0]!.name] });
  // @ts-expect-error not a One Login userinfo claim
  oneLogin.startSignIn({ vtr: 'Cl.Cm.P2', claims: ['nickname'] });
  const levels: LevelOfConfidence[] = lists().identityLevels;
  void levels;
  return [url, current ?? '', level ?? '', info.email ?? '', logout, sub, String(sid), jti, String(signIn.returnCodes?.length), String(signedOutAt), String(ended), String(latest)];
}

// The Express adapter (issue 18): its own entry, typed without @types/express.
export function usesTheExpressAdapter(oneLogin: OneLoginClient): [RequestHandler, RequestHandler, RequestHandler] {
  const options: OneLoginExpressOptions = {
    postLogoutRedirectUri: 'https://rp/out',
    signInOptions: { scope: ['openid', 'email'] },
    paths: { signIn: '/login' },
    inPersonReturn: { path: '/in-person-return', screen: '/identity-check-done' },
  };
  const { router, requireSignIn } = oneLoginExpress(oneLogin, options);
  const requirement: SignInRequirement = { vtr: 'Cl.Cm.P2', claims: ['coreIdentityJWT', 'address'], maxAge: 600 };
  const show: RequestHandler = (req: { oneLogin?: OneLoginUser }, res: { send(text: string): void }) =>
    res.send(`${req.oneLogin?.identity?.currentName?.fullName ?? ''} ${req.oneLogin?.signedInAt ?? 0} ${SIGN_IN_EXPIRY_MS} ${MAX_SIGN_INS_IN_FLIGHT}`);
  // @ts-expect-error a requirement's claims are a list
  requireSignIn({ claims: 'address' });
  return [router, requireSignIn(requirement), show];
}

// The test kit (govuk-one-login-tokens/testing, testing.d.ts).
import { startTestOneLogin, createTestTokens, SIMULATOR_ERRORS, type SimulatorConfiguration, type TestOneLogin } from 'govuk-one-login-tokens/testing';

export async function testKitTypes(): Promise<string> {
  const op: TestOneLogin = await startTestOneLogin({ clientId: 'client', configuration: { clientConfiguration: { idTokenSigningAlgorithm: 'RS256' } } });
  const body: SimulatorConfiguration = { errorConfiguration: { idTokenErrors: [...SIMULATOR_ERRORS.idTokenErrors] }, publishNewIdTokenSigningKeys: true };
  await op.config(body);
  // @ts-expect-error not a simulator error name
  await op.config({ errorConfiguration: { idTokenErrors: ['INVALID_ISSUER'] } });
  // @ts-expect-error the simulator's member is redirectUrls
  await op.config({ clientConfiguration: { redirectUris: [] } });
  const environment: { readonly baseUrl: string } = op.environment;
  const tokens = createTestTokens({ clientId: 'client' });
  const token: string = tokens.idToken({ vot: 'Cl' }, { alg: 'RS256', key: 'new' }) + tokens.logoutToken({ sub: 's' });
  const { status } = await op.sendBackChannelLogout('http://127.0.0.1:1/logout', { sub: 's' });
  await op.close();
  return `${environment.baseUrl} ${token} ${status} ${op.privateKey ?? ''}`;
}

// Keys held outside the package (issue 19): a CryptoKeyPair or a signer; their clients sign
// asynchronously, and a failing signer is ERR_SIGNER_FAILED with a typed reason.
import type { ExternalSigner, PublicJwk, SignerFailureReason } from 'govuk-one-login-tokens';

export async function usesExternalKeys(pair: CryptoKeyPair, kmsSign: (data: Uint8Array) => Promise<Uint8Array>): Promise<string[]> {
  const withPair = OneLoginClient.create({ environment: 'integration', clientId: 'c', redirectUri: 'https://rp/cb', privateKey: pair, clientAssertionAlg: 'PS256' });
  const started: { url: string; transaction: SignInTransaction } = await withPair.startSignIn({ requestObject: true });
  // @ts-expect-error a client whose key is held outside signs asynchronously: await startSignIn
  void withPair.startSignIn({}).url;
  const signer: ExternalSigner = { publicJwk: { kty: 'RSA', n: 'n', e: 'AQAB', kid: 'kms-1' }, sign: kmsSign };
  const withSigner = OneLoginClient.create({ environment: 'integration', clientId: 'c', privateKey: signer, requestObject: true });
  const assertion: string = await withSigner.clientAssertion({});
  // @ts-expect-error the assertion is a promise for a signer
  const notYet: string = withSigner.clientAssertion({});
  void notYet;
  const published: PublicJwk[] = (await withSigner.publicJwks()).keys;
  // A PEM client still signs synchronously.
  const withPem = OneLoginClient.create({ environment: 'integration', clientId: 'c', redirectUri: 'https://rp/cb', privateKey: 'pem' });
  const now: string = withPem.startSignIn({}).url;
  // The Express adapter takes either.
  oneLoginExpress(withSigner, { signInOptions: { scope: ['openid'] } });
  oneLoginExpress(withPem);
  let reason: SignerFailureReason | undefined;
  try {
    await withSigner.startSignIn({});
  } catch (error) {
    if (error instanceof TokenError && error.code === 'ERR_SIGNER_FAILED') reason = error.reason;
  }
  // @ts-expect-error not a signer failure reason
  const wrong: SignerFailureReason = 'throw';
  void wrong;
  return [started.url, assertion, String(published.length), now, reason ?? ''];
}
// The full entry (`govuk-one-login-tokens/full`: the full browser build in browsers) has the main
// entry's types; the browser entry's stand-ins for what it leaves out throw this code.
import * as full from 'govuk-one-login-tokens/full';
const fullInspect: typeof inspectToken = full.inspectToken;
const fullVerify: typeof verifyJwt = full.verifyJwt;
const fullEntryOnly: ErrorCode = 'ERR_FULL_ENTRY_ONLY';
void [fullInspect, fullVerify, fullEntryOnly];
