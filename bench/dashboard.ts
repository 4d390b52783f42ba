/**
 * npm run bench:dashboard — every security-dashboard, alert, list and audit-explorer query on
 * 1,000,000 license validations and 1,000,000 audit events, against a budget of 500 ms each.
 *
 * Seeds a dedicated database (BENCH_DATABASE_URL, default licensor_bench_dashboard next to
 * TEST_DATABASE_URL) with generate_series SQL: validations over the last 7 days (ids growing
 * with time, as the API writes them) on 2,000 licenses from their panels' own addresses, from
 * 250 scanners and 20 forgers; audit events over the last 30 days; sign-in attempts, Stripe
 * events, IP blocks and alerts. Then rolls up the ended hours and days once, as every server's
 * schedule does each minute, runs each query once to warm up and BENCH_RUNS times (default 3),
 * and prints the median and the slowest run. Exits 1 when a query's slowest run is over budget.
 * BENCH_KEEP=1 reuses an already seeded database.
 */
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { createMigratedDatabase, databaseUrlWithName, TEST_DATABASE_URL } from '../tests/services';

const VALIDATIONS = 1_000_000;
const AUDIT_EVENTS = 1_000_000;
const LICENSES = 2000;
const CUSTOMERS = 200;
const BUDGET_MS = 500;
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const databaseUrl = process.env.BENCH_DATABASE_URL ?? databaseUrlWithName(TEST_DATABASE_URL, 'licensor_bench_dashboard');

/** Deterministic UUID-shaped ids, so the seed statements can refer to each other's rows. */
const idSql = (prefix: string, number: string) => `'${prefix}-0000-4000-8000-' || lpad(to_hex(${number}), 12, '0')`;

