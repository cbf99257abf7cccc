#!/usr/bin/env node
// govuk-one-login-tokens CLI: decode and verify One Login tokens, make PKCE pairs and client
// assertions from a terminal. JSON on stdout; exit 0 success, 1 rejected token (or keys that
// could not be fetched), 2 usage error (help on stderr).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { generateServiceKeyPair } from './keys.js';
import {
  decodeJwt,
  verifyIdToken,
  verifyCoreIdentity,
  verifyLogoutToken,
  createPkce,
  pkceChallenge,
  signClientAssertion,
  getEnvironment,
  SigningKey,
  TokenError,
} from './node.mjs';
import { fetchDocument } from './fetch.js';
// After node.mjs, which has loaded the module: the flow's logout URL rule, in the core.
import { buildLogoutUrl } from './wasm/govuk_one_login_tokens.js';

const HELP = `Usage: govuk-one-login-tokens <command> [flags] [TOKEN | -]

Commands:
  decode                 decode a JWT without verifying it
  verify-id-token        verify an ID token        (--client-id, --nonce or --no-nonce)
  verify-core-identity   verify a coreIdentityJWT  (--client-id, --sub)
  verify-logout-token    verify a logout token     (--client-id)
  pkce [VERIFIER]        a new PKCE pair, or the S256 challenge of VERIFIER
  sign-client-assertion  sign a private_key_jwt    (--private-key, --client-id)
  keygen                 a new RSA 2048 key pair for private_key_jwt: writes private_key.pem
                         (PKCS#8, mode 0600) and public_key.pem (SPKI) into --dir (default
                         the current directory), never over existing files; prints the
                         public JWKS to publish (--alg, --kid)
  logout-url             One Login's logout URL    (--environment; --id-token-hint with
                         --post-logout-redirect-uri; --state, --ui-locales)

Flags:
  --environment ENV      integration | production | a simulator base URL (http://localhost:3000)
  --issuer ISS           expected iss (overrides the environment's)
  --jwks FILE|URL        JWKS (default: the environment's JWKS URL)
  --did FILE|URL         DID document (default: the environment's DID URL)
  --client-id ID         your client ID (aud)
  --nonce N | --no-nonce the nonce you sent, or state that you sent none
  --vtr VTR              the vtr you sent, e.g. '["Cl.Cm.P2"]' or Cl.Cm.P2
  --sub SUB              the ID token's sub (core identity)
  --max-age SECONDS      the max_age you sent (checks auth_time)
  --access-token AT      the access token (checks at_hash)
  --now SECONDS          verify as of this Unix time (default: now)
  --private-key FILE     PKCS#8 PEM or RSA private JWK (sign-client-assertion)
  --audience AUD         client assertion aud (default: the environment's token URL)
  --alg ALG              client assertion algorithm: RS256 (default), RS384, RS512, PS256,
                         PS384 or PS512
  --kid KID              client assertion kid header (keygen: the JWKS kid; default the
                         RFC 7638 thumbprint)
  --dir DIR              where keygen writes the key pair
  --user-agent UA        User-Agent for fetched URLs
  --id-token-hint T      the session's ID token (logout-url)
  --post-logout-redirect-uri URI  a registered post-logout redirect URI (logout-url)
  --state S              state echoed after logout (logout-url)
  --ui-locales L         en or cy (logout-url)
  --end-session-url URL  the logout endpoint (default: the environment's)
  --help                 this text

The token is the last argument, or read from stdin when it is "-" or absent.
Output: the claims (core identity: { claims, identity }) on success, exit 0;
{"error":{"code","claim","reason","message"}} on a rejected token, exit 1; usage errors exit 2.
URLs must be https (plain http only for 127.0.0.1, ::1 and localhost).
`;

