import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it, vi } from 'vitest';
import { describeWithDatabase } from '../../../tests/helpers';
import { createMigratedDatabase, databaseName, databaseUrlWithName, quoteIdent, TEST_DATABASE_URL, withMaintenanceClient } from '../../../tests/services';
import { createAdapterFactory, createPrismaClient, type Db } from '../db';
import { publicKeyDocument, serverSigningKey } from '../licensing/signing';
import {
  applyAuditRetention,
  checkpointChainHead,
  checkpointIfDue,
  checkpointsFromExport,
  exportCheckpoints,
  hashAuditEvent,
  recordAuditEvent,
  verifyAuditChain,
  verifyAuditIntegrity,
  verifyCheckpointsAgainstTable,
} from '.';

// Checkpoints every 3 events, so seven events carry checkpoints at 3 and 6. Read when the policy
// is first consulted in this file's process, and restored for the files after it.
vi.stubEnv('AUDIT_CHECKPOINT_EVERY_EVENTS', '3');

const CLI = path.resolve('scripts/cli.ts');
const TSX = path.resolve('node_modules/.bin/tsx');

async function withSql<T>(url: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** Runs the admin CLI against `url`; resolves with its exit code and JSON output. */
function runCli(url: string, args: string[]): Promise<{ code: number | null; output: Record<string, unknown> | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    // No signing key in its environment: the CLI has its own (ephemeral) one, so only --public-key can verify.
    const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: url, NODE_ENV: 'test', LICENSE_SIGNING_PRIVATE_KEY: '', AUDIT_CHECKPOINT_EVERY_EVENTS: '' };
    const child = spawn(TSX, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      let output: Record<string, unknown> | null = null;
      try {
        output = JSON.parse(stdout) as Record<string, unknown>;
      } catch {
        output = null;
      }
      resolve({ code, output, stderr });
    });
  });
}

/**
 * Each test gets a fresh copy of a migrated database with seven events (checkpoints at 3 and 6),
 * tampers with it in SQL as a superuser would (triggers off), and expects the integrity check
 * behind "Verify chain" and `audit:verify` to name the first broken link.
 */
