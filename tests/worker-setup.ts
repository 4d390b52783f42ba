import { inject } from 'vitest';
import { databaseName, databaseUrlWithName, quoteIdent, TEST_DATABASE_URL, TEST_REDIS_URL, withMaintenanceClient } from './services';

/** Each vitest worker gets its own clone of the migrated template database. */
const workerId = process.env.VITEST_POOL_ID ?? '0';
const workerDatabase = `${databaseName(TEST_DATABASE_URL)}_w${workerId}`;

if (inject('databaseAvailable')) {
  await withMaintenanceClient(TEST_DATABASE_URL, async (client) => {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [workerDatabase]);
    if (exists.rowCount === 0) {
      await client.query(`CREATE DATABASE ${quoteIdent(workerDatabase)} TEMPLATE ${quoteIdent(databaseName(TEST_DATABASE_URL))}`);
    }
  });
  process.env.DATABASE_URL = databaseUrlWithName(TEST_DATABASE_URL, workerDatabase);
}
if (inject('redisAvailable')) {
  process.env.REDIS_URL = TEST_REDIS_URL;
  process.env.REDIS_KEY_PREFIX = `test:w${workerId}:${process.pid}:${Date.now()}:`;
}
