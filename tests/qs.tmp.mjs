import { createServer } from 'node:http';
import { generateKeyPairSync } from 'node:crypto';
const pkg = await import(process.argv[2] ?? 'govuk-one-login-tokens');
const ol = await import('./js/onelogin-fixtures.mjs');
let current, body, fetches = 0;
function rotate(n) {
  const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  current = { alg: 'ES256', kid: `rotating-${n}`, ...pair, jwk: { ...pair.publicKey.export({ format: 'jwk' }), kid: `rotating-${n}`, alg: 'ES256', use: 'sig' } };
  current.good = ol.idToken(current);
  body = JSON.stringify({ keys: [current.jwk] });
}
rotate(0);
const server = createServer((req, res) => { fetches++; res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=86400' }); res.end(body); });
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const client = pkg.OneLoginClient.create({ issuer: ol.ISSUER, jwksUri: `http://127.0.0.1:${server.address().port}/jwks`, clientId: ol.CLIENT_ID, cooldownMs: 0 });
const o = { nonce: ol.NONCE, accessToken: ol.ACCESS_TOKEN, now: ol.NOW };
try {
  for (let r = 0; r < 5; r++) { if (r) rotate(r); for (let i = 0; i < 50; i++) await client.verifyIdToken(current.good, o); }
  console.log('ok', fetches);
} catch (e) { console.log('FAIL', fetches, e.message); }
client.dispose(); server.close();
