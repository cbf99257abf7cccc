// pkg/http.js `request` against a real HTTP server on 127.0.0.1 (port 0): the deadline covers
// headers and body, the byte cap holds at its exact boundary (declared and streamed), trickling
// and never-delivered bodies end, redirects are refused, the User-Agent is always sent, and
// errors carry no query string or body. The module is imported from the packed package, which
// also proves it is in the published file list. The last test repeats the core cases on Node 18.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';

const HTTP_JS = new URL('../node_modules/govuk-one-login-tokens/http.js', import.meta.url);
const { request, HttpFailure, DEFAULT_USER_AGENT, DEFAULT_MAX_BYTES } = await import(HTTP_JS);

let server;
let base;
/** Per path, how many body bytes the server managed to write before the client went away. */
const written = new Map();

// Every route the tests use; `?n=` sizes a body, `chunked` drops Content-Length.
const routes = {
  '/ok': (req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'),
  '/headers': (req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(req.headers)),
  '/echo': (req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => res.writeHead(201).end(JSON.stringify({ method: req.method, body, type: req.headers['content-type'] })));
  },
  '/status': (req, res, q) => res.writeHead(Number(q.get('code'))).end('{"error":"invalid_grant"}'),
  '/redirect': (req, res) => res.writeHead(302, { location: `${base}/ok` }).end(),
  '/slow-headers': (req, res) => {
    const timer = setTimeout(() => res.writeHead(200).end('late'), 2000);
    res.on('close', () => clearTimeout(timer));
  },
  '/bytes': (req, res, q) => {
    const n = Number(q.get('n'));
    const head = q.has('chunked') ? {} : { 'content-length': String(n) };
    res.writeHead(200, head);
    // Two writes so a chunked body really arrives in pieces.
    res.write('a'.repeat(Math.floor(n / 2)));
    res.end('b'.repeat(n - Math.floor(n / 2)));
  },
  '/utf8': (req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('é'.repeat(50));
  },
  // An endless body, one byte every 10 ms, no Content-Length.
  '/trickle': (req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    let count = 0;
    const timer = setInterval(() => {
      res.write('x');
      written.set('/trickle', ++count);
    }, 10);
    res.on('close', () => clearInterval(timer));
  },
  // A body streamed as fast as the socket takes it, forever, until the client hangs up.
  '/flood': (req, res) => {
    res.writeHead(200);
    const chunk = Buffer.alloc(64 * 1024, 0x7b);
    let count = 0;
    const pump = () => {
      while (!res.destroyed && res.write(chunk)) count += chunk.length;
      written.set('/flood', count);
    };
    res.on('drain', pump);
    pump();
  },
  // Headers promise 10^9 bytes; the body never comes.
  '/huge-length': (req, res) => {
    res.writeHead(200, { 'content-length': '1000000000' });
    res.write('{');
  },
};