const SEED: [string, string][] = [
  ['product and plan', `INSERT INTO "Product" ("id", "name", "slug", "keyPrefix", "updatedAt") VALUES ('00000000-0000-4000-8000-000000000001', 'Bench', 'bench', 'BN', now());
    INSERT INTO "Plan" ("id", "productId", "name", "features", "updatedAt") VALUES ('00000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-000000000001', 'Bench plan', '{core}', now());`],
  ['customers', `INSERT INTO "Customer" ("id", "name", "email", "paymentRiskScore", "updatedAt")
    SELECT ${idSql('cccccccc', 'g')}, 'Customer ' || g, 'billing' || g || '@example.test', CASE WHEN g % 50 = 0 THEN 0.8 ELSE 0 END, now()
    FROM generate_series(1, ${CUSTOMERS}) AS g`],
  ['licenses', `INSERT INTO "License" ("id", "key", "keyLast4", "productId", "planId", "customerId", "features", "encryptedSigningSecret", "issuedVia", "suspicious", "flaggedAt", "updatedAt")
    SELECT ${idSql('11111111', 'g')}, 'BN-' || lpad(g::text, 29, '0'), lpad((g % 10000)::text, 4, '0'),
           '00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000002', ${idSql('cccccccc', `(g % ${CUSTOMERS}) + 1`)},
           '{core}', 'bench', 'ADMIN', g % 100 = 0, CASE WHEN g % 100 = 0 THEN now() - (g % 48) * interval '1 hour' END, now()
    FROM generate_series(1, ${LICENSES}) AS g`],
  // Panels validate from their own 1 to 3 machines (every 100th license is shared across 200
  // addresses); scanners try unknown keys from 250 addresses; a few addresses send forged or
  // replayed requests for 50 licenses. Busy licenses are busier (a squared distribution).
  ['1,000,000 validations', `INSERT INTO "LicenseValidation" ("licenseId", "kind", "success", "code", "ip", "userAgent", "fingerprint", "createdAt")
    SELECT CASE WHEN t.kind = 'scanner' THEN NULL ELSE ${idSql('11111111', 't.license')} END,
           'validate', t.code = 'VALID', t.code, t.ip, 'bench-panel/1.0', 'fp-' || t.license || '-' || t.machine,
           now() - interval '7 days' + (g::double precision / ${VALIDATIONS}) * interval '7 days'
    FROM generate_series(1, ${VALIDATIONS}) AS g
    CROSS JOIN LATERAL (SELECT random() AS c, random() AS l, random() AS m, random() AS s, random() AS o, g AS k) AS r
    CROSS JOIN LATERAL (SELECT
      CASE WHEN r.c < 0.9 THEN 'panel' WHEN r.c < 0.96 THEN 'scanner' ELSE 'forger' END AS kind,
      CASE WHEN r.c < 0.9 THEN 1 + floor(${LICENSES} * power(r.l, 2))::int ELSE 1 + floor(r.l * 50)::int END AS license,
      floor(r.m * 3)::int AS machine) AS p
    CROSS JOIN LATERAL (SELECT p.kind, p.license, p.machine,
      CASE p.kind
        WHEN 'panel' THEN CASE WHEN p.license % 100 = 0 THEN '198.51.100.' || floor(r.s * 200)::int
                               ELSE '10.' || p.machine || '.' || (p.license / 250) || '.' || (p.license % 250) END
        WHEN 'scanner' THEN '203.0.113.' || floor(r.s * 250)::int
        ELSE '192.0.2.' || floor(r.s * 20)::int END AS ip,
      CASE p.kind
        WHEN 'panel' THEN CASE WHEN r.o < 0.95 THEN 'VALID' WHEN r.o < 0.97 THEN 'RATE_LIMITED' WHEN r.o < 0.98 THEN 'EXPIRED'
                               WHEN r.o < 0.99 THEN 'FLAGGED' ELSE 'TOO_MANY_MACHINES' END
        WHEN 'scanner' THEN CASE WHEN r.o < 0.7 THEN 'NOT_FOUND' WHEN r.o < 0.9 THEN 'BAD_REQUEST' ELSE 'IP_BLOCKED' END
        ELSE CASE WHEN r.o < 0.5 THEN 'BAD_SIGNATURE' WHEN r.o < 0.8 THEN 'STALE_TIMESTAMP' ELSE 'REPLAYED_NONCE' END END AS code) AS t`],
  ['1,000,000 audit events', `INSERT INTO "AuditEvent" ("sequence", "createdAt", "actorType", "actorId", "actorLabel", "action", "targetType", "targetId", "customerId", "ip", "userAgent", "severity", "metadata", "prevHash", "hash")
    SELECT g, now() - interval '30 days' + (g::double precision / ${AUDIT_EVENTS}) * interval '30 days',
           CASE WHEN r.a < 0.2 THEN 'system' ELSE 'user' END,
           CASE WHEN r.a < 0.2 THEN NULL ELSE ${idSql('aaaaaaaa', 'floor(r.u * 500)::int')} END,
           CASE WHEN r.a < 0.2 THEN 'anomaly detection' ELSE 'user' || floor(r.u * 500)::int || '@example.test' END,
           (ARRAY['auth.sign_in', 'auth.sign_in_failed', 'auth.sign_out', 'license.validate_refused', 'license.issue', 'license.suspend', 'license.reinstate',
                  'license.flag', 'license.machine_activate', 'license.machine_deactivate', 'apikey.create', 'apikey.revoke', 'billing.invoice_paid',
                  'billing.payment_failed', 'billing.checkout_create', 'security.ip_block', 'security.alert_raise', 'user.create', 'user.role_change',
                  'customer.create', 'plan.create', 'product.create', 'mfa.enable', 'mfa.reset', 'password.change'])[1 + floor(power(r.b, 2) * 25)::int],
           'license', ${idSql('11111111', `1 + floor(r.c * ${LICENSES})::int`)}, ${idSql('cccccccc', `1 + floor(r.c * ${CUSTOMERS})::int`)},
           '10.1.' || floor(r.d * 20)::int || '.' || floor(r.u * 250)::int, 'Mozilla/5.0 bench',
           (CASE WHEN r.e < 0.9 THEN 'INFO' WHEN r.e < 0.99 THEN 'WARNING' ELSE 'CRITICAL' END)::"Severity",
           jsonb_build_object('step', g, 'reason', 'bench event'), md5(g::text) || md5((g + 1)::text), md5((g + 1)::text) || md5(g::text)
    FROM generate_series(1, ${AUDIT_EVENTS}) AS g
    CROSS JOIN LATERAL (SELECT random() AS a, random() AS b, random() AS c, random() AS d, random() AS e, random() AS u, g AS k) AS r;
    UPDATE "AuditChainHead" SET "sequence" = ${AUDIT_EVENTS}, "hash" = md5((${AUDIT_EVENTS} + 1)::text) || md5(${AUDIT_EVENTS}::text), "createdAt" = now() WHERE "id" = 1;`],
  ['200,000 sign-in attempts', `INSERT INTO "SignInAttempt" ("email", "ip", "success", "reason", "createdAt")
    SELECT 'user' || (g % 500) || '@example.test', '10.2.' || (g % 40) || '.' || (g % 250), g % 20 <> 0, CASE WHEN g % 20 = 0 THEN 'bad_credentials' END,
           now() - interval '7 days' + (g::double precision / 200000) * interval '7 days'
    FROM generate_series(1, 200000) AS g`],
  ['50,000 Stripe events', `INSERT INTO "StripeEvent" ("id", "type", "status", "payload", "createdAt", "receivedAt")
    SELECT 'evt_bench_' || g, 'invoice.paid', (CASE WHEN g % 100 = 0 THEN 'FAILED' ELSE 'PROCESSED' END)::"StripeEventStatus", '{}',
           now() - interval '7 days' + (g::double precision / 50000) * interval '7 days', now() - interval '7 days' + (g::double precision / 50000) * interval '7 days'
    FROM generate_series(1, 50000) AS g`],
  ['IP blocks and alerts', `INSERT INTO "IpBlock" ("id", "ip", "reason", "source", "createdAt", "expiresAt")
    SELECT ${idSql('bbbbbbbb', 'g')}, '203.0.113.' || (g % 250), 'bench', 'SIGN_IN', now() - g * interval '10 minutes', now() - g * interval '10 minutes' + interval '3 days'
    FROM generate_series(1, 1000) AS g;
    INSERT INTO "SecurityAlert" ("id", "rule", "severity", "title", "status", "createdAt")
    SELECT ${idSql('dddddddd', 'g')}, 'license_many_ips', 'WARNING', 'bench alert', (CASE WHEN g % 3 = 0 THEN 'RESOLVED' ELSE 'OPEN' END)::"AlertStatus", now() - g * interval '1 hour'
    FROM generate_series(1, 1000) AS g`],
];

