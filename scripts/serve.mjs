#!/usr/bin/env node
// A tiny dependency-free static file server for the inspector and the browser checks.
// Binds 127.0.0.1 only. As a command it serves the repo's www/ at / and pkg/ at /pkg/:
//
//   node scripts/serve.mjs            # PORT=8080 by default; PORT=0 picks a free port
//
// As a module, `startServer(mounts, port)` serves any { urlPrefix: directory } map (tests use it).
import { createServer } from 'node:http';
import { createReadStream, promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.cjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/plain; charset=utf-8',
  '.ts': 'text/plain; charset=utf-8',
};

/**
 * Start serving. `mounts` maps URL prefixes ("/", "/pkg/") to directories; the longest matching
 * prefix wins. Resolves to the listening `http.Server` (see `server.address().port`).
 */
export function startServer(mounts, port = 0, { log = false } = {}) {
  const table = Object.entries(mounts)
    .map(([prefix, dir]) => [prefix.endsWith('/') ? prefix : `${prefix}/`, path.resolve(dir)])
    .sort((a, b) => b[0].length - a[0].length);

  const server = createServer(async (req, res) => {
    const send = (status, body) => {
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(body);
      if (log) console.log(`${status} ${req.method} ${req.url}`);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'method not allowed\n');
    let pathname;
    try {
      pathname = decodeURIComponent(new URL(req.url, 'http://127.0.0.1').pathname);
    } catch {
      return send(400, 'bad request\n');
    }
    if (pathname.includes('\0')) return send(400, 'bad request\n');
    // "/pkg" -> "/pkg/" so a mount root is reachable without its trailing slash.
    const match = table.find(([prefix]) => pathname.startsWith(prefix) || `${pathname}/` === prefix);
    if (!match) return send(404, 'not found\n');
    const [prefix, root] = match;
    let file = path.resolve(root, `.${path.posix.normalize(`/${pathname.slice(prefix.length)}`)}`);
    if (file !== root && !file.startsWith(root + path.sep)) return send(403, 'forbidden\n');
    try {
      let stat = await fs.stat(file);
      if (stat.isDirectory()) {
        if (!pathname.endsWith('/')) {
          res.writeHead(301, { location: `${pathname}/` });
          return res.end();
        }
        file = path.join(file, 'index.html');
        stat = await fs.stat(file);
      }
      res.writeHead(200, {
        'content-type': MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
        'content-length': stat.size,
        'cache-control': 'no-cache',
        'x-content-type-options': 'nosniff',
      });
      if (log) console.log(`200 ${req.method} ${req.url}`);
      if (req.method === 'HEAD') return res.end();
      createReadStream(file).pipe(res);
    } catch {
      send(404, 'not found\n');
    }
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const port = Number(process.env.PORT ?? 8080);
  const server = await startServer(
    { '/': path.join(root, 'www'), '/pkg/': path.join(root, 'pkg') },
    port,
    { log: true },
  );
  const { port: actual } = server.address();
  console.log(`PORT ${actual}`);
  console.log(`Serving www/ at http://127.0.0.1:${actual}/ and pkg/ at http://127.0.0.1:${actual}/pkg/ (Ctrl-C to stop)`);
}
