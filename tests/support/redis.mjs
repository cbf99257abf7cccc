// A private redis-server for a test file: Debian's binary (scripts/setup.sh installs it) on a free
// 127.0.0.1 port, no persistence, no config file, ready when it answers PING; stop() ends it.
//
//   const redis = await startRedis();   // { port, url, pid, stop }
//   ... createClient({ url: redis.url }) / new Redis(redis.port, '127.0.0.1') ...
//   await redis.stop();
import { spawn } from 'node:child_process';
import { createServer, connect } from 'node:net';

/** A port that was free a moment ago (the kernel's choice for port 0). */
async function freePort() {
  const probe = createServer();
  await new Promise((resolve, reject) => probe.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** One PING over plain RESP; resolves true on +PONG, false on anything else or an error. */
function ping(port) {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    let reply = '';
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk;
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
    socket.on('error', () => done(false));
  });
}

async function startOnce(binary, port, readyWithinMs) {
  const child = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--loglevel', 'warning'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c) => (output += c));
  child.stderr.on('data', (c) => (output += c));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  let gone = false;
  exited.then(() => (gone = true));
  const spawnError = new Promise((resolve) => child.once('error', resolve));

  const deadline = Date.now() + readyWithinMs;
  while (Date.now() < deadline) {
    const failed = await Promise.race([spawnError, new Promise((resolve) => setTimeout(resolve, 25, undefined))]);
    if (failed) throw new Error(`cannot run ${binary} (${failed.code ?? failed.message}): run make setup, which installs redis-server`);
    if (gone) return { output };
    if (await ping(port)) {
      return {
        server: {
          port,
          url: `redis://127.0.0.1:${port}`,
          pid: child.pid,
          async stop() {
            if (!gone) child.kill('SIGTERM');
            await exited;
          },
        },
      };
    }
  }
  child.kill('SIGKILL');
  await exited;
  throw new Error(`redis-server did not answer PING within ${readyWithinMs} ms: ${output.trim()}`);
}

/**
 * Start redis-server and wait until it answers PING. Retries on another port if the one picked
 * was taken in the meantime.
 * @param {{ binary?: string, readyWithinMs?: number }} [options]
 * @returns {Promise<{ port: number, url: string, pid: number, stop: () => Promise<void> }>}
 */
export async function startRedis({ binary = 'redis-server', readyWithinMs = 5000 } = {}) {
  let lastOutput = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    const { server, output } = await startOnce(binary, await freePort(), readyWithinMs);
    if (server) return server;
    lastOutput = output;
  }
  throw new Error(`redis-server exited before answering PING: ${lastOutput.trim()}`);
}
