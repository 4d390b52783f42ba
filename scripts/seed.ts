/**
 * Demo data for development and screenshots: `npm run db:seed`.
 *
 * One product with two plans, three customers (one through a reseller), a sign-in for each
 * customer and for the reseller, licenses in every status (one flagged), machines, and a week of
 * validation attempts with counters to match. Everything is created through the same domain
 * functions as the app, so it is audited like real work. Refused in production. A second run
 * finds the demo product and changes nothing. With the embedded database, stop the dev server
 * first: PGlite's directory must not be opened by two processes.
 */
import { randomBytes, randomInt } from 'node:crypto';
import type { LicenseStatus } from '../src/generated/prisma/enums';
import { generateStrongPassword, passwordProblems } from '../src/lib/password-rules';
import { recordAuditEvent, type AuditActor } from '../src/server/audit';
import { createUser } from '../src/server/auth';
import { databaseTarget, disconnectDb, getDb, Prisma, type Db } from '../src/server/db';
import { ConfigurationError, getEnv } from '../src/server/env';
import { createCustomer, createPlan, createProduct, issueLicense, type IssuedLicense } from '../src/server/licensing';

const DEMO_PRODUCT_SLUG = 'licensor-panel';
const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;
// Panels re-check well within the protocol's 24 h; every 6 h gives a readable week of traffic.
const CHECK_INTERVAL_MS = 6 * HOUR_MS;
const TRAFFIC_WINDOW_MS = 7 * DAY_MS;
// The flagged license's story: its key leaked and was tried from many addresses and machines.
const LEAK = { attempts: 25, addresses: 14 };
const seedActor: AuditActor = { type: 'cli', label: 'db:seed' };

const now = new Date();
const ago = (ms: number) => new Date(now.getTime() - ms);
const chance = (probability: number) => randomInt(1_000_000) < probability * 1_000_000;
const pick = <T>(items: readonly T[]): T => items[randomInt(items.length)]!;
const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const PANEL_USER_AGENTS = ['LicensorPanel/2.4.1 (linux; x64)', 'LicensorPanel/2.4.1 (linux; arm64)', 'LicensorPanel/2.3.7 (linux; x64)'];

/** One generated password shared by the demo sign-ins, drawn again until the policy accepts it for each of them. */
function demoPassword(users: { email: string; name: string }[]): string {
  for (;;) {
    const password = generateStrongPassword();
    if (users.every((user) => passwordProblems(password, { ...user, requireCharacterClasses: true }).length === 0)) return password;
  }
}

type DemoMachine = { fingerprint: string; hostname: string; platform: string; ip: string; activatedAt: Date; deactivatedAt?: Date };

type DemoLicense = {
  label: string;
  issued: IssuedLicense;
  issuedAt: Date;
  /** When a non-ACTIVE status took effect: from then on every attempt gets that status as its code. */
  status: LicenseStatus;
  statusSince?: Date;
  flaggedSince?: Date;
  autoActivate: boolean;
  features: string[];
  machines: DemoMachine[];
};

/** `count` servers of one customer, on consecutive addresses of a documentation subnet, activated 3 days apart. */
function demoMachines(count: number, domain: string, firstIp: string, firstActivatedAt: Date): DemoMachine[] {
  const subnet = firstIp.slice(0, firstIp.lastIndexOf('.'));
  const firstHost = Number(firstIp.slice(firstIp.lastIndexOf('.') + 1));
  return Array.from({ length: count }, (_, index) => ({
    fingerprint: `fp-${hex(16)}`,
    hostname: `panel-${String(index + 1).padStart(2, '0')}.${domain}`,
    platform: pick(['linux-x64', 'linux-x64', 'linux-arm64']),
    ip: `${subnet}.${firstHost + index}`,
    activatedAt: new Date(firstActivatedAt.getTime() + index * 3 * DAY_MS),
  }));
}

