/**
 * `npm test`'s preparation: the Prisma client, Chromium for Playwright, a migrated test
 * database and the production build that the e2e specs run against.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { createMigratedDatabase, TEST_DATABASE_URL } from '../tests/services';

function step(title: string) {
  console.log(`\n▶ ${title}`);
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env) {
  const result = spawnSync(command, args, { stdio: 'inherit', env });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

function ensureChromium() {
  const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (existsSync(path)) {
    console.log(`Chromium: ${path}`);
    return;
  }
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) {
    console.error(`Chromium is missing at ${path}. Install Debian's package, then run npm test again:\n  sudo apt-get update && sudo apt-get install -y chromium\n(or set CHROMIUM_PATH to an installed Chromium).`);
    process.exit(1);
  }
  console.log("Chromium is missing: installing Debian's chromium package.");
  run('apt-get', ['update', '-qq']);
  run('apt-get', ['install', '-y', '-qq', 'chromium'], { ...process.env, DEBIAN_FRONTEND: 'noninteractive' });
  execFileSync(path, ['--version'], { stdio: 'inherit' });
}

step('Prisma client');
run(process.execPath, ['scripts/prisma-generate.mjs']);

step('Chromium for Playwright');
ensureChromium();

step(`Test database ${TEST_DATABASE_URL}`);
try {
  await createMigratedDatabase(TEST_DATABASE_URL);
  console.log('Created and migrated.');
} catch (error) {
  const reason = error instanceof Error ? error.message : String(error);
  if (process.env.CI === 'true') {
    console.error(`PostgreSQL is required in CI: ${reason}`);
    process.exit(1);
  }
  console.warn(`!! PostgreSQL is not reachable (${reason}).\n!! Integration and e2e tests need it: set TEST_DATABASE_URL or start PostgreSQL.`);
}

step('Production build for the e2e specs');
run(process.execPath, ['node_modules/next/dist/bin/next', 'build']);
// Route types left by an earlier `next dev` disagree with the build's and would fail the typecheck.
rmSync('.next/dev', { recursive: true, force: true });
