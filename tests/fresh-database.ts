import { randomBytes } from 'node:crypto';
import { createAdapterFactory, createPrismaClient, type Db } from '../src/server/db';
import { createMigratedDatabase, databaseUrlWithName, quoteIdent, TEST_DATABASE_URL, withMaintenanceClient } from './services';

/**
 * Runs a test against a brand-new migrated database of its own, for tests that need global state
 * untouched by others (first-run setup, a deliberately broken audit chain). Dropped afterwards.
 */
export async function withFreshDatabase<T>(run: (db: Db, url: string) => Promise<T>): Promise<T> {
  const name = `licensor_test_fresh_${randomBytes(6).toString('hex')}`;
  const url = databaseUrlWithName(TEST_DATABASE_URL, name);
  await createMigratedDatabase(url);
  const db = createPrismaClient(await createAdapterFactory({ kind: 'postgres', url }));
  try {
    return await run(db, url);
  } finally {
    await db.$disconnect();
    await withMaintenanceClient(url, (client) => client.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`));
  }
}
