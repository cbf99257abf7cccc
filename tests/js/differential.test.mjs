// Differential testing against jose: generated and mutated tokens go through our verifyJwt (on
// both signature paths: Node's native arithmetic and the portable wasm arithmetic browsers run)
// and through jose.jwtVerify with the same options. Every disagreement must be explained by one
// of the deliberate strictnesses listed in SECURITY.md, checked against the token itself (not
// just against how it was made); anything else fails the test.
//
// DIFF_SEED=<n> reproduces a run; DIFF_ITERATIONS=<n> sets the number of cases (default keeps
// `make test` to a few seconds).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { sign as cryptoSign } from 'node:crypto';
import { createRequire } from 'node:module';
import * as jose from 'jose';
import { verifyJwt, KeySet, TokenError } from 'govuk-one-login-tokens';
import { makeKey, signRaw, prng, NOW, ISSUER, AUDIENCE } from './fixtures.mjs';

const SEED = Number(process.env.DIFF_SEED ?? 0x5eed1);
const ITERATIONS = Number(process.env.DIFF_ITERATIONS ?? 2500);
const TOLERANCE = 30;

// A second instance of the glue (the query string makes a separate module, hence a separate
// wasm instance) without setHostCrypto(true): the portable arithmetic.
const require = createRequire(import.meta.url);
const glueUrl = new URL(`file://${require.resolve('govuk-one-login-tokens/package.json').replace(/package\.json$/, '')}wasm/govuk_one_login_tokens.js`);
const portable = await import(`${glueUrl.href}?portable`);
portable.initSync({ module: readFileSync(new URL('govuk_one_login_tokens_bg.wasm', glueUrl)) });


const b64u = (bytes) => Buffer.from(bytes).toString('base64url');
const utf8 = new TextDecoder('utf-8', { fatal: true });
const signInput = (key, input) =>
  key.alg === 'ES256'
    ? cryptoSign('sha256', Buffer.from(input), { key: key.privateKey, dsaEncoding: 'ieee-p1363' })
    : cryptoSign('sha256', Buffer.from(input), key.privateKey);

let es;
let rs;
let jwks;
let ours;
let portableKeys;
let joseKeys;
before(async () => {
  es = await makeKey('ES256', { kid: 'es' });
  rs = await makeKey('RS256', { kid: 'rs' });
  jwks = { keys: [es.jwk, rs.jwk] };
  ours = new KeySet(jwks);
  portableKeys = new portable.KeySet(jwks);
  joseKeys = jose.createLocalJWKSet(jwks);
});
after(() => {
  ours?.free();
  portableKeys?.free();
});

// ---------------------------------------------------------------------------------------------
// Generation. Each case is { token, family } plus `raw` header/payload text when it was signed
// from text, so the classifier can inspect exactly what was signed.
// ---------------------------------------------------------------------------------------------

function baseClaims(r) {
  const c = { iss: ISSUER, sub: 'urn:fdc:gov.uk:2022:' + r.int(1e6), aud: r.chance(0.5) ? AUDIENCE : [AUDIENCE, 'other'] };
  c.iat = NOW - r.int(600);
  if (r.chance(0.7)) c.nbf = NOW - r.int(600);
  c.exp = NOW + 1 + r.int(3600);
  if (r.chance(0.3)) c.jti = 'j' + r.int(1e9);
  return c;
}

function baseHeader(r, key) {
  const h = { alg: key.alg, kid: key.kid };
  if (r.chance(0.5)) h.typ = 'JWT';
  return h;
}

