import type { TestProject } from 'vitest/node';
import Redis from 'ioredis';
import { createMigratedDatabase, databaseName, quoteIdent, TEST_DATABASE_URL, TEST_REDIS_URL, withMaintenanceClient } from './services';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseAvailable: boolean;
    redisAvailable: boolean;
  }
}

async function postgresReachable(): Promise<string | null> {
  try {
    await withMaintenanceClient(TEST_DATABASE_URL, async (client) => client.query('SELECT 1'));
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

async function redisReachable(): Promise<string | null> {
  const redis = new Redis(TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 2000, retryStrategy: () => null });
  try {
    await redis.connect();
    await redis.ping();
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    redis.disconnect();
  }
}

function shout(lines: string[]): void {
  const bar = '!'.repeat(78);
  console.warn(`\n${bar}\n${lines.map((line) => `!! ${line}`).join('\n')}\n${bar}\n`);
}

/**
 * Migrates a template database once; each worker clones it (tests/worker-setup.ts). Without the
 * services a local run says so loudly and skips only the tests that need them; in CI it fails.
 */
export default async function setup(project: TestProject): Promise<void> {
  const [pgProblem, redisProblem] = await Promise.all([postgresReachable(), redisReachable()]);
  const missing = [
    pgProblem && `PostgreSQL at ${TEST_DATABASE_URL}: ${pgProblem}`,
    redisProblem && `Redis at ${TEST_REDIS_URL}: ${redisProblem}`,
  ].filter((line): line is string => Boolean(line));
  if (missing.length > 0) {
    if (process.env.CI === 'true') throw new Error(`Integration services are required in CI:\n${missing.join('\n')}`);
    shout(['INTEGRATION TESTS THAT NEED THESE SERVICES ARE SKIPPED:', ...missing, 'Set TEST_DATABASE_URL / TEST_REDIS_URL or start the services.']);
  }
  if (!pgProblem) {
    const template = databaseName(TEST_DATABASE_URL);
    await withMaintenanceClient(TEST_DATABASE_URL, async (client) => {
      const databases = await client.query<{ datname: string }>('SELECT datname FROM pg_database');
      const stale = databases.rows.map((row) => row.datname).filter((name) => /^\d+$/.test(name.slice(`${template}_w`.length)) && name.startsWith(`${template}_w`));
      for (const name of stale) await client.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
    });
    await createMigratedDatabase(TEST_DATABASE_URL);
  }
  project.provide('databaseAvailable', !pgProblem);
  project.provide('redisAvailable', !redisProblem);
}