type ValidationRow = Prisma.LicenseValidationCreateManyInput & { createdAt: Date; success: boolean; ip: string };

function attempt(license: DemoLicense | null, at: Date, ip: string, fingerprint: string, code: string, feature?: string): ValidationRow {
  return {
    licenseId: license?.issued.license.id ?? null,
    kind: 'validate',
    success: code === 'VALID',
    code,
    ip,
    userAgent: pick(PANEL_USER_AGENTS),
    fingerprint,
    feature: feature ?? null,
    nonce: randomBytes(18).toString('base64url'),
    signature: license ? hex(32) : null,
    createdAt: at,
  };
}

/** The code the validate pipeline gives at `at`, for the rules that depend on license state (PROTOCOL.md section 4). */
function stateCode(license: DemoLicense, at: Date): string | null {
  if (license.statusSince && at >= license.statusSince) return license.status;
  if (license.flaggedSince && at >= license.flaggedSince) return 'FLAGGED';
  return null;
}

/** A week of panel check-ins: every machine about every 6 hours, plus the odd failure each license's story calls for. */
function demoTraffic(licenses: DemoLicense[]): ValidationRow[] {
  const rows: ValidationRow[] = [];
  const windowStart = ago(TRAFFIC_WINDOW_MS);
  for (const license of licenses) {
    for (const machine of license.machines) {
      const start = Math.max(windowStart.getTime(), machine.activatedAt.getTime());
      const end = machine.deactivatedAt?.getTime() ?? now.getTime();
      let time = start + randomInt(CHECK_INTERVAL_MS);
      while (time < end) {
        const at = new Date(time);
        const refusal = stateCode(license, at);
        const feature = chance(0.1) ? pick(['reports', 'api']) : undefined;
        const entitled = feature === undefined || license.features.includes(feature);
        rows.push(attempt(license, at, machine.ip, machine.fingerprint, refusal ?? (entitled ? 'VALID' : 'FEATURE_NOT_ENTITLED'), feature));
        // A refused panel falls back to one retry a day.
        time += (refusal ? DAY_MS : CHECK_INTERVAL_MS) + randomInt(-HOUR_MS, HOUR_MS);
      }
    }
    // A new server tried before anyone activated it: refused on plans without auto-activation.
    if (!license.autoActivate && license.machines[0]) {
      const fingerprint = `fp-${hex(16)}`;
      for (let index = 0; index < 3; index += 1) {
        const at = ago(randomInt(TRAFFIC_WINDOW_MS));
        rows.push(attempt(license, at, license.machines[0].ip, fingerprint, stateCode(license, at) ?? 'FINGERPRINT_MISMATCH'));
      }
    }
    // The flagged license's key leaked: many addresses and unknown machines, from a day before the flag until now.
    if (license.flaggedSince) {
      const leakStart = license.flaggedSince.getTime() - DAY_MS;
      for (let index = 0; index < LEAK.attempts; index += 1) {
        const at = new Date(leakStart + randomInt(now.getTime() - leakStart));
        const ip = `198.51.100.${100 + (index % LEAK.addresses)}`;
        rows.push(attempt(license, at, ip, `fp-${hex(16)}`, stateCode(license, at) ?? 'FINGERPRINT_MISMATCH'));
      }
    }
  }
  // Key guessing from scanners: well-formed keys with a failed check value, logged with no license.
  for (let index = 0; index < 30; index += 1) {
    rows.push(attempt(null, ago(randomInt(TRAFFIC_WINDOW_MS)), pick(['192.0.2.66', '192.0.2.67', '2001:db8:bad::17']), `fp-${hex(8)}`, 'NOT_FOUND'));
  }
  return rows.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
}