before(async () => {
  server = createServer((req, res) => {
    const u = new URL(req.url, 'http://x');
    (routes[u.pathname] ?? ((_, r) => r.writeHead(404).end()))(req, res, u.searchParams);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${server.address().port}`;
});

after(() => {
  server.closeAllConnections();
  server.close();
});

/** The HttpFailure a request rejects with (fails the test if it resolves or throws anything else). */
async function failure(promise) {
  const error = await promise.then(
    (r) => assert.fail(`expected a failure, got HTTP ${r.status}`),
    (e) => e,
  );
  assert.ok(error instanceof HttpFailure, `expected HttpFailure, got ${error?.stack ?? error}`);
  return error;
}

test('GET: status, Headers and the full text; User-Agent and accept always sent', async () => {
  const r = await request(`${base}/ok`);
  assert.equal(r.status, 200);
  assert.ok(r.headers instanceof Headers);
  assert.equal(r.headers.get('content-type'), 'application/json');
  assert.equal(r.text, '{"ok":true}');

  const sent = JSON.parse((await request(`${base}/headers`)).text);
  assert.equal(sent['user-agent'], DEFAULT_USER_AGENT);
  assert.match(DEFAULT_USER_AGENT, /^govuk-one-login-tokens\/\d+\.\d+\.\d+/);
  assert.equal(sent.accept, 'application/json');

  const custom = JSON.parse((await request(`${base}/headers`, { userAgent: 'my-service/2.0', headers: { authorization: 'Bearer t' } })).text);
  assert.equal(custom['user-agent'], 'my-service/2.0');
  assert.equal(custom.authorization, 'Bearer t');
  // A caller's own user-agent header cannot remove it, and an empty option falls back to the default.
  const blank = JSON.parse((await request(`${base}/headers`, { userAgent: '', headers: { 'user-agent': '' } })).text);
  assert.equal(blank['user-agent'], DEFAULT_USER_AGENT);
});

test('POST with a form body; non-3xx error statuses are returned, not thrown', async () => {
  const r = await request(`${base}/echo`, {
    method: 'post',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code: 'abc' }),
  });
  assert.equal(r.status, 201);
  assert.deepEqual(JSON.parse(r.text), {
    method: 'POST',
    body: 'grant_type=authorization_code&code=abc',
    type: 'application/x-www-form-urlencoded',
  });
  for (const code of [400, 401, 500]) {
    const e = await request(`${base}/status?code=${code}`);
    assert.equal(e.status, code);
    assert.equal(e.text, '{"error":"invalid_grant"}');
  }
});

test('a 3xx is kind "redirect" and is never followed', async () => {
  const e = await failure(request(`${base}/redirect?code=secret-code`));
  assert.equal(e.kind, 'redirect');
  assert.equal(e.url, `${base}/redirect`);
  assert.doesNotMatch(e.message, /secret-code/);
});

/** The failure's kind and how long it took to come, in ms. */
/** The failure of `start()` and how long it took, timed from before the request (and its deadline) starts. */
async function timedFailure(start) {
  const t0 = Date.now();
  const { kind } = await failure(start());
  return { kind, took: Date.now() - t0 };
}

test('slow headers: kind "timeout" at the deadline', async () => {
  const { kind, took } = await timedFailure(() => request(`${base}/slow-headers`, { timeoutMs: 150 }));
  assert.equal(kind, 'timeout');
  assert.ok(took >= 140 && took < 1000, `took ${took} ms`);
});

test('a trickling endless body ends at the deadline (the one deadline covers the body)', async () => {
  const { kind, took } = await timedFailure(() => request(`${base}/trickle`, { timeoutMs: 300, maxBytes: 1_000_000 }));
  assert.equal(kind, 'timeout');
  assert.ok(took >= 290 && took < 1500, `took ${took} ms`);
});

test('a trickling endless body ends at the cap when the cap comes first', async () => {
  const { kind, took } = await timedFailure(() => request(`${base}/trickle`, { timeoutMs: 5000, maxBytes: 5 }));
  assert.equal(kind, 'too_large');
  assert.ok(took < 2000, `did not wait for the deadline (took ${took} ms)`);
});

test('a huge Content-Length is refused before reading; one that never delivers ends at the deadline', async () => {
  const refused = await failure(request(`${base}/huge-length`, { maxBytes: 1024 }));
  assert.equal(refused.kind, 'too_large');
  assert.match(refused.message, /Content-Length 1000000000/);

  // With a cap above the declared length, only the deadline can end it.
  const { kind, took } = await timedFailure(() => request(`${base}/huge-length`, { maxBytes: 2_000_000_000, timeoutMs: 200 }));
  assert.equal(kind, 'timeout');
  assert.ok(took >= 190 && took < 1500, `took ${took} ms`);
});

test('the cap at its exact boundary, declared and streamed (chunked)', async () => {
  for (const chunked of [false, true]) {
    const q = chunked ? '&chunked' : '';
    const at = await request(`${base}/bytes?n=100${q}`, { maxBytes: 100 });
    assert.equal(at.text.length, 100, `chunked=${chunked}`);
    const over = await failure(request(`${base}/bytes?n=101${q}`, { maxBytes: 100 }));
    assert.equal(over.kind, 'too_large', `chunked=${chunked}`);
    // A declared length over the cap fails before the body is read; a streamed one while reading.
    assert.match(over.message, chunked ? /body exceeds the 100-byte limit/ : /Content-Length 101 exceeds/);
  }
  const empty = await request(`${base}/bytes?n=0`, { maxBytes: 0 });
  assert.equal(empty.text, '');
  // The cap counts bytes, not characters: 50 × 'é' is 100 bytes of UTF-8.
  assert.equal((await request(`${base}/utf8`, { maxBytes: 100 })).text, 'é'.repeat(50));
  assert.equal((await failure(request(`${base}/utf8`, { maxBytes: 99 }))).kind, 'too_large');
});

test('an endless fast body is abandoned at the cap: the client hangs up, the server stops', async () => {
  const e = await failure(request(`${base}/flood`, { maxBytes: 256 * 1024, timeoutMs: 5000 }));
  assert.equal(e.kind, 'too_large');
  await new Promise((resolve) => setTimeout(resolve, 100));
  const sent = written.get('/flood');
  await new Promise((resolve) => setTimeout(resolve, 100));
  // The connection was closed: nothing more was written after the hang-up.
  assert.equal(written.get('/flood'), sent);
  assert.ok(sent < 64 * 1024 * 1024, `server wrote ${sent} bytes`);
});

test('the default cap applies when maxBytes is not given', async () => {
  assert.equal(DEFAULT_MAX_BYTES, 1024 * 1024);
  const e = await failure(request(`${base}/bytes?n=${DEFAULT_MAX_BYTES + 1}&chunked`));
  assert.equal(e.kind, 'too_large');
  assert.equal((await request(`${base}/bytes?n=${DEFAULT_MAX_BYTES}&chunked`)).text.length, DEFAULT_MAX_BYTES);
});

test('network failures, caller aborts and a fetch that ignores its signal', async () => {
  // A port nothing listens on: bind one, note it, close it.
  const probe = createServer();
  await new Promise((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const deadPort = probe.address().port;
  await new Promise((resolve) => probe.close(resolve));
  const refused = await failure(request(`http://127.0.0.1:${deadPort}/token?code=abc`));
  assert.equal(refused.kind, 'network');
  assert.equal(refused.url, `http://127.0.0.1:${deadPort}/token`);
  assert.doesNotMatch(refused.message, /code=abc/);

  const controller = new AbortController();
  const pending = request(`${base}/slow-headers`, { signal: controller.signal });
  setTimeout(() => controller.abort(), 50);
  assert.equal((await failure(pending)).kind, 'aborted');
  assert.equal((await failure(request(`${base}/ok`, { signal: AbortSignal.abort() }))).kind, 'aborted');

  // A fetch that never settles and ignores the signal still cannot outlive the deadline.
  const stuck = await timedFailure(() => request(`${base}/ok`, { fetch: () => new Promise(() => {}), timeoutMs: 100 }));
  assert.equal(stuck.kind, 'timeout');
  assert.ok(stuck.took < 1000, `took ${stuck.took} ms`);
});

test('a keep-alive connection found closed on reuse: a GET is sent again once, a POST is not', async () => {
  // The server answers the first request on each connection and then, as a server whose idle
  // keep-alive timer fired at that very moment would, drops the connection when a second request
  // arrives on it. The client's pool reuses the connection for the next request.
  const connections = new Set();
  const requests = [];
  const dropper = createServer((req, res) => {
    requests.push(`${req.method} ${req.socket.remotePort}`);
    if (req.socket.answered) {
      req.socket.destroy();
      return;
    }
    req.socket.answered = true;
    req.on('data', () => {});
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json', connection: 'keep-alive' }).end('{"ok":true}'));
  });
  dropper.on('connection', (socket) => connections.add(socket));
  await new Promise((resolve) => dropper.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${dropper.address().port}/jwks`;
  try {
    assert.equal((await request(url)).status, 200);
    await new Promise((resolve) => setTimeout(resolve, 20)); // the connection goes back to the pool
    // The same pooled connection is reused: the server drops it, the GET goes again on a new one.
    const again = await request(url);
    assert.equal(again.status, 200);
    assert.equal(requests.length, 3, requests.join(', '));
    assert.equal(connections.size, 2);
    // A POST on a connection dropped the same way fails: a code exchange is not repeated.
    await new Promise((resolve) => setTimeout(resolve, 20));
    const post = await failure(request(url, { method: 'POST', body: 'code=abc' }));
    assert.equal(post.kind, 'network');
    assert.equal(requests.filter((r) => r.startsWith('POST')).length, 1, requests.join(', '));
  } finally {
    for (const socket of connections) socket.destroy();
    await new Promise((resolve) => dropper.close(resolve));
  }
});

test('the init handed to fetch: manual redirects, an AbortSignal, the headers', async () => {
  let seen;
  const r = await request('https://oidc.example/userinfo', {
    fetch: async (url, init) => {
      seen = { url, init };
      return new Response('{}', { status: 200 });
    },
    headers: { authorization: 'Bearer x' },
  });
  assert.equal(r.text, '{}');
  assert.equal(seen.url, 'https://oidc.example/userinfo');
  assert.equal(seen.init.redirect, 'manual');
  assert.equal(seen.init.method, 'GET');
  assert.ok(seen.init.signal instanceof AbortSignal);
  assert.equal(seen.init.headers.get('authorization'), 'Bearer x');
  assert.equal(seen.init.headers.get('user-agent'), DEFAULT_USER_AGENT);
  // Argument errors are TypeErrors that do not echo the URL.
  await assert.rejects(request('not a url?code=s3cret'), (e) => e instanceof TypeError && !e.message.includes('s3cret'));
  await assert.rejects(request(`${base}/ok`, { maxBytes: -1 }), TypeError);
});

test('Node 18: the same module keeps the deadline, the cap and the redirect rule', async (t) => {
  const node18 = process.env.NODE18;
  if (!node18 || !existsSync(node18)) return t.skip('Node 18 is not installed (run make setup)');
  const script = `
    const { request } = await import(process.argv[1]);
    const base = process.argv[2];
    const kind = (p) => p.then(() => 'resolved', (e) => e.kind);
    const out = {
      ok: (await request(base + '/ok')).text,
      trickle: await kind(request(base + '/trickle', { timeoutMs: 200, maxBytes: 1e6 })),
      cap: await kind(request(base + '/flood', { maxBytes: 100000 })),
      huge: await kind(request(base + '/huge-length', { maxBytes: 2e9, timeoutMs: 200 })),
      redirect: await kind(request(base + '/redirect')),
    };
    console.log(JSON.stringify(out));`;
  const stdout = await new Promise((resolve, reject) =>
    execFile(node18, ['--input-type=module', '-e', script, HTTP_JS.href, base], { timeout: 10_000 }, (error, out) =>
      error ? reject(error) : resolve(out),
    ),
  );
  assert.deepEqual(JSON.parse(stdout), { ok: '{"ok":true}', trickle: 'timeout', cap: 'too_large', huge: 'timeout', redirect: 'redirect' });
});
