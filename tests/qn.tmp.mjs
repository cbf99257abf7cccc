import * as jose from 'jose';
import { generateKeyPairSync, verify, createPublicKey } from 'node:crypto';
const api = await import('govuk-one-login-tokens');
const pkgDir = new URL('./node_modules/govuk-one-login-tokens/', import.meta.url);
const hc = await import(new URL('host-crypto.js', pkgDir).href);
const glue = await import(new URL('wasm/govuk_one_login_tokens.js', pkgDir).href);
const now = Math.floor(Date.now()/1000);
const alg = process.argv[2] ?? 'ES256';
const { privateKey, publicKey } = generateKeyPairSync(alg==='ES256'?'ec':'rsa', alg==='ES256'?{namedCurve:'P-256'}:{modulusLength:2048});
const jwk = { ...(await jose.exportJWK(publicKey)), kid: 'k'.repeat(64), alg, use: 'sig' };
const tokens = [];
for (let i=0;i<500;i++) tokens.push(await new jose.SignJWT({sub:'urn:fdc:gov.uk:2022:b'+i, nonce:'n', vot:'Cl.Cm', sid:'s', auth_time:now, vtm:'https://oidc.integration.account.gov.uk/trustmark'}).setProtectedHeader({alg,kid:jwk.kid}).setIssuer('https://oidc.integration.account.gov.uk/').setAudience('bench-client').setIssuedAt(now).setExpirationTime(now+120).sign(privateKey));
const ks = new api.KeySet({keys:[jwk]});
const opts = { jwks: ks, environment: 'integration', clientId: 'bench-client', nonce: 'n', now };
const ko = createPublicKey({key: jwk, format:'jwk'});
const parts = tokens.map(t => { const i=t.lastIndexOf('.'); return [Buffer.from(t.slice(0,i)), Buffer.from(t.slice(i+1),'base64url')]; });
const c = {
  raw: (i) => verify('sha256', parts[i][0], alg==='ES256'?{key:ko, dsaEncoding:'ieee-p1363'}:ko, parts[i][1]),
  rawFromToken: (i) => { const t=tokens[i]; const j=t.lastIndexOf('.'); return verify('sha256', Buffer.from(t.slice(0,j)), alg==='ES256'?{key:ko, dsaEncoding:'ieee-p1363'}:ko, Buffer.from(t.slice(j+1),'base64url')); },
  ours: (i) => api.verifyIdToken(tokens[i], opts),
  oursNoCrypto: (i) => hc.answering(() => true, () => glue.verifyIdTokenWithKeySet(tokens[i], ks, opts)),
};
const s = Object.fromEntries(Object.keys(c).map(k=>[k,[]]));
for (let r=0;r<7;r++) for (const [k,f] of Object.entries(c)) { const t0=performance.now(); for (let j=0;j<2;j++) for (let i=0;i<tokens.length;i++) f(i); s[k].push((performance.now()-t0)*1000/(2*tokens.length)); }
for (const [k,v] of Object.entries(s)) console.log(alg, k.padEnd(14), v.sort((a,b)=>a-b)[3].toFixed(1),'µs');