/** Writes a license's status, flag, backdated issue date and counters, with the audit events an admin's action would leave. */
async function applyLicenseState(db: Db, license: DemoLicense, rows: ValidationRow[]) {
  const id = license.issued.license.id;
  const own = rows.filter((row) => row.licenseId === id);
  const latest = own.at(-1);
  const durationMs = license.issued.license.expiresAt ? license.issued.license.expiresAt.getTime() - license.issued.license.createdAt.getTime() : null;
  await db.$transaction(async (tx) => {
    await tx.license.update({
      where: { id },
      data: {
        createdAt: license.issuedAt,
        status: license.status,
        expiresAt:
          license.status === 'EXPIRED' ? license.statusSince : durationMs === null ? null : new Date(license.issuedAt.getTime() + durationMs),
        suspendedAt: license.status === 'SUSPENDED' ? license.statusSince : null,
        revokedAt: license.status === 'REVOKED' ? license.statusSince : null,
        overdueSince: license.status === 'OVERDUE' ? license.statusSince : null,
        suspicious: license.flaggedSince !== undefined,
        suspiciousReason: license.flaggedSince ? `Validated from ${LEAK.addresses} IP addresses and ${LEAK.attempts} unknown machines within 24 hours` : null,
        flaggedAt: license.flaggedSince ?? null,
        riskScore: license.flaggedSince ? 0.87 : 0.05,
        // validationCount counts every attempt on the license, failedValidationCount the refused ones.
        validationCount: own.length,
        failedValidationCount: own.filter((row) => !row.success).length,
        lastValidatedAt: latest?.createdAt ?? null,
        lastValidationIp: latest?.ip ?? null,
      },
    });
    const target = { type: 'license', id };
    const customerId = license.issued.license.customerId;
    const keyLast4 = license.issued.license.keyLast4;
    if (license.status === 'SUSPENDED' || license.status === 'REVOKED') {
      const action = license.status === 'SUSPENDED' ? 'license.suspend' : 'license.revoke';
      await recordAuditEvent(tx, { actor: seedActor, action, target, customerId, severity: 'WARNING', metadata: { keyLast4, reason: 'Demo data' } });
    }
    if (license.flaggedSince) {
      await recordAuditEvent(tx, { actor: { type: 'system', label: 'anomaly detection' }, action: 'license.flag', target, customerId, severity: 'WARNING', metadata: { keyLast4 } });
      await tx.securityAlert.create({
        data: {
          rule: 'license.many_ips',
          severity: 'WARNING',
          title: `License …${keyLast4} validated from ${LEAK.addresses} IP addresses in 24 hours`,
          detail: { distinctIps: LEAK.addresses, unknownMachines: LEAK.attempts, windowHours: 24 },
          licenseId: id,
          customerId,
          ip: latest?.ip ?? null,
          createdAt: license.flaggedSince,
        },
      });
    }
  });
}