const FLAGS = {
  environment: { type: 'string' },
  issuer: { type: 'string' },
  jwks: { type: 'string' },
  did: { type: 'string' },
  'client-id': { type: 'string' },
  nonce: { type: 'string' },
  'no-nonce': { type: 'boolean' },
  vtr: { type: 'string' },
  sub: { type: 'string' },
  'max-age': { type: 'string' },
  'access-token': { type: 'string' },
  now: { type: 'string' },
  'private-key': { type: 'string' },
  audience: { type: 'string' },
  alg: { type: 'string' },
  kid: { type: 'string' },
  'user-agent': { type: 'string' },
  dir: { type: 'string' },
  'id-token-hint': { type: 'string' },
  'post-logout-redirect-uri': { type: 'string' },
  state: { type: 'string' },
  'ui-locales': { type: 'string' },
  'end-session-url': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
};

class UsageError extends Error {}

function environmentOf(value) {
  if (value === undefined) return undefined;
  return value === 'integration' || value === 'production' ? value : { baseUrl: value };
}

function seconds(flags, name) {
  const value = flags[name];
  if (value === undefined) return undefined;
  if (!/^\d+(\.\d+)?$/.test(value)) throw new UsageError(`--${name} must be a number of seconds`);
  return Number(value);
}

function readFile(path, what) {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${what} file ${path}: ${error.code ?? error.message}`);
  }
}

/** A --jwks / --did value: a URL is fetched (same rules as OneLoginClient), anything else is a file. */
async function document(value, fallbackUrl, what, flags) {
  const source = value ?? fallbackUrl;
  if (source === undefined) throw new UsageError(`pass --${what === 'JWKS' ? 'jwks' : 'did'} or --environment`);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(source)) {
    const { text } = await fetchDocument(source, { what, ...(flags['user-agent'] ? { userAgent: flags['user-agent'] } : {}) });
    return text;
  }
  return readFile(source, what);
}

async function readToken(positionals) {
  if (positionals.length > 1) throw new UsageError('expected one token');
  const arg = positionals[0];
  if (arg !== undefined && arg !== '-') return arg.trim();
  if (process.stdin.isTTY) throw new UsageError('no token: pass it as the last argument or on stdin');
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  const token = Buffer.concat(chunks).toString('utf8').trim();
  if (token === '') throw new UsageError('no token on stdin');
  return token;
}

/** The environment/issuer/client options every verify command shares. */
function common(flags) {
  const options = {};
  const environment = environmentOf(flags.environment);
  if (environment !== undefined) options.environment = environment;
  if (flags.issuer !== undefined) options.issuer = flags.issuer;
  if (flags['client-id'] !== undefined) options.clientId = flags['client-id'];
  const now = seconds(flags, 'now');
  if (now !== undefined) options.now = now;
  return options;
}

function environmentUrls(flags) {
  const environment = environmentOf(flags.environment);
  return environment === undefined ? {} : getEnvironment(environment);
}

const COMMANDS = {
  async decode(flags, positionals) {
    return decodeJwt(await readToken(positionals));
  },

  async 'verify-id-token'(flags, positionals) {
    if (flags.nonce !== undefined && flags['no-nonce']) throw new UsageError('pass --nonce or --no-nonce, not both');
    if (flags.nonce === undefined && !flags['no-nonce']) {
      throw new UsageError('pass --nonce (the nonce you sent) or --no-nonce');
    }
    const token = await readToken(positionals);
    const options = { ...common(flags), nonce: flags['no-nonce'] ? null : flags.nonce };
    if (flags.vtr !== undefined) options.vtr = flags.vtr;
    const maxAge = seconds(flags, 'max-age');
    if (maxAge !== undefined) options.maxAge = maxAge;
    if (flags['access-token'] !== undefined) options.accessToken = flags['access-token'];
    options.jwks = await document(flags.jwks, environmentUrls(flags).jwksUrl, 'JWKS', flags);
    return verifyIdToken(token, options);
  },

  async 'verify-core-identity'(flags, positionals) {
    const token = await readToken(positionals);
    const options = { ...common(flags) };
    if (flags.sub !== undefined) options.sub = flags.sub;
    if (flags.vtr !== undefined) options.vtr = flags.vtr;
    options.didDocument = await document(flags.did, environmentUrls(flags).didUrl, 'DID document', flags);
    return verifyCoreIdentity(token, options);
  },

  async 'verify-logout-token'(flags, positionals) {
    const token = await readToken(positionals);
    const options = { ...common(flags) };
    options.jwks = await document(flags.jwks, environmentUrls(flags).jwksUrl, 'JWKS', flags);
    return verifyLogoutToken(token, options);
  },

  async pkce(flags, positionals) {
    if (positionals.length > 1) throw new UsageError('pkce takes at most one code verifier');
    if (positionals.length === 0) return createPkce();
    const codeVerifier = positionals[0];
    return { codeVerifier, codeChallenge: pkceChallenge(codeVerifier), codeChallengeMethod: 'S256' };
  },

  async 'sign-client-assertion'(flags, positionals) {
    if (positionals.length > 0) throw new UsageError('sign-client-assertion takes no token');
    if (flags['private-key'] === undefined) throw new UsageError('pass --private-key FILE');
    const options = { privateKey: readFile(flags['private-key'], 'private key') };
    const environment = environmentOf(flags.environment);
    if (environment !== undefined) options.environment = environment;
    if (flags['client-id'] !== undefined) options.clientId = flags['client-id'];
    if (flags.audience !== undefined) options.audience = flags.audience;
    if (flags.alg !== undefined) options.alg = flags.alg;
    if (flags.kid !== undefined) options.kid = flags.kid;
    const now = seconds(flags, 'now');
    if (now !== undefined) options.now = now;
    return { clientAssertion: signClientAssertion(options) };
  },

  async keygen(flags, positionals) {
    if (positionals.length > 0) throw new UsageError('keygen takes no argument (use --dir DIR)');
    const written = await generateServiceKeyPair({ dir: flags.dir ?? '.' }).catch((error) => {
      if (error.code === 'EEXIST' || error.code === 'ENOENT' || error.code === 'EACCES') throw new UsageError(error.message);
      throw error;
    });
    const key = new SigningKey(written.privateKeyPem);
    try {
      const jwk = key.publicJwk(flags.alg);
      if (flags.kid !== undefined) jwk.kid = flags.kid;
      process.stderr.write(
        `wrote ${written.privateKeyPath} (private: keep it secret, mode 0600) and ${written.publicKeyPath}\n` +
          'publish the JWKS below at your JWKS URL (or register public_key.pem with One Login)\n',
      );
      return { keys: [jwk] };
    } finally {
      key.free();
    }
  },

  async 'logout-url'(flags, positionals) {
    if (positionals.length > 0) throw new UsageError('logout-url takes no token');
    const endSessionUrl = flags['end-session-url'] ?? environmentUrls(flags).endSessionUrl;
    if (endSessionUrl === undefined) throw new UsageError('pass --environment (or --end-session-url)');
    const options = {};
    for (const [flag, name] of [
      ['id-token-hint', 'idTokenHint'],
      ['post-logout-redirect-uri', 'postLogoutRedirectUri'],
      ['state', 'state'],
      ['ui-locales', 'uiLocales'],
    ]) {
      if (flags[flag] !== undefined) options[name] = flags[flag];
    }
    return { url: buildLogoutUrl(endSessionUrl, options) };
  },
};

function usage(message) {
  process.stderr.write(`govuk-one-login-tokens: ${message}\n\n${HELP}`);
  return 2;
}

async function main(argv) {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: FLAGS, allowPositionals: true, strict: true });
  } catch (error) {
    return usage(error.message);
  }
  const { values: flags, positionals } = parsed;
  if (flags.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const [command, ...rest] = positionals;
  if (command === undefined) return usage('no command');
  const run = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (run === undefined) return usage(`unknown command "${command}"`);
  try {
    const result = await run(flags, rest);
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) return usage(error.message);
    if (error instanceof TokenError) {
      // A wrong or missing option is the caller's mistake, not the token's.
      if (error.code === 'ERR_INVALID_ARGUMENT') return usage(error.message);
      const { code, claim, reason, message } = error;
      process.stdout.write(`${JSON.stringify({ error: { code, claim: claim ?? null, reason: reason ?? null, message } }, null, 2)}\n`);
      return 1;
    }
    throw error;
  }
}

process.exitCode = await main(process.argv.slice(2));
