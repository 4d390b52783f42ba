/**
 * npm run bench:validate — signed validate against the framework's own ceiling.
 *
 * Builds nothing itself: run `npm run build` first (the script says so if .next is missing).
 * Starts the production server (server.mjs, as `npm start`) on a fresh PostgreSQL database
 * with Redis, issues 1,000 licenses with one active machine each, then measures with the same
 * load generator and connection counts a trivial JSON route (/api/health/live) and signed
 * validate with fresh nonces, at 10 and at 50 connections. Every request comes from one of
 * 20,000 client addresses (X-Forwarded-For through one trusted proxy hop), as many panels would.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import os from 'node:os';
import autocannon from 'autocannon';
import { createMigratedDatabase, databaseUrlWithName, TEST_DATABASE_URL, TEST_REDIS_URL } from '../tests/services';

const LICENSES = Number(process.env.BENCH_LICENSES ?? 1000);
const DURATION_SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const PORT = Number(process.env.BENCH_PORT ?? 3999);
const BASE = `http://127.0.0.1:${PORT}`;

type Credential = { licenseKey: string; signingSecret: string; fingerprint: string };

async function prepareDatabase(databaseUrl: string, secrets: Record<string, string>): Promise<Credential[]> {
  await createMigratedDatabase(databaseUrl);
  Object.assign(process.env, { DATABASE_URL: databaseUrl, ...secrets, NODE_ENV: 'test' });
  const { getDb, disconnectDb } = await import('../src/server/db');
  const { createCustomer, createPlan, createProduct, issueLicense } = await import('../src/server/licensing');
  const { activateMachine } = await import('../src/server/licensing/machines');
  const db = await getDb();
  const actor = { type: 'cli' as const, label: 'bench' };
  const product = await createProduct(db, { name: 'Bench', slug: `bench-${Date.now()}` }, actor);
  const plan = await createPlan(db, { productId: product.id, name: 'Bench plan', durationDays: 365, maxMachines: 3, features: ['core'] }, actor);
  const customer = await createCustomer(db, { name: 'Bench customer', email: 'bench@example.test' }, actor);
  const credentials: Credential[] = [];
  for (let i = 0; i < LICENSES; i += 1) {
    const { license, licenseKey, signingSecret } = await issueLicense(db, { customerId: customer.id, planId: plan.id, issuedVia: 'CLI' }, actor);
    const fingerprint = `bench-machine-${i}`;
    await activateMachine(db, { licenseId: license.id, maxMachines: 3, fingerprint, now: new Date() });
    credentials.push({ licenseKey, signingSecret, fingerprint });
  }
  await disconnectDb();
  return credentials;
}

async function startServer(env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['server.mjs'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('listening on')) resolve();
    });
  });
  return child;
}

type Measurement = { label: string; connections: number; rps: number; p50: number; p99: number; non2xx: number; total: number };

function run(options: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

const clientAddress = () => `10.${Math.floor(Math.random() * 80)}.${Math.floor(Math.random() * 250)}.${1 + Math.floor(Math.random() * 250)}`;

async function measure(label: string, connections: number, requests: () => autocannon.Request[]): Promise<Measurement> {
  const options = { url: BASE, connections, duration: DURATION_SECONDS, pipelining: 1 };
  await run({ ...options, duration: 3, requests: requests() }); // warm-up
  const result = await run({ ...options, requests: requests() });
  return {
    label,
    connections,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx + result.errors + result.timeouts,
    total: result.requests.total,
  };
}

async function main() {
  if (!existsSync('.next/BUILD_ID')) throw new Error('Run `npm run build` first: the benchmark measures the production build.');
  const secrets = {
    AUTH_SECRET: randomBytes(32).toString('base64url'),
    LICENSE_KEY_CHECK_SECRET: randomBytes(32).toString('base64url'),
    ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    LICENSE_SIGNING_PRIVATE_KEY: generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
  const databaseUrl = databaseUrlWithName(TEST_DATABASE_URL, 'licensor_bench');
  console.log(`Preparing ${LICENSES} licenses with an active machine each…`);
  const credentials = await prepareDatabase(databaseUrl, secrets);
  const { canonicalRequestString, computeRequestSignature, sha256Hex } = await import('../src/server/licensing/request-signature');

  const server = await startServer({
    ...process.env,
    ...secrets,
    NODE_ENV: 'production',
    PORT: String(PORT),
    HOSTNAME: '127.0.0.1',
    APP_URL: BASE,
    DATABASE_URL: databaseUrl,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_KEY_PREFIX: `bench:${Date.now()}:`,
    TRUST_PROXY: '1',
  });
  try {
    // Requests are signed before each run, so the load generator (on the same two cores) spends
    // no more per request on validate than on the trivial route: the run measures the server.
    const signedValidateRequests = (count: number) =>
      Array.from({ length: count }, (_, index) => {
        const credential = credentials[index % credentials.length]!;
        const body = JSON.stringify({ licenseKey: credential.licenseKey, fingerprint: credential.fingerprint });
        const timestamp = Math.floor(Date.now() / 1000);
        const nonce = randomBytes(18).toString('base64url');
        const signature = computeRequestSignature(
          credential.signingSecret,
          canonicalRequestString({ method: 'POST', path: '/api/v1/licenses/validate', timestamp, nonce, bodySha256Hex: sha256Hex(body) }),
        );
        return {
          body,
          headers: {
            'content-type': 'application/json',
            'x-forwarded-for': clientAddress(),
            'x-licensor-timestamp': String(timestamp),
            'x-licensor-nonce': nonce,
            'x-licensor-signature': signature,
          },
        };
      });
    const validateRequests = (): autocannon.Request[] => {
      // Enough fresh nonces for the longest run at the highest rate this machine reaches.
      const pool = signedValidateRequests((DURATION_SECONDS + 5) * 2000);
      let next = 0;
      return [{ method: 'POST', path: '/api/v1/licenses/validate', setupRequest: (request) => ({ ...request, ...pool[next++ % pool.length]! }) }];
    };
    const trivialRequest: autocannon.Request = { method: 'GET', path: '/api/health/live', setupRequest: (request) => ({ ...request, headers: { 'x-forwarded-for': clientAddress() } }) };

    const results: Measurement[] = [];
    for (const connections of [10, 50]) {
      results.push(await measure('trivial JSON route', connections, () => [trivialRequest]));
      results.push(await measure('signed validate', connections, validateRequests));
    }

    const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
    console.log(`\nMachine: ${os.cpus().length} cores (${cpu}), ${Math.round(os.totalmem() / 2 ** 30)} GiB; load generator on the same cores; ${DURATION_SECONDS} s per run.\n`);
    console.log('| route | connections | req/s | p50 ms | p99 ms | non-2xx |');
    console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
    for (const result of results) {
      console.log(`| ${result.label} | ${result.connections} | ${result.rps.toFixed(0)} | ${result.p50} | ${result.p99} | ${((100 * result.non2xx) / Math.max(1, result.total)).toFixed(2)}% |`);
    }
    for (const connections of [10, 50]) {
      const trivial = results.find((result) => result.connections === connections && result.label.startsWith('trivial'))!;
      const validate = results.find((result) => result.connections === connections && result.label.startsWith('signed'))!;
      console.log(`\nAt ${connections} connections: validate / trivial = ${(validate.rps / trivial.rps).toFixed(2)} (target at least 0.40); validate p99 ${validate.p99} ms.`);
    }
  } finally {
    server.kill('SIGTERM');
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
