import Redis from 'ioredis';
import { getEnv } from './env';

type RedisState = { client?: Redis | null };
const state = ((globalThis as { __licensorRedis?: RedisState }).__licensorRedis ??= {});

/**
 * The process-wide TCP Redis client, or null when REDIS_URL is not set. Commands issued in the
 * same tick share one round trip (auto-pipelining); a command waits at most a second, so callers
 * can fall back while Redis is unreachable instead of hanging.
 */
export function getRedis(): Redis | null {
  if (state.client !== undefined) return state.client;
  const url = getEnv().REDIS_URL;
  state.client = url
    ? new Redis(url, {
        enableAutoPipelining: true,
        commandTimeout: 1000,
        maxRetriesPerRequest: 1,
        connectTimeout: 2000,
        retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
      })
    : null;
  // Connection errors are reported by the callers' fallbacks; without a listener ioredis would log each retry.
  state.client?.on('error', () => {});
  return state.client;
}

export async function disconnectRedis(): Promise<void> {
  const client = state.client;
  state.client = undefined;
  if (client) client.disconnect();
}