describeWithDatabase('audit integrity: tampering in SQL', () => {
  const templateUrl = databaseUrlWithName(TEST_DATABASE_URL, `licensor_test_integrity_${randomBytes(6).toString('hex')}`);
  let url: string;
  let db: Db;

  beforeAll(async () => {
    await createMigratedDatabase(templateUrl);
  });

  afterAll(async () => {
    vi.unstubAllEnvs();
    await withMaintenanceClient(templateUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${quoteIdent(databaseName(templateUrl))} WITH (FORCE)`));
  });

  beforeEach(async () => {
    url = `${templateUrl}_${randomBytes(4).toString('hex')}`;
    await withMaintenanceClient(url, (client) => client.query(`CREATE DATABASE ${quoteIdent(databaseName(url))} TEMPLATE ${quoteIdent(databaseName(templateUrl))}`));
    db = createPrismaClient(await createAdapterFactory({ kind: 'postgres', url }));
    for (let i = 1; i <= 7; i += 1) {
      await recordAuditEvent(db, {
        actor: { type: 'user', id: `user-${i}`, label: `user${i}@example.test` },
        action: `test.event_${i}`,
        target: { type: 'license', id: `license-${i}` },
        metadata: { step: i },
      });
    }
  });

  afterEach(async () => {
    await db.$disconnect();
    await withMaintenanceClient(url, (client) => client.query(`DROP DATABASE IF EXISTS ${quoteIdent(databaseName(url))} WITH (FORCE)`));
  });

  const tamper = (...statements: [string, unknown[]?][]) =>
    withSql(url, async (sql) => {
      await sql.query('SET session_replication_role = replica');
      for (const [statement, params] of statements) await sql.query(statement, params);
    });

  it('verifies an untouched chain and signs a checkpoint every N events', async () => {
    const checkpoints = await db.auditCheckpoint.findMany({ orderBy: { sequence: 'asc' } });
    expect(checkpoints.map((checkpoint) => [checkpoint.sequence, checkpoint.reason])).toEqual([
      [3n, 'every_n_events'],
      [6n, 'every_n_events'],
    ]);
    expect(await verifyAuditIntegrity(db)).toMatchObject({ ok: true, checkedEvents: 7, headSequence: 7n, start: null, brokenAt: null, checkpoints: { matched: 2, retired: 0 } });
  });

  it('names a modified event', async () => {
    await tamper([`UPDATE "AuditEvent" SET "metadata" = '{"step": 50}' WHERE "sequence" = 5`]);
    expect(await verifyAuditIntegrity(db)).toMatchObject({ ok: false, brokenAt: 5n, reason: expect.stringContaining('modified') });
  });

  it('names a deleted event', async () => {
    await tamper([`DELETE FROM "AuditEvent" WHERE "sequence" = 4`]);
    expect(await verifyAuditIntegrity(db)).toMatchObject({ ok: false, brokenAt: 4n, reason: expect.stringContaining('missing (deleted)') });
  });

  it('names the link after an inserted event, even one hashed correctly onto its predecessor', async () => {
    const third = await db.auditEvent.findUniqueOrThrow({ where: { sequence: 3n } });
    const forged = { ...third, sequence: 4n, action: 'test.forged', metadata: {}, prevHash: third.hash, createdAt: new Date(third.createdAt.getTime() + 1) };
    await tamper(
      ...[7, 6, 5, 4].map((sequence): [string] => [`UPDATE "AuditEvent" SET "sequence" = ${sequence + 1} WHERE "sequence" = ${sequence}`]),
      [
        `INSERT INTO "AuditEvent" ("sequence", "createdAt", "actorType", "actorId", "actorLabel", "action", "targetType", "targetId", "severity", "metadata", "prevHash", "hash")
         VALUES (4, $1, $2, $3, $4, 'test.forged', $5, $6, 'INFO', '{}', $7, $8)`,
        [forged.createdAt, forged.actorType, forged.actorId, forged.actorLabel, forged.targetType, forged.targetId, forged.prevHash, hashAuditEvent(forged)],
      ],
      [`UPDATE "AuditChainHead" SET "sequence" = 8 WHERE "id" = 1`],
    );
    expect(await verifyAuditIntegrity(db)).toMatchObject({ ok: false, brokenAt: 5n, reason: expect.stringContaining('inserted or reordered') });
  });

  it('names reordered events', async () => {
    await tamper(
      [`UPDATE "AuditEvent" SET "sequence" = -1 WHERE "sequence" = 4`],
      [`UPDATE "AuditEvent" SET "sequence" = 4 WHERE "sequence" = 5`],
      [`UPDATE "AuditEvent" SET "sequence" = 5 WHERE "sequence" = -1`],
    );
    const rows = await db.auditEvent.findMany({ where: { sequence: { in: [4n, 5n] } }, orderBy: { sequence: 'asc' } });
    expect(rows.map((row) => row.action)).toEqual(['test.event_5', 'test.event_4']);
    expect(await verifyAuditIntegrity(db)).toMatchObject({ ok: false, brokenAt: 4n, reason: expect.stringContaining('reordered') });
  });

  it('detects a rewrite of the whole table through the signed checkpoints, online and from an exported file', async () => {
    const exported = await exportCheckpoints(db);
    expect(exported.checkpoints.map((checkpoint) => checkpoint.sequence)).toEqual(['3', '6']);
    // The attacker changes event 2 and re-hashes every event after it, and the head, consistently.
    const rows = await db.auditEvent.findMany({ orderBy: { sequence: 'asc' } });
    const statements: [string, unknown[]][] = [];
    let prevHash = rows[0]!.hash;
    for (const row of rows.slice(1)) {
      const rewritten = { ...row, prevHash, metadata: row.sequence === 2n ? { step: 2, note: 'nothing happened' } : row.metadata };
      const hash = hashAuditEvent(rewritten);
      statements.push([`UPDATE "AuditEvent" SET "metadata" = $1, "prevHash" = $2, "hash" = $3 WHERE "sequence" = $4`, [JSON.stringify(rewritten.metadata), prevHash, hash, row.sequence.toString()]]);
      prevHash = hash;
    }
    statements.push([`UPDATE "AuditChainHead" SET "hash" = $1 WHERE "id" = 1`, [prevHash]]);
    await tamper(...statements);

    // The chain alone cannot tell: every link is consistent.
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true, checked: 7 });
    // The checkpoint signed at event 3 no longer matches.
    expect(await verifyAuditIntegrity(db)).toMatchObject({ ok: false, brokenAt: 3n, reason: expect.stringContaining('rewritten') });

    // Deleting the stored checkpoints too hides it online, but not from the file kept offline.
    await tamper([`DELETE FROM "AuditCheckpoint"`]);
    expect(await verifyAuditIntegrity(db)).toMatchObject({ ok: true });
    const offline = await verifyCheckpointsAgainstTable(db, checkpointsFromExport(exported), serverSigningKey());
    expect(offline).toMatchObject({ ok: false, matched: 0 });
    expect(offline.problems.map((problem) => problem.sequence)).toEqual([3n, 6n]);

    // The CLI, with only the public key (from the export) to verify with.
    const dir = mkdtempSync(path.join(tmpdir(), 'licensor-checkpoints-'));
    try {
      writeFileSync(path.join(dir, 'checkpoints.json'), JSON.stringify(exported));
      writeFileSync(path.join(dir, 'public-key.pem'), publicKeyDocument().publicKeyPem);
      const result = await runCli(url, ['audit:verify', '--checkpoints', path.join(dir, 'checkpoints.json'), '--public-key', path.join(dir, 'public-key.pem')]);
      expect(result.code, result.stderr).toBe(1);
      expect(result.output).toMatchObject({ ok: false, firstBrokenLink: { sequence: '3', reason: expect.stringContaining('rewritten') }, exportedCheckpoints: { ok: false, matched: 0 } });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('refuses a forged checkpoint (its signature does not verify)', async () => {
    const head = await db.auditChainHead.findUniqueOrThrow({ where: { id: 1 } });
    await db.auditCheckpoint.create({
      data: { sequence: head.sequence, hash: head.hash, keyId: publicKeyDocument().keyId, signature: Buffer.alloc(64, 7).toString('base64'), reason: 'manual' },
    });
    expect(await verifyAuditIntegrity(db)).toMatchObject({ ok: false, brokenAt: 7n, reason: expect.stringContaining('signature does not verify') });
  });

  it('keeps checkpoints append-only in the database', async () => {
    await withSql(url, async (sql) => {
      await expect(sql.query(`UPDATE "AuditCheckpoint" SET "hash" = 'x'`)).rejects.toThrow('audit checkpoints are append-only (UPDATE refused)');
      await expect(sql.query(`DELETE FROM "AuditCheckpoint"`)).rejects.toThrow('audit checkpoints are append-only (DELETE refused)');
      await expect(sql.query(`TRUNCATE "AuditCheckpoint"`)).rejects.toThrow('audit checkpoints are append-only (TRUNCATE refused)');
    });
  });

  it('retention removes old events through a signed cut, and the rest still verifies', async () => {
    // Events 8 to 10 come later than the cutoff, which is set between event 7 and them.
    await new Promise((resolve) => setTimeout(resolve, 20));
    const later = [];
    for (let i = 8; i <= 10; i += 1) later.push(await recordAuditEvent(db, { actor: { type: 'system' }, action: `test.event_${i}` }));
    const now = new Date(later[0]!.createdAt.getTime() + 24 * 60 * 60 * 1000);

    // At most 4 per transaction: cuts at 4 and 7, each signed first.
    const run = await applyAuditRetention(db, { now, retentionDays: 1, batchSize: 4 });
    expect(run).toMatchObject({ removed: 7, removedThrough: 7n });
    expect(await db.auditEvent.count({ where: { sequence: { lte: 7n } } })).toBe(0);
    const cuts = await db.auditCheckpoint.findMany({ where: { reason: 'retention' }, orderBy: { sequence: 'asc' } });
    expect(cuts.map((cut) => cut.sequence)).toEqual([4n, 7n]);
    const retentionEvents = await db.auditEvent.findMany({ where: { action: 'audit.retention' }, orderBy: { sequence: 'asc' } });
    expect(retentionEvents.map((event) => event.metadata)).toEqual([
      expect.objectContaining({ removed: 4, removedThrough: '4' }),
      expect.objectContaining({ removed: 3, removedThrough: '7' }),
    ]);

    const report = await verifyAuditIntegrity(db);
    expect(report).toMatchObject({ ok: true, start: { sequence: 7n, hash: cuts[1]!.hash }, checkedEvents: 5, headSequence: 12n });
    // Checkpoints of removed events are retired, not failures.
    expect(report.checkpoints).toMatchObject({ retired: 4, problems: [] });
    expect(await verifyAuditChain(db, { start: { sequence: 7n, hash: cuts[1]!.hash } })).toMatchObject({ ok: true, checked: 5 });
    // Nothing is old enough any more: a second run changes nothing.
    expect(await applyAuditRetention(db, { now, retentionDays: 1 })).toMatchObject({ removed: 0 });

    // A deletion dressed up as retention, without the signed cut, is named.
    await withSql(url, async (sql) => {
      await sql.query('BEGIN');
      await sql.query(`SELECT set_config('licensor.audit_retention', 'on', true)`);
      await sql.query('DELETE FROM "AuditEvent" WHERE "sequence" <= 9');
      await sql.query('COMMIT');
    });
    expect(await verifyAuditIntegrity(db)).toMatchObject({ ok: false, brokenAt: 8n, reason: expect.stringContaining('no signed retention checkpoint') });
  });

  it('audit:verify exits 0 on an intact chain', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'licensor-checkpoints-'));
    try {
      writeFileSync(path.join(dir, 'public-key.pem'), publicKeyDocument().publicKeyPem);
      writeFileSync(path.join(dir, 'checkpoints.json'), JSON.stringify(await exportCheckpoints(db)));
      const result = await runCli(url, ['audit:verify', '--public-key', path.join(dir, 'public-key.pem'), '--checkpoints', path.join(dir, 'checkpoints.json')]);
      expect(result.code, result.stderr).toBe(0);
      expect(result.output).toMatchObject({ ok: true, firstBrokenLink: null, checkedEvents: 7, exportedCheckpoints: { ok: true, matched: 2 } });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('signs the head on demand once, and hourly only when one is due', async () => {
    expect(await db.$transaction((tx) => checkpointChainHead(tx, 'manual'))).toMatchObject({ sequence: 7n, reason: 'manual' });
    // The head is already signed.
    expect(await db.$transaction((tx) => checkpointChainHead(tx, 'manual'))).toBeNull();
    await recordAuditEvent(db, { actor: { type: 'system' }, action: 'test.event_8' });
    expect(await checkpointIfDue(db, 3600)).toBeNull();
    expect(await checkpointIfDue(db, 3600, new Date(Date.now() + 2 * 60 * 60 * 1000))).toMatchObject({ sequence: 8n, reason: 'hourly' });
    expect(await verifyAuditIntegrity(db)).toMatchObject({ ok: true, checkpoints: { matched: 4 } });
  });
});
