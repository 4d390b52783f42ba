import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
} from '@prisma/driver-adapter-utils';
import type { MigrationList, SchemaEngine } from '@prisma/schema-engine-wasm';

/**
 * Migrations through Prisma's WebAssembly schema engine over a driver adapter: the same
 * `_prisma_migrations` bookkeeping as `prisma migrate deploy`, with no downloaded engine binary.
 */

export const MIGRATIONS_DIR = path.resolve('prisma/migrations');
export const SCHEMA_FILE = path.resolve('prisma/schema.prisma');
const NO_FILTER = { externalTables: [], externalEnums: [] };

type SchemaEngineModule = typeof import('@prisma/schema-engine-wasm');
let engineModule: Promise<SchemaEngineModule> | undefined;

/** Instantiates the engine's .wasm ourselves, so Node needs no --experimental-wasm-modules flag. */
function loadSchemaEngineModule(): Promise<SchemaEngineModule> {
  engineModule ??= (async () => {
    const glue = (await import('@prisma/schema-engine-wasm/schema_engine_bg')) as unknown as SchemaEngineModule & {
      __wbg_set_wasm(exports: WebAssembly.Exports): void;
    };
    const require = createRequire(import.meta.url);
    const wasmPath = path.join(path.dirname(require.resolve('@prisma/schema-engine-wasm')), 'schema_engine_bg.wasm');
    const { instance } = await WebAssembly.instantiate(readFileSync(wasmPath), { './schema_engine_bg.js': glue as never });
    glue.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return glue;
  })();
  return engineModule;
}

export function readMigrationsList(dir: string = MIGRATIONS_DIR): MigrationList {
  const lockfilePath = path.join(dir, 'migration_lock.toml');
  const directories = existsSync(dir)
    ? readdirSync(dir, { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .map((entry) => entry.name)
        .sort()
    : [];
  return {
    baseDir: dir,
    lockfile: { path: 'migration_lock.toml', content: existsSync(lockfilePath) ? readFileSync(lockfilePath, 'utf8') : null },
    shadowDbInitScript: '',
    migrationDirectories: directories.map((name) => {
      const file = path.join(dir, name, 'migration.sql');
      return {
        path: name,
        migrationFile: {
          path: 'migration.sql',
          content: existsSync(file)
            ? { tag: 'ok' as const, value: readFileSync(file, 'utf8') }
            : { tag: 'error' as const, value: `missing ${file}` },
        },
      };
    }),
  };
}

/**
 * The pg adapter runs a script by splitting it on every ';', which breaks dollar-quoted function
 * bodies (and semicolons in comments). Send a migration to PostgreSQL whole, as `prisma migrate
 * deploy` does: the simple query protocol then also runs it as one implicit transaction.
 */
function sendingScriptsWhole(factory: SqlMigrationAwareDriverAdapterFactory): SqlMigrationAwareDriverAdapterFactory {
  const patch = (adapter: SqlDriverAdapter): SqlDriverAdapter => {
    const driver = (adapter as { underlyingDriver?: () => unknown }).underlyingDriver?.() as
      | { query?: (sql: string) => Promise<unknown> }
      | undefined;
    if (typeof driver?.query !== 'function') return adapter;
    const query = driver.query.bind(driver);
    return Object.assign(Object.create(adapter) as SqlDriverAdapter, {
      executeScript: async (script: string) => {
        await query(script);
      },
    });
  };
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => patch(await factory.connect()),
    connectToShadowDb: async () => patch(await factory.connectToShadowDb()),
  };
}

async function withEngine<T>(
  factory: SqlMigrationAwareDriverAdapterFactory,
  run: (engine: SchemaEngine) => Promise<T>,
  schema: string = readFileSync(SCHEMA_FILE, 'utf8'),
): Promise<T> {
  const { SchemaEngine } = await loadSchemaEngineModule();
  const engine = await SchemaEngine.new(
    { datamodels: [['schema.prisma', schema]] },
    () => {},
    bindMigrationAwareSqlAdapterFactory(sendingScriptsWhole(factory)),
  );
  try {
    return await run(engine);
  } finally {
    engine.free();
  }
}

/** Applies every pending migration in order; returns the names it applied (none on a second run). */
export async function applyPendingMigrations(
  factory: SqlMigrationAwareDriverAdapterFactory,
  dir: string = MIGRATIONS_DIR,
): Promise<string[]> {
  return withEngine(factory, async (engine) => {
    const result = await engine.applyMigrations({ migrationsList: readMigrationsList(dir), filters: NO_FILTER });
    return result.appliedMigrationNames;
  });
}

/** Names of migrations on disk that the database has not applied. */
export async function pendingMigrationNames(
  factory: SqlMigrationAwareDriverAdapterFactory,
  dir: string = MIGRATIONS_DIR,
): Promise<string[]> {
  return withEngine(factory, async (engine) => {
    const result = await engine.diagnoseMigrationHistory({
      migrationsList: readMigrationsList(dir),
      optInToShadowDatabase: false,
      filters: NO_FILTER,
    });
    const diagnostic = result.history;
    return diagnostic?.diagnostic === 'databaseIsBehind' ? diagnostic.unappliedMigrationNames : [];
  });
}

/**
 * The SQL that takes a database from the existing migrations to the schema, computed on a
 * shadow database of the factory (PGlite in memory needs no server).
 */
export async function diffMigrationsToSchema(
  shadowFactory: SqlMigrationAwareDriverAdapterFactory,
  dir: string = MIGRATIONS_DIR,
  schema: string = readFileSync(SCHEMA_FILE, 'utf8'),
): Promise<string | null> {
  return withEngine(
    shadowFactory,
    async (engine) => {
      const result = await engine.diff({
        from: { tag: 'migrations', ...readMigrationsList(dir) },
        to: { tag: 'schemaDatamodel', files: [{ path: 'schema.prisma', content: schema }] },
        script: true,
        exitCode: null,
        filters: NO_FILTER,
      });
      return result.stdout;
    },
    schema,
  );
}