async function seed(db: Db): Promise<void> {
  const existing = await db.product.findUnique({ where: { slug: DEMO_PRODUCT_SLUG }, select: { id: true } });
  if (existing) {
    console.log(`Demo data is already present (product "${DEMO_PRODUCT_SLUG}" exists): nothing to do. \`npm run db:reset\` starts over.`);
    return;
  }

  const product = await createProduct(db, { name: 'Licensor Panel', slug: DEMO_PRODUCT_SLUG, keyPrefix: 'LK', description: 'The hosting control panel our customers install.' }, seedActor);
  const starter = await createPlan(
    db,
    { productId: product.id, name: 'Starter', durationDays: 365, maxMachines: 2, features: ['core'], quotas: {}, autoActivate: false, priceCents: 19_00 },
    seedActor,
  );
  const business = await createPlan(
    db,
    { productId: product.id, name: 'Business', durationDays: null, maxMachines: 10, features: ['core', 'reports', 'api'], quotas: { api: 10_000 }, priceCents: 99_00 },
    seedActor,
  );

  const signIns = {
    reseller: { email: 'partner@northstar-resellers.example', name: 'Northstar Resellers' },
    acme: { email: 'ops@acme-hosting.example', name: 'Ada Ops' },
    northwind: { email: 'admin@northwind-web.example', name: 'Nora Wind' },
    globex: { email: 'sysadmin@globex-dc.example', name: 'Gus Globex' },
  };
  const password = demoPassword(Object.values(signIns));
  const reseller = await createUser(db, { ...signIns.reseller, role: 'RESELLER', password }, seedActor);
  const customers = {
    acme: await createCustomer(db, { name: 'Acme Hosting', email: 'billing@acme-hosting.example' }, seedActor),
    northwind: await createCustomer(db, { name: 'Northwind Web Services', email: 'accounts@northwind-web.example' }, seedActor),
    globex: await createCustomer(db, { name: 'Globex Datacenters', email: 'it@globex-dc.example', resellerId: reseller.id }, seedActor),
  };
  const customerUsers = [
    await createUser(db, { ...signIns.acme, role: 'CUSTOMER', customerId: customers.acme.id, password }, seedActor),
    await createUser(db, { ...signIns.northwind, role: 'CUSTOMER', customerId: customers.northwind.id, password }, seedActor),
    await createUser(db, { ...signIns.globex, role: 'CUSTOMER', customerId: customers.globex.id, password }, seedActor),
  ];

  const resellerActor: AuditActor = { type: 'user', id: reseller.id, label: reseller.email };
  const issue = (customerId: string, planId: string, byReseller = false) =>
    issueLicense(
      db,
      byReseller ? { customerId, planId, issuedVia: 'RESELLER', issuedById: reseller.id } : { customerId, planId, issuedVia: 'ADMIN' },
      byReseller ? resellerActor : seedActor,
    );
  const starterPolicy = { autoActivate: starter.autoActivate, features: starter.features };
  const businessPolicy = { autoActivate: business.autoActivate, features: business.features };
  const licenses: DemoLicense[] = [
    {
      label: 'Acme, Business',
      issued: await issue(customers.acme.id, business.id),
      issuedAt: ago(120 * DAY_MS),
      status: 'ACTIVE',
      ...businessPolicy,
      machines: demoMachines(5, 'acme-hosting.example', '203.0.113.10', ago(110 * DAY_MS)),
    },
    {
      label: 'Acme, Starter',
      issued: await issue(customers.acme.id, starter.id),
      issuedAt: ago(200 * DAY_MS),
      status: 'SUSPENDED',
      statusSince: ago(2 * DAY_MS),
      ...starterPolicy,
      machines: demoMachines(1, 'staging.acme-hosting.example', '203.0.113.200', ago(190 * DAY_MS)),
    },
    {
      label: 'Northwind, Starter',
      issued: await issue(customers.northwind.id, starter.id),
      issuedAt: ago(60 * DAY_MS),
      status: 'ACTIVE',
      flaggedSince: ago(20 * HOUR_MS),
      ...starterPolicy,
      machines: demoMachines(2, 'northwind-web.example', '198.51.100.20', ago(58 * DAY_MS)),
    },
    {
      label: 'Northwind, Business',
      issued: await issue(customers.northwind.id, business.id),
      issuedAt: ago(90 * DAY_MS),
      status: 'OVERDUE',
      statusSince: ago(4 * DAY_MS),
      ...businessPolicy,
      machines: demoMachines(2, 'cluster.northwind-web.example', '198.51.100.60', ago(85 * DAY_MS)),
    },
    {
      label: 'Globex, Starter',
      issued: await issue(customers.globex.id, starter.id, true),
      issuedAt: ago(30 * DAY_MS),
      status: 'ACTIVE',
      ...starterPolicy,
      machines: demoMachines(2, 'globex-dc.example', '192.0.2.10', ago(29 * DAY_MS)),
    },
    {
      label: 'Globex, Starter (lapsed)',
      issued: await issue(customers.globex.id, starter.id, true),
      issuedAt: ago(368 * DAY_MS),
      status: 'EXPIRED',
      statusSince: ago(3 * DAY_MS),
      ...starterPolicy,
      machines: demoMachines(1, 'legacy.globex-dc.example', '192.0.2.150', ago(360 * DAY_MS)),
    },
    {
      label: 'Globex, Starter (revoked)',
      issued: await issue(customers.globex.id, starter.id, true),
      issuedAt: ago(150 * DAY_MS),
      status: 'REVOKED',
      statusSince: ago(5 * DAY_MS),
      ...starterPolicy,
      machines: demoMachines(1, 'lab.globex-dc.example', '192.0.2.180', ago(140 * DAY_MS)),
    },
  ];
  // One retired server on the healthy license: deactivated three days ago, its seat freed.
  const retired = licenses[0]!.machines[4]!;
  retired.deactivatedAt = ago(3 * DAY_MS);

  const rows = demoTraffic(licenses);
  await db.machine.createMany({
    data: licenses.flatMap((license) =>
      license.machines.map((machine) => {
        const lastSuccess = rows.findLast((row) => row.fingerprint === machine.fingerprint && row.success);
        return {
          licenseId: license.issued.license.id,
          fingerprint: machine.fingerprint,
          hostname: machine.hostname,
          platform: machine.platform,
          activatedAt: machine.activatedAt,
          deactivatedAt: machine.deactivatedAt ?? null,
          lastSeenAt: lastSuccess?.createdAt ?? machine.activatedAt,
        };
      }),
    ),
  });
  await db.licenseValidation.createMany({ data: rows });
  for (const license of licenses) await applyLicenseState(db, license, rows);

  const target = databaseTarget();
  const count = (status: LicenseStatus) => licenses.filter((license) => license.status === status).length;
  const failed = rows.filter((row) => !row.success).length;
  const showcase = licenses[0]!.issued;
  console.log(`Seeded demo data into ${target.kind === 'postgres' ? 'PostgreSQL' : `embedded PGlite at ${target.dataDir}`}:`);
  console.log(`  product      ${product.name} (key prefix ${product.keyPrefix}), plans ${starter.name} and ${business.name}`);
  console.log(`  customers    ${Object.values(customers).map((customer) => customer.name).join(', ')} (the last through ${reseller.name})`);
  console.log(
    `  licenses     ${licenses.length}: ${(['ACTIVE', 'SUSPENDED', 'REVOKED', 'EXPIRED', 'OVERDUE'] as const).map((status) => `${count(status)} ${status}`).join(', ')}; 1 flagged suspicious`,
  );
  console.log(`  machines     ${licenses.reduce((sum, license) => sum + license.machines.length, 0)} (1 deactivated)`);
  console.log(`  validations  ${rows.length} over the last 7 days, ${failed} refused`);
  console.log('');
  console.log('Demo sign-ins (this password is shown only now):');
  for (const user of [reseller, ...customerUsers]) console.log(`  ${user.role.toLowerCase().padEnd(9)} ${user.email}`);
  console.log(`  password  ${password}`);
  console.log('');
  console.log(`To call the API as a panel: license ${showcase.licenseKey} (${licenses[0]!.label}), signing secret ${showcase.signingSecret}`);
  console.log('No admin was created: finish first-run setup in the browser, or `npm run cli -- admin:create --email ... --password ...`.');
}

async function main(): Promise<number> {
  let env;
  try {
    env = getEnv();
  } catch (error) {
    if (error instanceof ConfigurationError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  }
  if (env.isProduction) {
    console.error('db:seed refuses to run in production (NODE_ENV=production): it creates demo users with a known password and fake licenses.');
    return 1;
  }
  try {
    await seed(await getDb());
    return 0;
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2021') {
      console.error('The database has no Licensor tables yet: run `npm run db:migrate` first.');
      return 1;
    }
    throw error;
  } finally {
    await disconnectDb();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error('db:seed failed:', error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