const HEADER_EDITS = [
  ['alg none', (h) => ({ ...h, alg: 'none' })],
  ['alg None', (h) => ({ ...h, alg: 'None' })],
  ['alg HS256', (h) => ({ ...h, alg: 'HS256' })],
  ['alg lower', (h) => ({ ...h, alg: h.alg.toLowerCase() })],
  ['alg ES384', (h) => ({ ...h, alg: 'ES384' })],
  ['alg PS256', (h) => ({ ...h, alg: 'PS256' })],
  ['alg other family', (h) => ({ ...h, alg: h.alg === 'ES256' ? 'RS256' : 'ES256' })],
  ['alg missing', ({ alg, ...h }) => h],
  ['alg number', (h) => ({ ...h, alg: 256 })],
  ['alg array', (h) => ({ ...h, alg: [h.alg] })],
  ['kid missing', ({ kid, ...h }) => h],
  ['kid other key', (h) => ({ ...h, kid: h.kid === 'es' ? 'rs' : 'es' })],
  ['kid unknown', (h) => ({ ...h, kid: 'nope' })],
  ['kid number', (h) => ({ ...h, kid: 1 })],
  ['kid empty', (h) => ({ ...h, kid: '' })],
  ['typ odd', (h) => ({ ...h, typ: 'at+jwt' })],
  ['typ number', (h) => ({ ...h, typ: 7 })],
  ['crit unknown', (h) => ({ ...h, crit: ['urn:x'], 'urn:x': 1 })],
  ['crit absent member', (h) => ({ ...h, crit: ['urn:x'] })],
  ['crit empty', (h) => ({ ...h, crit: [] })],
  ['crit string', (h) => ({ ...h, crit: 'urn:x', 'urn:x': 1 })],
  ['crit b64', (h) => ({ ...h, crit: ['b64'], b64: true })],
  ['crit b64 false', (h) => ({ ...h, crit: ['b64'], b64: false })],
  ['crit registered', (h) => ({ ...h, crit: ['alg'] })],
  ['b64 false', (h) => ({ ...h, b64: false })],
  ['b64 true', (h) => ({ ...h, b64: true })],
  ['b64 string', (h) => ({ ...h, b64: 'false' })],
  ['jwk embedded', (h) => ({ ...h, jwk: es.jwk })],
  ['jku/x5u', (h) => ({ ...h, jku: 'https://evil.example/jwks', x5u: 'https://evil.example/x' })],
  ['extra member', (h) => ({ ...h, zzz: { deep: [1, 2, 3] } })],
  ['header array', () => [1]],
  ['header null', () => null],
];

