import { createHash, randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeWithDatabase } from '../../tests/helpers';
import { databaseUrlWithName, quoteIdent, TEST_DATABASE_URL, withMaintenanceClient } from '../../tests/services';
import { createAdapterFactory } from './db';
import { applyPendingMigrations, diffMigrationsToSchema, MIGRATIONS_DIR, pendingMigrationNames, SCHEMA_FILE } from './migrations';

const schema = readFileSync(SCHEMA_FILE, 'utf8');
const modelNames = [...schema.matchAll(/^model\s+(\w+)\s*\{/gm)].map((match) => match[1]!);
const enumNames = [...schema.matchAll(/^enum\s+(\w+)\s*\{/gm)].map((match) => match[1]!);
const migrationNames = readdirSync(MIGRATIONS_DIR, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const checksumOf = (name: string) => sha256(readFileSync(path.join(MIGRATIONS_DIR, name, 'migration.sql'), 'utf8'));

/** What a `migrate diff` prints when there is nothing to do. */
const isEmptyMigration = (sql: string | null) => !sql || /^(-- This is an empty migration\.?\s*)?$/.test(sql.trim());

/** The migrations directory plus one migration that fails halfway through. */
function migrationsWithBrokenOne(): { dir: string; broken: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'licensor-migrations-'));
  cpSync(MIGRATIONS_DIR, dir, { recursive: true });
  const broken = '29991231000000_broken';
  mkdirSync(path.join(dir, broken));
  writeFileSync(
    path.join(dir, broken, 'migration.sql'),
    'CREATE TABLE "HalfDone" ("id" INTEGER);\nINSERT INTO "NoSuchTable" VALUES (1);\n',
  );
  return { dir, broken };
}

type Query = <T>(sql: string) => Promise<T[]>;

type MigrationRow = {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  applied_steps_count: number;
};

const migrationRows = (query: Query) =>
  query<MigrationRow>(
    'SELECT migration_name, checksum, finished_at, rolled_back_at, applied_steps_count FROM _prisma_migrations ORDER BY migration_name',
  );

/** Checks shared by PostgreSQL and PGlite: what a freshly migrated database must contain. */
async function expectFullyMigrated(query: Query) {
  const tables = await query<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
  );
  expect(tables.map((table) => table.name).sort()).toEqual([...modelNames, '_prisma_migrations'].sort());

  const enums = await query<{ name: string }>(
    `SELECT t.typname AS name FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = 'public' AND t.typtype = 'e'`,
  );
  expect(enums.map((row) => row.name).sort()).toEqual([...enumNames].sort());

  const rows = await migrationRows(query);
  expect(rows.map((row) => row.migration_name)).toEqual(migrationNames);
  for (const row of rows) {
    expect(row.finished_at, row.migration_name).toBeInstanceOf(Date);
    expect(row.rolled_back_at, row.migration_name).toBeNull();
    expect(row.applied_steps_count, row.migration_name).toBe(1);
    // The same checksum `prisma migrate deploy` records, so either tool can take over.
    expect(row.checksum, row.migration_name).toBe(checksumOf(row.migration_name));
  }

  // The dollar-quoted trigger function survived (the pg adapter alone would split it on ';').
  const triggers = await query<{ tgname: string }>(
    `SELECT tgname FROM pg_trigger WHERE tgrelid = '"AuditEvent"'::regclass AND NOT tgisinternal ORDER BY tgname`,
  );
  expect(triggers.map((trigger) => trigger.tgname)).toEqual(['audit_event_append_only', 'audit_event_no_truncate']);
  expect(await query('SELECT "id", "sequence"::text AS "sequence", "hash" FROM "AuditChainHead"')).toEqual([
    { id: 1, sequence: '0', hash: '0'.repeat(64) },
  ]);
}

async function expectSecondRunChangesNothing(factory: SqlMigrationAwareDriverAdapterFactory, query: Query) {
  const before = await migrationRows(query);
  expect(await applyPendingMigrations(factory)).toEqual([]);
  expect(await migrationRows(query)).toEqual(before);
}

