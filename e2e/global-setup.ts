import { spawn } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { createMigratedDatabase, databaseUrlWithName, TEST_DATABASE_URL } from '../tests/services';
import { startStripeFake } from '../tests/stripe-fake';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function waitForServer(url: string, child: ReturnType<typeof spawn>, deadlineMs: number): Promise<void> {
  const started = Date.now();
  while (Date.now() - started < deadlineMs) {
    if (child.exitCode !== null) throw new Error(`The e2e server exited with code ${child.exitCode}; see e2e/.artifacts/server.log`);
    try {
      const response = await fetch(url, { redirect: 'manual' });
      if (response.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`The e2e server did not answer ${url} within ${deadlineMs} ms`);
}

/** A fresh database, a local Stripe fake and a production server on a free port, shared by every spec. */
export default async function globalSetup() {
  const databaseUrl = process.env.E2E_DATABASE_URL ?? databaseUrlWithName(TEST_DATABASE_URL, 'licensor_e2e');
  await createMigratedDatabase(databaseUrl);

  // Billing talks to the local Stripe fake; specs sign webhook deliveries with the same secret.
  const stripeFake = await startStripeFake();
  const stripeEnv = { STRIPE_SECRET_KEY: stripeFake.secretKey, STRIPE_WEBHOOK_SECRET: `whsec_${randomBytes(24).toString('base64url')}`, STRIPE_API_BASE_URL: stripeFake.url };

  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const artifacts = path.resolve('e2e/.artifacts');
  mkdirSync(artifacts, { recursive: true });
  const log = createWriteStream(path.join(artifacts, 'server.log'));
  const secrets = {
    AUTH_SECRET: randomBytes(32).toString('base64url'),
    LICENSE_KEY_CHECK_SECRET: randomBytes(32).toString('base64url'),
    ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    LICENSE_SIGNING_PRIVATE_KEY: generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
  const serverEnv: NodeJS.ProcessEnv = {
    ...process.env,
    ...secrets,
    ...stripeEnv,
    NODE_ENV: 'production',
    PORT: String(port),
    HOSTNAME: '127.0.0.1',
    APP_URL: baseUrl,
    NEXTAUTH_URL: baseUrl,
    DATABASE_URL: databaseUrl,
    REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
    REDIS_KEY_PREFIX: `e2e:${Date.now()}:`,
    // Each test sends its own client address (e2e/test.ts), as if behind one load balancer.
    TRUST_PROXY: '1',
  };
  const child = spawn(process.execPath, ['server.mjs'], { env: serverEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  await waitForServer(`${baseUrl}/sign-in`, child, 60_000);

  // Specs and their fixtures reach the same database and secrets through the domain functions.
  Object.assign(process.env, { E2E_BASE_URL: baseUrl, DATABASE_URL: databaseUrl, ...secrets, ...stripeEnv, APP_URL: baseUrl });

  return async () => {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    await stripeFake.close();
  };
}