const TIME = (name, v) => [`${name} ${typeof v === 'number' ? 'value' : typeof v}`, (c) => ({ ...c, [name]: v })];
const PAYLOAD_EDITS = [
  ['exp past', (c) => ({ ...c, exp: NOW - 3600 })],
  ['exp just past (in tolerance)', (c) => ({ ...c, exp: NOW - TOLERANCE + 1 })],
  ['exp just past (beyond tolerance)', (c) => ({ ...c, exp: NOW - TOLERANCE - 1 })],
  ['exp = now - tolerance', (c) => ({ ...c, exp: NOW - TOLERANCE })],
  ['exp missing', ({ exp, ...c }) => c],
  ['exp fractional', (c) => ({ ...c, exp: NOW + 0.5 })],
  ['exp fractional past', (c) => ({ ...c, exp: NOW - TOLERANCE - 0.5 })],
  TIME('exp', String(NOW + 100)),
  TIME('exp', null),
  TIME('exp', true),
  TIME('exp', [NOW + 100]),
  ['exp negative', (c) => ({ ...c, exp: -1 })],
  ['exp huge', (c) => ({ ...c, exp: 1e300 })],
  ['nbf future', (c) => ({ ...c, nbf: NOW + 3600 })],
  ['nbf in tolerance', (c) => ({ ...c, nbf: NOW + TOLERANCE - 1 })],
  ['nbf beyond tolerance', (c) => ({ ...c, nbf: NOW + TOLERANCE + 1 })],
  ['nbf = now + tolerance', (c) => ({ ...c, nbf: NOW + TOLERANCE })],
  TIME('nbf', String(NOW)),
  TIME('nbf', null),
  ['iat future (beyond tolerance)', (c) => ({ ...c, iat: NOW + 3600 })],
  ['iat in tolerance', (c) => ({ ...c, iat: NOW + TOLERANCE - 1 })],
  ['iat missing', ({ iat, ...c }) => c],
  TIME('iat', String(NOW)),
  TIME('iat', null),
  ['aud other', (c) => ({ ...c, aud: 'other' })],
  ['aud number', (c) => ({ ...c, aud: 42 })],
  ['aud empty array', (c) => ({ ...c, aud: [] })],
  ['aud array other', (c) => ({ ...c, aud: ['x', 'y'] })],
  ['aud array with number', (c) => ({ ...c, aud: [AUDIENCE, 1] })],
  ['aud object', (c) => ({ ...c, aud: { [AUDIENCE]: true } })],
  ['aud null', (c) => ({ ...c, aud: null })],
  ['aud missing', ({ aud, ...c }) => c],
  ['aud case', (c) => ({ ...c, aud: AUDIENCE.toUpperCase() })],
  ['iss trailing slash removed', (c) => ({ ...c, iss: ISSUER.replace(/\/$/, '') })],
  ['iss extra slash', (c) => ({ ...c, iss: ISSUER + '/' })],
  ['iss case', (c) => ({ ...c, iss: ISSUER.toUpperCase() })],
  ['iss http', (c) => ({ ...c, iss: ISSUER.replace('https', 'http') })],
  ['iss space', (c) => ({ ...c, iss: ' ' + ISSUER })],
  ['iss missing', ({ iss, ...c }) => c],
  ['iss number', (c) => ({ ...c, iss: 1 })],
  ['iss array', (c) => ({ ...c, iss: [ISSUER] })],
  ['sub number', (c) => ({ ...c, sub: 5 })],
  ['jti number', (c) => ({ ...c, jti: 5 })],
  ['huge claim (under cap)', (c) => ({ ...c, blob: 'x'.repeat(40_000) })],
  ['huge claim (over cap)', (c) => ({ ...c, blob: 'x'.repeat(70_000) })],
  ['deep claim (20)', (c) => ({ ...c, deep: JSON.parse('['.repeat(20) + ']'.repeat(20)) })],
  ['deep claim (40)', (c) => ({ ...c, deep: JSON.parse('['.repeat(40) + ']'.repeat(40)) })],
  ['unicode claim', (c) => ({ ...c, name: 'Zoë 😀 \u2028' })],
];

