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
  TokenError,
  type ErrorCode,
  type ClaimFailureReason,
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
  type DecodeOptions,
  type InitInput,
} from 'govuk-one-login-tokens';

export async function useEverything(token: string, jwksText: string, bytes: Uint8Array): Promise<string[]> {
  const loaded: Promise<void> = init();
  await loaded;
  await init(new URL('https://example.test/x.wasm'));
  const input: InitInput = bytes;
  await init(input);
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
      const claim: string | undefined = err.claim;
      const reason: ClaimFailureReason | undefined = err.reason;
      const name: 'TokenError' = err.name;
      switch (err.code) {
        case 'ERR_JWT_EXPIRED':
        case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
          return [code, claim ?? '', reason ?? '', name];
        default:
          break;
      }
    }
  }
  const made = new TokenError('ERR_INVALID_ARGUMENT', 'x', { claim: 'iss', reason: 'missing' });

  return [method, String(matches), state, nonce, alg, String(kid), String(aud), String(exp), String(custom),
    String(size), String(kids), String(firstCode), String(p1.iss), String(p2.sub), String(p3.length), String(p4.jti), made.code];
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
  // @ts-expect-error a reason outside the three
  const reason: ClaimFailureReason = 'mismatch';
  void code;
  void method;
  void reason;
}
