// One Node process with its own Redis client and its own RedisStore, driven over stdio by
// tests/js/store.test.mjs so that two processes (two clients, two client libraries) share one
// Redis. Usage: node store-client.mjs node-redis|ioredis PORT [PREFIX]
// Each stdin line is JSON { id, method, args } (a RedisStore method: remember, recordSignOut,
// signedOutAt); each stdout line answers { id, result } or { id, error } (the error's name and
// message). EOF on stdin closes the client and exits.
import { createInterface } from 'node:readline';
import { createClient } from 'redis';
import { Redis } from 'ioredis';
import { RedisStore } from 'govuk-one-login-tokens';

const METHODS = new Set(['remember', 'recordSignOut', 'signedOutAt']);
const [kind, port, prefix] = process.argv.slice(2);
let client;
if (kind === 'node-redis') {
  client = createClient({ socket: { host: '127.0.0.1', port: Number(port) } });
  await client.connect();
} else if (kind === 'ioredis') {
  client = new Redis(Number(port), '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 1 });
  await client.connect();
} else {
  throw new Error(`unknown client kind ${kind}`);
}
const store = new RedisStore(client, prefix === undefined ? {} : { prefix });
const send = (message) => process.stdout.write(`${JSON.stringify(message)}\n`);
send({ ready: kind });

const pending = [];
for await (const line of createInterface({ input: process.stdin })) {
  const { id, method, args } = JSON.parse(line);
  if (!METHODS.has(method)) throw new Error(`unknown method ${method}`);
  // Requests are answered as they complete, not in order, so concurrent ones really overlap.
  pending.push(
    store[method](...args).then(
      (result) => send({ id, result }),
      (error) => send({ id, error: `${error.name}: ${error.message}` }),
    ),
  );
}
await Promise.all(pending);
await (kind === 'node-redis' ? client.close?.() ?? client.quit() : client.quit());