async function seed(): Promise<void> {
  await createMigratedDatabase(databaseUrl);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    for (const [label, sql] of SEED) {
      const started = performance.now();
      await client.query(sql);
      console.log(`  seeded ${label} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    }
    const started = performance.now();
    await client.query('VACUUM ANALYZE');
    console.log(`  VACUUM ANALYZE in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    await client.end();
  }
}

async function main(): Promise<void> {
  // The domain modules read their policy through env.ts; the bench needs no secrets of its own.
  Object.assign(process.env, { NODE_ENV: 'test', DATABASE_URL: databaseUrl });
  console.log(`Database: ${databaseUrl}`);
  if (process.env.BENCH_KEEP === '1') console.log('Reusing the seeded database (BENCH_KEEP=1).');
  else await seed();

  const { createAdapterFactory, createPrismaClient } = await import('../src/server/db');
  const security = await import('../src/server/security/dashboard');
  const { evaluateAlertRules, listAlerts } = await import('../src/server/security/alerts');
  const { listIpBlocks } = await import('../src/server/security/ip-block-admin');
  const risk = await import('../src/server/security/risk');
  const audit = await import('../src/server/audit');
  const db = createPrismaClient(await createAdapterFactory({ kind: 'postgres', url: databaseUrl }));

  // What each server's schedule does every minute: roll up the ended hours and days.
  const { refreshValidationRollups } = await import('../src/server/security/rollups');
  const rollupStarted = performance.now();
  await refreshValidationRollups(db);
  await audit.refreshAuditRollup(db);
  console.log(`  rolled up 7 days of validations and 30 days of audit events in ${((performance.now() - rollupStarted) / 1000).toFixed(1)} s (background work, once)`);
  const rollupRefreshStarted = performance.now();
  await refreshValidationRollups(db);
  await audit.refreshAuditRollup(db);
  console.log(`  a schedule run with the rollups up to date: ${(performance.now() - rollupRefreshStarted).toFixed(1)} ms`);

  const heavyLicense = '11111111-0000-4000-8000-000000000001';
  const customer = 'cccccccc-0000-4000-8000-000000000007';
  const now = new Date();
  const secondPageCursor = (await audit.listAuditEvents(db, {}, { limit: 50 })).nextCursor;
  const dayAgo = new Date(now.getTime() - 24 * 60 * 60 * 1000);

  const queries: [string, () => Promise<unknown>][] = [];
  for (const window of ['1h', '24h', '7d'] as const) {
    const since = security.windowStart(window, now);
    queries.push(
      [`dashboard ${window}: validations by outcome code (success rate, rate limited, 401/403, failure reasons)`, () => security.validationCodeCounts(db, since)],
      [`dashboard ${window}: validations over time by outcome`, () => security.validationsOverTime(db, window, now)],
      [`dashboard ${window}: top licenses, suspicious IPs, licenses on > 5 IPs`, () => security.licenseAndIpActivity(db, since, now)],
      [`dashboard ${window}: failed sign-ins per hour`, () => security.signInFailuresPerHour(db, since)],
      [`dashboard ${window}: webhook failures`, () => security.webhookFailures(db, since)],
      [`dashboard ${window}: blocked IPs`, () => security.blockedIpCounts(db, since, now)],
      [`dashboard ${window}: the whole dashboard in parallel`, () => security.getSecurityDashboard(db, window, now)],
    );
  }
  queries.push(
    ['dashboard: flagged licenses', () => security.flaggedLicenses(db)],
    ['dashboard: open alerts', () => security.openAlertCount(db)],
    ['list: validations 7d, 401/403 only', () => security.listValidationAttempts(db, { window: '7d', outcome: 'unauthorised' }, now)],
    ['list: validations 7d, one code', () => security.listValidationAttempts(db, { window: '7d', code: 'TOO_MANY_MACHINES' }, now)],
    ['list: validations 7d, one IP', () => security.listValidationAttempts(db, { window: '7d', ip: '203.0.113.7' }, now)],
    ['list: validations 7d, one license', () => security.listValidationAttempts(db, { window: '7d', licenseId: heavyLicense }, now)],
    ['list: failed sign-ins 7d', () => security.listSignInAttempts(db, { window: '7d', result: 'failed' }, now)],
    ['list: webhook failures 7d', () => security.listWebhookFailures(db, { window: '7d' }, now)],
    ['list: open alerts', () => listAlerts(db, { status: 'OPEN' })],
    ['list: active IP blocks', () => listIpBlocks(db, { state: 'active' }, now)],
    ['alerts: evaluate every rule', () => evaluateAlertRules(db, now)],
    ['explorer: newest page, no filter', () => audit.listAuditEvents(db, {})],
    ['explorer: second page by cursor', () => audit.listAuditEvents(db, {}, { cursor: secondPageCursor })],
    ['explorer: one action', () => audit.listAuditEvents(db, { action: 'mfa.reset' })],
    ['explorer: action prefix billing.*', () => audit.listAuditEvents(db, { action: 'billing.*' })],
    ['explorer: one actor (email)', () => audit.listAuditEvents(db, { actor: 'user42@example.test' })],
    ['explorer: one actor (id)', () => audit.listAuditEvents(db, { actor: 'aaaaaaaa-0000-4000-8000-00000000002a' })],
    ['explorer: one target', () => audit.listAuditEvents(db, { targetType: 'license', targetId: heavyLicense })],
    ['explorer: one IP', () => audit.listAuditEvents(db, { ip: '10.1.3.77' })],
    ['explorer: CRITICAL only', () => audit.listAuditEvents(db, { severity: 'CRITICAL' })],
    ['explorer: one day, three weeks ago', () => audit.listAuditEvents(db, { from: new Date(now.getTime() - 21 * 86_400_000), to: new Date(now.getTime() - 20 * 86_400_000) })],
    ['explorer: rare action in a week, 3 weeks ago', () => audit.listAuditEvents(db, { action: 'mfa.reset', from: new Date(now.getTime() - 28 * 86_400_000), to: new Date(now.getTime() - 21 * 86_400_000) })],
    ['explorer: one event', () => audit.getAuditEvent(db, '500000')],
    ['explorer: events per action per day, 30 days', () => audit.auditEventsPerDay(db, {}, now)],
    ['explorer: events per day, WARNING, 30 days', () => audit.auditEventsPerDay(db, { severity: 'WARNING' }, now)],
    ['explorer: export, first batch', async () => {
      const { auditExportStream } = await import('../src/server/audit/export');
      const reader = auditExportStream(db, { from: dayAgo }, 'csv', { exportedBy: 'bench' }).getReader();
      await reader.read();
      await reader.read();
      await reader.cancel();
    }],
    ['portal: customer activity', () => audit.listCustomerActivity(db, customer)],
    ['risk: license validations', () => risk.assessLicenseRisk(db, heavyLicense, now)],
    ['risk: user sign-ins', () => risk.assessSignInRisk(db, 'aaaaaaaa-0000-4000-8000-000000000001', now)],
    ['risk: customer payments', () => risk.assessPaymentRisk(db, customer)],
  );

  const results: { name: string; median: number; slowest: number }[] = [];
  for (const [name, run] of queries) {
    await run();
    const times: number[] = [];
    for (let i = 0; i < RUNS; i += 1) {
      const started = performance.now();
      await run();
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    results.push({ name, median: times[Math.floor(times.length / 2)]!, slowest: times[times.length - 1]! });
  }
  await db.$disconnect();

  const width = Math.max(...results.map((result) => result.name.length));
  console.log(`\n${'query'.padEnd(width)}  median ms  slowest ms  (budget ${BUDGET_MS} ms, ${RUNS} runs after a warm-up)`);
  for (const result of results) {
    const flag = result.slowest > BUDGET_MS ? '  OVER BUDGET' : '';
    console.log(`${result.name.padEnd(width)}  ${result.median.toFixed(1).padStart(9)}  ${result.slowest.toFixed(1).padStart(10)}${flag}`);
  }
  const over = results.filter((result) => result.slowest > BUDGET_MS);
  console.log(over.length === 0 ? `\nAll ${results.length} queries within ${BUDGET_MS} ms.` : `\n${over.length} of ${results.length} queries over ${BUDGET_MS} ms.`);
  process.exitCode = over.length === 0 ? 0 : 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
