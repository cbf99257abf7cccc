// An ES module consumer: import by package name, use it at top level (no await), print JSON.
import * as pkg from 'govuk-one-login-tokens';

const { A3, RFC7515_NOW } = JSON.parse(process.argv[2]);
let code;
try {
  pkg.verifyJwt(A3.token, { jwks: { keys: [A3.jwk] } }); // expired today
} catch (e) {
  code = e instanceof pkg.TokenError ? e.code : `not a TokenError: ${e}`;
}
const keys = new pkg.KeySet({ keys: [A3.jwk] });
const payload = pkg.verifyJwt(A3.token, { jwks: keys, now: RFC7515_NOW });
keys.free();
process.stdout.write(
  JSON.stringify({
    exports: Object.keys(pkg).sort(),
    payload,
    pkce: pkg.createPkce().codeChallengeMethod,
    random: pkg.randomState().length > 20 && pkg.randomNonce().length > 20,
    code,
  }),
);
