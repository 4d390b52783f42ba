/** Where the integration tests find PostgreSQL and Redis, and how each vitest worker isolates itself. */
import pg from 'pg';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/licensor_test';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export function databaseUrlWithName(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

export function databaseName(url: string): string {
  return decodeURIComponent(new URL(url).pathname.slice(1));
}

/** Runs statements on the server's maintenance database (CREATE/DROP DATABASE). */
export async function withMaintenanceClient<T>(url: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrlWithName(url, 'postgres'), connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

export const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Drops and recreates a database, then applies every migration to it. */
export async function createMigratedDatabase(url: string): Promise<void> {
  const name = databaseName(url);
  await withMaintenanceClient(url, async (client) => {
    await client.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${quoteIdent(name)}`);
  });
  const { PrismaPg } = await import('@prisma/adapter-pg');
  const { applyPendingMigrations } = await import('../src/server/migrations');
  // A pool we own and close: an idle connection left open to a template database blocks
  // every `CREATE DATABASE … TEMPLATE` from it.
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  try {
    await applyPendingMigrations(new PrismaPg(pool));
  } finally {
    await pool.end();
  }
}
