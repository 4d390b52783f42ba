import path from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { Prisma, PrismaClient } from '@/generated/prisma/client';
import { getEnv } from './env';
import { applyPendingMigrations } from './migrations';

export { Prisma };
export type Db = PrismaClient;
/** A transaction client: what domain functions take when they must join the caller's transaction. */
export type Tx = Prisma.TransactionClient;
export type DbOrTx = Db | Tx;

export type DatabaseTarget = { kind: 'postgres'; url: string } | { kind: 'pglite'; dataDir: string };

export function databaseTarget(env = getEnv()): DatabaseTarget {
  return env.DATABASE_URL
    ? { kind: 'postgres', url: env.DATABASE_URL }
    : { kind: 'pglite', dataDir: path.join(env.DATA_DIR, 'pglite') };
}

/** A driver-adapter factory for the target: used by both the Prisma client and the migration engine. */
export async function createAdapterFactory(target: DatabaseTarget): Promise<SqlMigrationAwareDriverAdapterFactory> {
  if (target.kind === 'postgres') return new PrismaPg({ connectionString: target.url, max: 10 });
  const [{ PGlite }, { PrismaPGlite }] = await Promise.all([import('@electric-sql/pglite'), import('pglite-prisma-adapter')]);
  const pglite = await PGlite.create({ dataDir: target.dataDir });
  return new PrismaPGlite(pglite) as unknown as SqlMigrationAwareDriverAdapterFactory;
}

export function createPrismaClient(factory: SqlMigrationAwareDriverAdapterFactory): PrismaClient {
  return new PrismaClient({ adapter: factory as never });
}

type DbState = { promise?: Promise<PrismaClient> };
// One client per process, kept on globalThis so dev reloads and separate bundles share it
// (the embedded PGlite directory must never be opened twice).
const state = ((globalThis as { __licensorDb?: DbState }).__licensorDb ??= {});

/**
 * The process-wide Prisma client. With the embedded PGlite default, pending migrations are
 * applied on first use, which is server start.
 */
export function getDb(): Promise<PrismaClient> {
  state.promise ??= (async () => {
    const target = databaseTarget();
    const factory = await createAdapterFactory(target);
    if (target.kind === 'pglite') await applyPendingMigrations(factory);
    return createPrismaClient(factory);
  })().catch((error: unknown) => {
    state.promise = undefined;
    throw error;
  });
  return state.promise;
}

export async function disconnectDb(): Promise<void> {
  const promise = state.promise;
  state.promise = undefined;
  if (promise) await (await promise).$disconnect();
}

/** True for a unique-constraint violation (Prisma P2002), which callers turn into CONFLICT. */
export function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';
}