async function expectFailingMigrationRecordedAsFailed(factory: SqlMigrationAwareDriverAdapterFactory, query: Query) {
  const { dir, broken } = migrationsWithBrokenOne();
  try {
    await expect(applyPendingMigrations(factory, dir)).rejects.toThrow();
    const rows = await migrationRows(query);
    const failed = rows.find((row) => row.migration_name === broken);
    expect(failed).toBeDefined();
    expect(failed!.finished_at).toBeNull();
    // A migration runs as one implicit transaction: its first statement was rolled back too.
    expect(await query(`SELECT to_regclass('"HalfDone"')::text AS t`)).toEqual([{ t: null }]);
    // The earlier migrations are untouched, and the failure blocks further runs.
    expect(rows.filter((row) => row.migration_name !== broken).every((row) => row.finished_at !== null)).toBe(true);
    await expect(applyPendingMigrations(factory, dir)).rejects.toThrow();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describeWithDatabase('migrations on a brand-new PostgreSQL database', () => {
  const name = `licensor_test_migrate_${randomBytes(6).toString('hex')}`;
  const url = databaseUrlWithName(TEST_DATABASE_URL, name);
  const client = new pg.Client({ connectionString: url });
  const query: Query = async <T>(sql: string) => (await client.query(sql)).rows as T[];

  beforeAll(async () => {
    await withMaintenanceClient(TEST_DATABASE_URL, (maintenance) => maintenance.query(`CREATE DATABASE ${quoteIdent(name)}`));
    await client.connect();
  });

  afterAll(async () => {
    await client.end();
    await withMaintenanceClient(TEST_DATABASE_URL, (maintenance) =>
      maintenance.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`),
    );
  });

  it('starts empty, with every migration pending', async () => {
    expect(await query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`)).toEqual([]);
    expect(await pendingMigrationNames(new PrismaPg({ connectionString: url }))).toEqual(migrationNames);
  });

  it('applies every migration: one table per model and one finished row per migration directory', async () => {
    expect(await applyPendingMigrations(new PrismaPg({ connectionString: url }))).toEqual(migrationNames);
    await expectFullyMigrated(query);
    expect(await pendingMigrationNames(new PrismaPg({ connectionString: url }))).toEqual([]);
  });

  it('does nothing on a second run, promptly (no lock left behind by the first)', async () => {
    const started = Date.now();
    await expectSecondRunChangesNothing(new PrismaPg({ connectionString: url }), query);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('records a failing migration as failed, rolls it back and refuses to go on', async () => {
    await expectFailingMigrationRecordedAsFailed(new PrismaPg({ connectionString: url }), query);
  });
});

describe('migrations on an in-memory PGlite', () => {
  let factory: SqlMigrationAwareDriverAdapterFactory;
  let query: Query;

  beforeAll(async () => {
    factory = await createAdapterFactory({ kind: 'pglite', dataDir: 'memory://' });
    // The PGlite instance behind the adapter, for plain SQL.
    const pglite = (factory as unknown as { client: { query: (sql: string) => Promise<{ rows: unknown[] }> } }).client;
    query = async <T>(sql: string) => (await pglite.query(sql)).rows as T[];
  });

  it('applies every migration, then does nothing on a second run', async () => {
    expect(await applyPendingMigrations(factory)).toEqual(migrationNames);
    await expectFullyMigrated(query);
    await expectSecondRunChangesNothing(factory, query);
  });

  it('records a failing migration as failed instead of applied', async () => {
    await expectFailingMigrationRecordedAsFailed(factory, query);
  });

  it('finds schema.prisma in sync with the committed migrations (write a migration when this fails)', async () => {
    const sql = await diffMigrationsToSchema(factory);
    expect(isEmptyMigration(sql), `prisma/schema.prisma differs from prisma/migrations; run npm run db:migration -- <name>:\n${sql}`).toBe(
      true,
    );
  });

  it('reports a schema change that has no migration', async () => {
    const drifted = `${schema}\nmodel DriftCheck {\n  id Int @id\n}\n`;
    const sql = await diffMigrationsToSchema(factory, MIGRATIONS_DIR, drifted);
    expect(isEmptyMigration(sql)).toBe(false);
    expect(sql).toContain('CREATE TABLE "DriftCheck"');
  });
});
