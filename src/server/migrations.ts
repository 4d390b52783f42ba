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

export const MIGRATIONS_DIR = path.resolve(/* turbopackIgnore: true */ 'prisma/migrations');
export const SCHEMA_FILE = path.resolve(/* turbopackIgnore: true */ 'prisma/schema.prisma');
const NO_FILTER = { externalTables: [], externalEnums: [] };

const SCHEMA_ENGINE_PACKAGE = '@prisma/schema-engine-wasm';
type SchemaEngineModule = typeof import('@prisma/schema-engine-wasm');
let engineModule: Promise<SchemaEngineModule> | undefined;

/** Instantiates the engine's .wasm ourselves, so Node needs no --experimental-wasm-modules flag. */
function loadSchemaEngineModule(): Promise<SchemaEngineModule> {
  engineModule ??= (async () => {
    const glue = (await import('@prisma/schema-engine-wasm/schema_engine_bg')) as unknown as SchemaEngineModule & {
      __wbg_set_wasm(exports: WebAssembly.Exports): void;
    };
    // Resolved from the project at run time: bundlers rewrite module-relative paths.
    const projectRequire = createRequire(path.join(process.cwd(), 'package.json'));
    const wasmPath = path.join(path.dirname(projectRequire.resolve(SCHEMA_ENGINE_PACKAGE)), 'schema_engine_bg.wasm');
    const { instance } = await WebAssembly.instantiate(readFileSync(/* turbopackIgnore: true */ wasmPath), { './schema_engine_bg.js': glue as never });
    glue.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return glue;
  })();
  return engineModule;
}

export function readMigrationsList(dir: string = MIGRATIONS_DIR): MigrationList {
  const lockfilePath = path.join(dir, 'migration_lock.toml');
  const directories = existsSync(/* turbopackIgnore: true */ dir)
    ? readdirSync(/* turbopackIgnore: true */ dir, { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .map((entry) => entry.name)
        .sort()
    : [];
  return {
    baseDir: dir,
    lockfile: { path: 'migration_lock.toml', content: existsSync(/* turbopackIgnore: true */ lockfilePath) ? readFileSync(/* turbopackIgnore: true */ lockfilePath, 'utf8') : null },
    shadowDbInitScript: '',
    migrationDirectories: directories.map((name) => {
      const file = path.join(dir, name, 'migration.sql');
      return {
        path: name,
        migrationFile: {
          path: 'migration.sql',
          content: existsSync(/* turbopackIgnore: true */ file)
            ? { tag: 'ok' as const, value: readFileSync(/* turbopackIgnore: true */ file, 'utf8') }
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
 * The PGlite adapter does send it whole but does not await it, so a failing migration would be
 * recorded as applied; its client's `exec` is awaited here instead.
 */
function sendingScriptsWhole(
  factory: SqlMigrationAwareDriverAdapterFactory,
  opened: SqlDriverAdapter[],
): SqlMigrationAwareDriverAdapterFactory {
  type ScriptRunner = { query?: (sql: string) => Promise<unknown>; exec?: (sql: string) => Promise<unknown> };
  const patch = (adapter: SqlDriverAdapter): SqlDriverAdapter => {
    const pgDriver = (adapter as { underlyingDriver?: () => unknown }).underlyingDriver?.() as ScriptRunner | undefined;
    const pgliteClient = (adapter as { client?: ScriptRunner }).client;
    const query =
      typeof pgDriver?.query === 'function'
        ? pgDriver.query.bind(pgDriver)
        : adapter.adapterName.includes('pglite') && typeof pgliteClient?.exec === 'function'
          ? pgliteClient.exec.bind(pgliteClient)
          : undefined;
    if (!query) return adapter;
    return Object.assign(Object.create(adapter) as SqlDriverAdapter, {
      executeScript: async (script: string) => {
        await query(script);
      },
    });
  };
  const track = (adapter: SqlDriverAdapter) => {
    opened.push(adapter);
    return adapter;
  };
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => patch(track(await factory.connect())),
    connectToShadowDb: async () => patch(track(await factory.connectToShadowDb())),
  };
}

async function withEngine<T>(
  factory: SqlMigrationAwareDriverAdapterFactory,
  run: (engine: SchemaEngine) => Promise<T>,
  schema: string = readFileSync(/* turbopackIgnore: true */ SCHEMA_FILE, 'utf8'),
): Promise<T> {
  const { SchemaEngine } = await loadSchemaEngineModule();
  // The engine never disposes the adapters it connects. A pg adapter owns a pool whose idle
  // connection still holds the engine's advisory lock, so the next run would wait 10 s for it.
  const opened: SqlDriverAdapter[] = [];
  const engine = await SchemaEngine.new(
    { datamodels: [['schema.prisma', schema]] },
    () => {},
    bindMigrationAwareSqlAdapterFactory(sendingScriptsWhole(factory, opened)),
  );
  try {
    return await run(engine);
  } finally {
    engine.free();
    await Promise.allSettled(opened.map((adapter) => adapter.dispose()));
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
  schema: string = readFileSync(/* turbopackIgnore: true */ SCHEMA_FILE, 'utf8'),
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
