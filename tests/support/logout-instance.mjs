// One instance of a service behind a load balancer, for the two-process back-channel logout test
// (tests/js/flow-redis.test.mjs): its own Node process, its own OneLoginClient and its own Redis
// connection, sharing one RedisStore (one Redis) with the other instances.
// Usage: node logout-instance.mjs node-redis|ioredis REDIS_PORT CLIENT_ID ENVIRONMENT_JSON
// Each stdin line is JSON { id, body } (handleBackChannelLogout) or { id, session }
// (isSignedOut); each stdout line answers { id, result } or
// { id, error: { code, message } }. EOF on stdin closes the connection and exits.
import { createInterface } from 'node:readline';
import { createClient } from 'redis';
import { Redis } from 'ioredis';
import { OneLoginClient, RedisStore } from 'govuk-one-login-tokens';

const [kind, port, clientId, environment] = process.argv.slice(2);
const redis =
  kind === 'node-redis'
    ? createClient({ socket: { host: '127.0.0.1', port: Number(port) } })
    : new Redis(Number(port), '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 1 });
await redis.connect();

const oneLogin = OneLoginClient.create({
  environment: JSON.parse(environment),
  clientId,
  userAgent: `logout-instance/${kind}`,
  store: new RedisStore(redis),
});
const send = (message) => process.stdout.write(`${JSON.stringify(message)}\n`);
send({ ready: kind, pid: process.pid });

const pending = [];
for await (const line of createInterface({ input: process.stdin })) {
  const { id, body, session } = JSON.parse(line);
  pending.push(
    (session === undefined ? oneLogin.handleBackChannelLogout(body) : oneLogin.isSignedOut(session)).then(
      (result) => send({ id, result }),
      (error) => send({ id, error: { code: error.code, message: error.message } }),
    ),
  );
}
await Promise.all(pending);
oneLogin.dispose();
await redis.quit();