// Text-level edits of one JSON document (header or payload), then re-signed.
const TEXT_EDITS = [
  ['duplicate member', (t, obj) => t.replace(/^\{/, `{${JSON.stringify(Object.keys(obj)[0])}:${JSON.stringify(Object.values(obj)[0])},`)],
  ['duplicate member escaped', (t, obj) => {
    const k = Object.keys(obj)[0];
    return t.replace(/^\{/, `{"\\u${k.charCodeAt(0).toString(16).padStart(4, '0')}${k.slice(1)}":${JSON.stringify(obj[k])},`);
  }],
  ['whitespace around', (t) => ` \n${t}\t `],
  ['whitespace inside', (t) => t.replace(/,/g, ' , ').replace(/:/g, ' : ')],
  ['trailing data', (t) => `${t}x`],
  ['trailing second document', (t) => `${t}{}`],
  ['BOM', (t) => `\ufeff${t}`],
  ['lone surrogate', (t) => t.replace(/^\{/, '{"zz":"\\ud800",')],
  ['escaped surrogate pair', (t) => t.replace(/^\{/, '{"zz":"\\ud83d\\ude00",')],
  ['number 1e400', (t) => t.replace(/^\{/, '{"zz":1e400,')],
  ['number -0', (t) => t.replace(/^\{/, '{"zz":-0,')],
  ['number exponent', (t, obj) => ('exp' in obj ? t.replace(/"exp":(\d+)/, (_, n) => `"exp":${n}e0`) : t)],
  ['deep nesting 10000', (t) => t.replace(/^\{/, `{"zz":${'['.repeat(10000)}${']'.repeat(10000)},`)],
  ['not an object', () => '"text"'],
  ['empty', () => ''],
  ['single quotes', (t) => t.replace(/"/g, "'")],
  ['trailing comma', (t) => t.replace(/\}$/, ',}')],
  ['comment', (t) => `/*c*/${t}`],
  ['NaN literal', (t) => t.replace(/^\{/, '{"zz":NaN,')],
  ['control char in string', (t) => t.replace(/^\{/, '{"zz":"a\u0001b",')],
];

// Byte-level edits of the bytes inside a segment (invalid UTF-8 etc.), then re-signed.
const BYTE_EDITS = [
  ['invalid UTF-8 byte', (b) => Buffer.concat([Buffer.from(b.subarray(0, -1)), Buffer.from(',"zz":"\xff"}', 'latin1')])],
  ['overlong UTF-8', (b) => Buffer.concat([Buffer.from(b.subarray(0, -1)), Buffer.from([0x2c, 0x22, 0x7a, 0x22, 0x3a, 0x22, 0xc0, 0xaf, 0x22, 0x7d])])],
  ['CESU-8 surrogate', (b) => Buffer.concat([Buffer.from(b.subarray(0, -1)), Buffer.from([0x2c, 0x22, 0x7a, 0x22, 0x3a, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x7d])])],
];

// Compact-serialization edits applied to the finished token (not re-signed).
const b64Alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const TOKEN_EDITS = [
  ['pad segment', (t, r) => { const p = t.split('.'); const i = r.int(3); p[i] += '='.repeat(1 + r.int(2)); return p.join('.'); }],
  ['non-canonical last char', (t, r) => {
    const p = t.split('.');
    const i = r.int(3);
    const s = p[i];
    const rem = s.length % 4;
    if (rem === 0) return t;
    const last = b64Alphabet.indexOf(s.at(-1));
    const spare = rem === 2 ? 0x0f : 0x03;
    p[i] = s.slice(0, -1) + b64Alphabet[last | (1 + r.int(spare))];
    return p.join('.');
  }],
  ['standard alphabet', (t) => t.replace(/-/g, '+').replace(/_/g, '/')],
  ['whitespace in segment', (t, r) => { const i = 1 + r.int(t.length - 2); return t.slice(0, i) + r.pick([' ', '\n', '\t', '\r']) + t.slice(i); }],
  ['extra segment', (t, r) => t + '.' + r.pick(['', 'e30', t.split('.')[2]])],
  ['five segments', (t) => t + '.a.b'],
  ['missing signature segment', (t) => t.split('.').slice(0, 2).join('.')],
  ['empty signature', (t) => t.split('.').slice(0, 2).join('.') + '.'],
  ['one segment', (t) => t.split('.')[0]],
  ['truncate', (t, r) => t.slice(0, r.int(t.length))],
  ['append chars', (t, r) => t + b64Alphabet[r.int(64)].repeat(1 + r.int(4))],
  ['signature of other token', (t, r, alt) => t.split('.').slice(0, 2).join('.') + '.' + alt.split('.')[2]],
  ['swap payload', (t, r, alt) => { const p = t.split('.'); p[1] = alt.split('.')[1]; return p.join('.'); }],
  ['huge token (over cap)', (t) => t + 'A'.repeat(70_000)],
  ['unicode in token', (t, r) => { const i = r.int(t.length); return t.slice(0, i) + r.pick(['é', '😀', '\ud800', '\u0000']) + t.slice(i); }],
  ['leading/trailing space', (t) => ` ${t} `],
];

function flip(r, token) {
  const parts = token.split('.');
  const seg = r.int(3);
  const bytes = Buffer.from(parts[seg], 'base64url');
  if (bytes.length === 0) return { token, label: 'flip (empty)' };
  const i = r.int(bytes.length);
  bytes[i] ^= 1 << r.int(8);
  parts[seg] = b64u(bytes);
  return { token: parts.join('.'), label: `byte flip ${['header', 'payload', 'signature'][seg]}` };
}

// The signature bytes of a valid-form ES256 token with r or s edited (psychic signatures, >= n).
const N_P256 = Buffer.from('ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551', 'hex');
const SIG_EDITS = [
  ['r = 0', (sig) => Buffer.concat([Buffer.alloc(32), sig.subarray(32)])],
  ['s = 0', (sig) => Buffer.concat([sig.subarray(0, 32), Buffer.alloc(32)])],
  ['r = s = 0', () => Buffer.alloc(64)],
  ['s = n', (sig) => Buffer.concat([sig.subarray(0, 32), N_P256])],
  ['r = n', (sig) => Buffer.concat([N_P256, sig.subarray(32)])],
  ['all ones', (sig) => Buffer.alloc(sig.length, 0xff)],
  ['leading zero', (sig) => Buffer.concat([Buffer.alloc(1), sig])],
  ['dropped byte', (sig) => sig.subarray(1)],
  ['DER-ish', (sig) => Buffer.concat([Buffer.from([0x30, sig.length + 4, 0x02, 32]), sig.subarray(0, 32), Buffer.from([0x02, 32]), sig.subarray(32)])],
  ['empty', () => Buffer.alloc(0)],
];

function makeCase(r) {
  const key = r.chance(0.5) ? es : rs;
  const header = baseHeader(r, key);
  const payload = baseClaims(r);
  const family = r.pick(['valid', 'valid', 'flip', 'flip', 'header', 'payload', 'payload', 'text', 'bytes', 'token', 'token', 'signature', 'combo']);
  const sign = (h, p) => signRaw(key, h, p);
  switch (family) {
    case 'valid':
      return { family, label: `valid ${key.alg}`, token: sign(header, payload) };
    case 'flip':
      return { family, ...flip(r, sign(header, payload)) };
    case 'header': {
      const [label, edit] = r.pick(HEADER_EDITS);
      const h = edit(header);
      return { family, label: `header: ${label}`, token: sign(h, payload), header: JSON.stringify(h) };
    }
    case 'payload': {
      const [label, edit] = r.pick(PAYLOAD_EDITS);
      return { family, label: `payload: ${label}`, token: sign(header, edit(payload)) };
    }
    case 'text': {
      const [label, edit] = r.pick(TEXT_EDITS);
      const inHeader = r.chance(0.4);
      const obj = inHeader ? header : payload;
      const text = edit(JSON.stringify(obj), obj);
      const token = inHeader ? sign(text, payload) : sign(header, text);
      return { family, label: `${inHeader ? 'header' : 'payload'} text: ${label}`, token };
    }
    case 'bytes': {
      const [label, edit] = r.pick(BYTE_EDITS);
      const inHeader = r.chance(0.5);
      const bytes = edit(Buffer.from(JSON.stringify(inHeader ? header : payload)));
      const h = inHeader ? bytes : Buffer.from(JSON.stringify(header));
      const p = inHeader ? Buffer.from(JSON.stringify(payload)) : bytes;
      const input = `${b64u(h)}.${b64u(p)}`;
      const token = `${input}.${b64u(signInput(key, input))}`;
      return { family, label: `${inHeader ? 'header' : 'payload'} bytes: ${label}`, token };
    }
    case 'token': {
      const [label, edit] = r.pick(TOKEN_EDITS);
      const alt = sign(baseHeader(r, key), baseClaims(r));
      return { family, label: `token: ${label}`, token: edit(sign(header, payload), r, alt) };
    }
    case 'signature': {
      const [label, edit] = r.pick(SIG_EDITS);
      const token = sign(header, payload);
      const p = token.split('.');
      p[2] = b64u(edit(Buffer.from(p[2], 'base64url')));
      return { family, label: `signature ${key.alg}: ${label}`, token: p.join('.') };
    }
    default: {
      // Two edits at once: a header edit and a payload edit, then maybe a flip.
      const [hl, he] = r.pick(HEADER_EDITS);
      const [pl, pe] = r.pick(PAYLOAD_EDITS);
      let token = sign(he(header), pe(payload));
      let label = `combo: ${hl} + ${pl}`;
      if (r.chance(0.3)) {
        const f = flip(r, token);
        token = f.token;
        label += ` + ${f.label}`;
      }
      return { family: 'combo', label, token };
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Evidence: what a token actually contains, read from its bytes. A reason applies only if the
// evidence is there, so a mislabelled or accidental case cannot hide a real disagreement.
// ---------------------------------------------------------------------------------------------

function segments(token) {
  const parts = token.split('.');
  return parts.length === 3 ? parts : null;
}

const canonicalB64u = (s) => /^[A-Za-z0-9_-]*$/.test(s) && s.length % 4 !== 1 && b64u(Buffer.from(s, 'base64url')) === s;

function decodedText(seg) {
  try {
    return { text: utf8.decode(Buffer.from(seg, 'base64url')) };
  } catch {
    return { invalidUtf8: true };
  }
}

/** Member names repeated within one object, found with a tiny JSON scanner (JSON.parse hides them). */
function hasDuplicateMembers(text) {
  let i = 0;
  const stack = [];
  const ws = () => { while (i < text.length && ' \t\n\r'.includes(text[i])) i++; };
  const str = () => { const j = i; i++; while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1; i++; return JSON.parse(text.slice(j, i)); };
  try {
    while (i < text.length) {
      ws();
      const ch = text[i];
      if (ch === '{') { stack.push({ obj: true, keys: new Set(), expectKey: true }); i++; }
      else if (ch === '[') { stack.push({ obj: false }); i++; }
      else if (ch === '}' || ch === ']') { stack.pop(); i++; }
      else if (ch === ',') { const top = stack.at(-1); if (top?.obj) top.expectKey = true; i++; }
      else if (ch === ':') { i++; }
      else if (ch === '"') {
        const top = stack.at(-1);
        const s = str();
        if (top?.obj && top.expectKey) {
          if (top.keys.has(s)) return true;
          top.keys.add(s);
          top.expectKey = false;
        }
      } else i++;
    }
  } catch {
    return false;
  }
  return false;
}

function maxDepth(text) {
  let d = 0;
  let m = 0;
  let inStr = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inStr) { if (c === '\\') i++; else if (c === '"') inStr = false; }
    else if (c === '"') inStr = true;
    else if (c === '{' || c === '[') m = Math.max(m, ++d);
    else if (c === '}' || c === ']') d--;
  }
  return m;
}

const LONE_SURROGATE = /\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F])|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2}/;

function evidence(token) {
  const e = { size: token.length };
  const parts = segments(token);
  if (!parts) return e;
  e.nonCanonicalB64 = parts.some((p) => !canonicalB64u(p));
  const texts = [];
  e.payloadSegmentNotB64 = !canonicalB64u(parts[1]);
  for (const seg of parts.slice(0, 2)) {
    if (Buffer.from(seg, 'base64url').subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]))) e.bom = true;
    const d = decodedText(seg);
    if (d.invalidUtf8) e.invalidUtf8 = true;
    else texts.push(d.text);
  }
  const [header, payload] = parts.slice(0, 2).map((seg) => decodedText(seg).text);
  e.header = header;
  e.payload = payload;
  for (const t of texts) {
    if (hasDuplicateMembers(t)) e.duplicates = true;
    if (LONE_SURROGATE.test(t)) e.loneSurrogate = true;
    if (maxDepth(t) > 32) e.deep = true;
    if (/[:\[,]\s*-?\d+(\.\d+)?[eE]\+?[4-9]\d\d/.test(t)) e.hugeNumber = true;
  }
  try { e.h = JSON.parse(header); } catch { /* not JSON */ }
  try { e.p = JSON.parse(payload); } catch { /* not JSON */ }
  return e;
}

// ---------------------------------------------------------------------------------------------
// Classification. Each reason is a deliberate strictness from SECURITY.md, with a predicate on
// the evidence and the codes we must have given (ours) when it applies.
// ---------------------------------------------------------------------------------------------

const isObj = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const REASONS = [
  {
    name: 'size cap (64 KiB, before decoding)',
    applies: (e, o) => e.size > 64 * 1024 && o.code === 'ERR_JWS_INVALID',
  },
  {
    name: 'strict base64url (padding, spare bits, alphabet, whitespace)',
    applies: (e, o) => e.nonCanonicalB64 && o.code === 'ERR_JWS_INVALID',
  },
  {
    name: 'invalid UTF-8 refused (jose decodes it to U+FFFD)',
    applies: (e, o) => e.invalidUtf8 && ['ERR_JWS_INVALID', 'ERR_JWT_INVALID'].includes(o.code),
  },
  {
    name: 'duplicate member names',
    applies: (e, o) => e.duplicates && ['ERR_JWS_INVALID', 'ERR_JWT_INVALID'].includes(o.code),
  },
  {
    name: 'lone surrogates',
    applies: (e, o) => e.loneSurrogate && ['ERR_JWS_INVALID', 'ERR_JWT_INVALID'].includes(o.code),
  },
  {
    name: 'depth cap (32)',
    applies: (e, o) => e.deep && ['ERR_JWS_INVALID', 'ERR_JWT_INVALID'].includes(o.code),
  },
  {
    name: 'numbers beyond the double range (1e400)',
    applies: (e, o) => e.hugeNumber && ['ERR_JWS_INVALID', 'ERR_JWT_INVALID'].includes(o.code),
  },
  {
    name: 'b64 other than true refused even without crit',
    applies: (e, o) => isObj(e.h) && 'b64' in e.h && e.h.b64 !== true && o.code === 'ERR_JWT_INVALID',
  },
  {
    name: 'byte-order mark before the JSON (jose\'s TextDecoder drops it)',
    applies: (e, o) => e.bom && ['ERR_JWS_INVALID', 'ERR_JWT_INVALID'].includes(o.code),
  },
  {
    name: 'kid/typ header members must be strings',
    applies: (e, o) => isObj(e.h) && ['kid', 'typ'].some((k) => k in e.h && typeof e.h[k] !== 'string') && o.code === 'ERR_JWS_INVALID',
  },
  {
    name: 'aud array must hold only strings',
    applies: (e, o) =>
      isObj(e.p) && Array.isArray(e.p.aud) && e.p.aud.some((a) => typeof a !== 'string') &&
      o.code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' && o.claim === 'aud' && o.reason === 'invalid',
  },
  {
    name: 'future iat refused',
    applies: (e, o) =>
      isObj(e.p) && typeof e.p.iat === 'number' && e.p.iat > NOW + TOLERANCE && o.code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' && o.claim === 'iat',
  },
];

// Both refuse, for different faults of a token that has several: our code is accepted only if
// the token really has the fault it names (so the order differs, not the judgement).
const ORDER = [
  {
    name: 'both reject; order: signature checked before the payload segment is decoded',
    applies: (e, o) => e.payloadSegmentNotB64 && o.code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
  },
  {
    // jose checks crit first, so it reports the unknown extension instead.
    name: 'both reject; order: alg (missing or not allowed) before crit and key lookup',
    applies: (e, o) =>
      isObj(e.h) &&
      (typeof e.h.alg === 'string'
        ? !['ES256', 'RS256'].includes(e.h.alg) && o.code === 'ERR_JOSE_ALG_NOT_ALLOWED'
        : o.code === 'ERR_JWS_INVALID'),
  },
];

/** How a verifier answered: { ok } or { code, claim, reason }. */
function outcome(fn) {
  try {
    fn();
    return { ok: true };
  } catch (e) {
    return { ok: false, code: e?.code, claim: e?.claim, reason: e?.reason, error: e };
  }
}

async function joseOutcome(token) {
  try {
    await jose.jwtVerify(token, joseKeys, {
      issuer: ISSUER,
      audience: AUDIENCE,
      currentDate: new Date(NOW * 1000),
      clockTolerance: TOLERANCE,
      algorithms: ['ES256', 'RS256'],
    });
    return { ok: true };
  } catch (e) {
    return { ok: false, code: e?.code ?? `${e?.name}: ${e?.message}`, claim: e?.claim, reason: e?.reason };
  }
}

// jose names the claim of a failed check in `claim`; its `reason` words differ from ours, so
// only codes and claims are compared.
const sameRejection = (o, j) => o.code === j.code && (o.code !== 'ERR_JWT_CLAIM_VALIDATION_FAILED' || o.claim === j.claim);

function classify(c, o, j) {
  if (o.ok && j.ok) return { agree: true, kind: 'both accept' };
  if (!o.ok && !j.ok && sameRejection(o, j)) return { agree: true, kind: 'both reject, same code' };
  if (o.ok && !j.ok) return { agree: false, kind: 'UNEXPLAINED: we accept, jose rejects' };
  const e = evidence(c.token);
  const reason = REASONS.find((r) => r.applies(e, o)) ?? (j.ok ? undefined : ORDER.find((r) => r.applies(e, o)));
  return reason ? { agree: false, kind: reason.name } : { agree: false, kind: 'UNEXPLAINED' };
}

const inc = (m, k) => m.set(k, (m.get(k) ?? 0) + 1);

function report(title, counts) {
  const rows = [...counts].sort((a, b) => b[1] - a[1]);
  console.log(`${title}\n${rows.map(([k, n]) => `  ${String(n).padStart(7)}  ${k}`).join('\n')}`);
}

test(`ours (native and portable arithmetic) vs jose on ${ITERATIONS} generated cases, seed ${SEED}`, { timeout: 600_000 }, async () => {
  const r = prng(SEED);
  const kinds = new Map();
  const families = new Map();
  const unexplained = [];
  let pathDisagreements = 0;
  for (let i = 0; i < ITERATIONS; i++) {
    const c = makeCase(r);
    inc(families, c.family);
    const o = outcome(() => verifyJwt(c.token, { jwks: ours, issuer: ISSUER, audience: AUDIENCE, now: NOW, clockTolerance: TOLERANCE, algorithms: ['ES256', 'RS256'] }));
    const p = outcome(() => portable.verifyJwtWithKeySet(c.token, portableKeys, { issuer: ISSUER, audience: AUDIENCE, now: NOW, clockTolerance: TOLERANCE, algorithms: ['ES256', 'RS256'] }));
    for (const x of [o, p]) {
      if (!x.ok) assert.ok(x.error instanceof TokenError || x.error?.name === 'TokenError', `case ${i} (${c.label}): ${x.error}`);
    }
    // The two arithmetic paths must agree exactly with each other.
    if (o.ok !== p.ok || o.code !== p.code || o.claim !== p.claim) {
      pathDisagreements++;
      unexplained.push({ i, label: c.label, token: c.token.slice(0, 300), ours: o, portable: p, note: 'native and portable paths differ' });
    }
    const j = await joseOutcome(c.token);
    const verdict = classify(c, o, j);
    inc(kinds, verdict.kind);
    if (verdict.kind.startsWith('UNEXPLAINED')) {
      unexplained.push({ i, label: c.label, token: c.token.length > 300 ? `${c.token.slice(0, 300)}… (${c.token.length} chars)` : c.token, ours: { code: o.code, claim: o.claim, reason: o.reason, ok: o.ok }, jose: j });
    }
  }
  report(`differential (seed ${SEED}): ${ITERATIONS} cases per path, by family`, families);
  report('verdicts (agreements first; the rest are disagreements by named reason)', kinds);
  console.log(`  native vs portable arithmetic disagreements: ${pathDisagreements}`);
  const byLabel = new Map();
  for (const u of unexplained) inc(byLabel, `${u.label} | ours ${u.ours.ok ? 'accept' : u.ours.code + (u.ours.claim ? '/' + u.ours.claim : '')} | jose ${u.jose?.ok ? 'accept' : u.jose?.code + (u.jose?.claim ? '/' + u.jose.claim : '')}`);
  if (byLabel.size) report('unexplained, by case and answers', byLabel);
  assert.deepEqual(unexplained.slice(0, 3), [], `${unexplained.length} unexplained disagreements`);
});
