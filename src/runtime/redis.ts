// Redis for demos that need one (rate limits, sessions): the real server named by REDIS_URL, or
// ioredis-mock in process. Each demo run gets its own key space so runs never see each other.
import type { Redis } from 'ioredis';
import type { RedisHandle } from './context.js';
import type { Cleanup } from './teardown.js';

const connectTimeoutMs = 3_000;

/** "Redis 7.0 at 127.0.0.1:6390": which server the demo really talked to (password never shown). */
async function describeServer(client: Redis, url: string): Promise<string> {
  const info = await client.info('server').catch(() => '');
  const version = /redis_version:(\d+\.\d+)/.exec(info)?.[1];
  let where = 'REDIS_URL';
  try {
    const parsed = new URL(url);
    where = `${parsed.hostname}:${parsed.port || '6379'}`;
  } catch {
    // Not a URL ioredis could still take (a socket path): keep the neutral name.
  }
  return `Redis ${version ?? '(unknown version)'} at ${where}`;
}

/** `namespace` is unique per demo run; `defer` registers cleanup with the run's teardown. */
export async function openRedis(namespace: string, defer: (cleanup: Cleanup) => void, env: NodeJS.ProcessEnv = process.env): Promise<RedisHandle> {
  const url = env['REDIS_URL'];
  if (url) {
    const { Redis: RedisClient } = await import('ioredis');
    const keyPrefix = `backend-scenarios:${namespace}:`;
    const client = new RedisClient(url, { lazyConnect: true, connectTimeout: connectTimeoutMs, maxRetriesPerRequest: 1, keyPrefix });
    await client.connect();
    defer(async () => {
      // KEYS patterns are not prefixed by ioredis, DEL arguments are: strip the prefix back off.
      const keys = await client.keys(`${keyPrefix}*`);
      if (keys.length > 0) await client.del(...keys.map((key) => key.slice(keyPrefix.length)));
      await client.quit();
    });
    return { client, name: await describeServer(client, url) };
  }
  const { default: RedisMock } = await import('ioredis-mock');
  // ioredis-mock shares data between instances with the same host and port, like a real server:
  // a host named after the run gives this run a server of its own.
  const client = new RedisMock(6379, namespace) as unknown as Redis;
  defer(async () => {
    await client.flushall();
    client.disconnect();
  });
  return { client, name: 'in-memory (ioredis-mock)' };
}
