import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { describeWithDatabase, unique } from '../../../tests/helpers';
import {
  createMigratedDatabase,
  databaseName,
  databaseUrlWithName,
  quoteIdent,
  TEST_DATABASE_URL,
  withMaintenanceClient,
} from '../../../tests/services';
import { createAdapterFactory, createPrismaClient, disconnectDb, getDb, type Db } from '../db';
import { GENESIS_HASH, hashAuditEvent, recordAuditEvent, REDACTED, verifyAuditChain } from '.';

const TSX = path.resolve('node_modules/.bin/tsx');
const APPEND_SCRIPT = path.resolve('tests/fixtures/append-audit-events.ts');

async function head(db: Db): Promise<{ sequence: bigint; hash: string }> {
  const row = await db.auditChainHead.findUniqueOrThrow({ where: { id: 1 } });
  return { sequence: row.sequence, hash: row.hash };
}

/** Runs `run` with a raw pg connection to `url`. */
async function withSql<T>(url: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** Starts the append fixture; resolves once it is connected and waiting for the go signal. */
function startAppender(count: number, label: string) {
  const child = spawn(TSX, [APPEND_SCRIPT, String(count), label], {
    env: { ...process.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const ready = new Promise<void>((resolve, reject) => {
    const check = () => {
      if (stdout.startsWith('ready\n')) resolve();
    };
    child.stdout.on('data', check);
    void exited.then((code) => reject(new Error(`appender ${label} exited (${code}) before it was ready:\n${stderr}`)));
  });
  return {
    ready,
    go: () => child.stdin.end('go\n'),
    /** The sequence numbers the child appended, once it has exited successfully. */
    result: exited.then((code) => {
      if (code !== 0) throw new Error(`appender ${label} exited with ${code}:\n${stderr}\n${stdout}`);
      const lines = stdout.trim().split('\n');
      return (JSON.parse(lines[lines.length - 1]!) as string[]).map(BigInt);
    }),
    kill: () => child.kill('SIGKILL'),
  };
}

describeWithDatabase('audit log on the shared worker database', () => {
  afterAll(async () => {
    await disconnectDb();
  });

  it('keeps one contiguous, valid chain when two processes append 50 events concurrently', async () => {
    const db = await getDb();
    const before = await head(db);
    const countBefore = await db.auditEvent.count();
    const labelA = unique('proc-a');
    const labelB = unique('proc-b');
    const a = startAppender(25, labelA);
    const b = startAppender(25, labelB);
    try {
      await Promise.all([a.ready, b.ready]);
      a.go();
      b.go();
      const [fromA, fromB] = await Promise.all([a.result, b.result]);
      expect(fromA).toHaveLength(25);
      expect(fromB).toHaveLength(25);

      const after = await head(db);
      expect(after.sequence).toBe(before.sequence + 50n);
      expect(await db.auditEvent.count()).toBe(countBefore + 50);
      const expected = Array.from({ length: 50 }, (_, i) => before.sequence + 1n + BigInt(i));
      const appended = [...fromA, ...fromB].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
      expect(appended).toEqual(expected);

      const rows = await db.auditEvent.findMany({
        where: { sequence: { gt: before.sequence } },
        orderBy: { sequence: 'asc' },
      });
      expect(rows.map((row) => row.sequence)).toEqual(expected);
      expect(rows[0]!.prevHash).toBe(before.hash);
      expect(rows[rows.length - 1]!.hash).toBe(after.hash);
      const labels = rows.map((row) => row.actorLabel);
      expect(labels.filter((label) => label === labelA)).toHaveLength(25);
      expect(labels.filter((label) => label === labelB)).toHaveLength(25);

      const report = await verifyAuditChain(db);
      expect(report).toMatchObject({ ok: true, headSequence: after.sequence });
      expect(report.checked).toBe(Number(after.sequence));
    } finally {
      a.kill();
      b.kill();
    }
  });

  it('stores a secret in metadata redacted, and the stored row hashes to its hash', async () => {
    const db = await getDb();
    const password = `pw-${randomBytes(12).toString('hex')}`;
    const apiKey = `lk_${randomBytes(6).toString('hex')}_${randomBytes(32).toString('base64url')}`;
    const event = await recordAuditEvent(db, {
      actor: { type: 'user', id: unique('user'), label: 'alice@example.test' },
      action: 'test.redaction',
      metadata: {
        password,
        nested: { apiKey, harmless: 'kept' },
        licenseKey: 'LK-01234-56789-ABCDE-FGHJK-MNP5D',
        note: `saw ${apiKey}`,
      },
    });
    const [stored] = await withSql(process.env.DATABASE_URL!, async (sql) =>
      (await sql.query<{ metadata: string }>('SELECT metadata::text AS metadata FROM "AuditEvent" WHERE sequence = $1', [
        event.sequence.toString(),
      ])).rows,
    );
    expect(stored).toBeDefined();
    expect(stored!.metadata).not.toContain(password);
    expect(stored!.metadata).not.toContain(apiKey);
    expect(stored!.metadata).not.toContain('01234');
    expect(JSON.parse(stored!.metadata)).toEqual({
      password: REDACTED,
      nested: { apiKey: REDACTED, harmless: 'kept' },
      licenseKey: '…NP5D',
      note: `saw ${REDACTED}`,
    });
    const row = await db.auditEvent.findUniqueOrThrow({ where: { sequence: event.sequence } });
    expect(hashAuditEvent(row)).toBe(row.hash);
  });

  it('writes nothing and leaves the head alone when the surrounding transaction fails', async () => {
    const db = await getDb();
    const before = await head(db);
    const action = `test.rolled_back.${randomBytes(4).toString('hex')}`;
    await expect(
      db.$transaction(async (tx) => {
        const event = await recordAuditEvent(tx, { actor: { type: 'system' }, action });
        expect(event.sequence).toBe(before.sequence + 1n);
        throw new Error('the change being audited failed');
      }),
    ).rejects.toThrow('the change being audited failed');
    expect(await head(db)).toEqual(before);
    expect(await db.auditEvent.count({ where: { action } })).toBe(0);
    // The chain continues from the old head: the rolled-back sequence number is reused.
    const next = await recordAuditEvent(db, { actor: { type: 'system' }, action: 'test.after_rollback' });
    expect(next.sequence).toBe(before.sequence + 1n);
    expect(next.prevHash).toBe(before.hash);
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true });
  });

  it.each([
    ['UPDATE', `UPDATE "AuditEvent" SET "action" = 'forged' WHERE "sequence" = (SELECT min("sequence") FROM "AuditEvent")`],
    ['DELETE', `DELETE FROM "AuditEvent" WHERE "sequence" = (SELECT min("sequence") FROM "AuditEvent")`],
    ['TRUNCATE', `TRUNCATE "AuditEvent"`],
  ])('refuses %s in the database', async (verb, statement) => {
    const db = await getDb();
    await recordAuditEvent(db, { actor: { type: 'system' }, action: 'test.append_only' });
    await withSql(process.env.DATABASE_URL!, async (sql) => {
      // Inside a transaction that is rolled back, so a broken guard cannot damage the shared chain.
      await sql.query('BEGIN');
      try {
        await expect(sql.query(statement)).rejects.toThrow(`audit events are append-only (${verb} refused)`);
      } finally {
        await sql.query('ROLLBACK');
      }
    });
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true });
  });

  it('lets only the retention path delete, and never TRUNCATE', async () => {
    const db = await getDb();
    await recordAuditEvent(db, { actor: { type: 'system' }, action: 'test.retention' });
    await withSql(process.env.DATABASE_URL!, async (sql) => {
      await sql.query('BEGIN');
      try {
        await sql.query(`SELECT set_config('licensor.audit_retention', 'on', true)`);
        const deleted = await sql.query('DELETE FROM "AuditEvent" WHERE "sequence" = (SELECT min("sequence") FROM "AuditEvent")');
        expect(deleted.rowCount).toBe(1);
        await expect(sql.query('TRUNCATE "AuditEvent"')).rejects.toThrow('append-only (TRUNCATE refused)');
      } finally {
        await sql.query('ROLLBACK');
      }
      // The setting was local to the transaction.
      await expect(sql.query('DELETE FROM "AuditEvent"')).rejects.toThrow('append-only (DELETE refused)');
    });
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true });
  });
});

/**
 * Tampering breaks the chain for good, so each of these tests gets a fresh copy of a freshly
 * migrated database, with five events, tampers with it as a superuser would (bypassing the append-only trigger),
 * and expects verification to name the first broken event.
 */
describeWithDatabase('tamper detection on a fresh database', () => {
  // Migrated once, then copied for each test (CREATE DATABASE ... TEMPLATE is much faster).
  const templateUrl = databaseUrlWithName(TEST_DATABASE_URL, `licensor_test_tamper_${randomBytes(6).toString('hex')}`);
  let url: string;
  let db: Db;
  let events: Awaited<ReturnType<typeof recordAuditEvent>>[];

  beforeAll(async () => {
    await createMigratedDatabase(templateUrl);
  });

  afterAll(async () => {
    await withMaintenanceClient(templateUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${quoteIdent(databaseName(templateUrl))} WITH (FORCE)`));
  });

  beforeEach(async () => {
    url = `${templateUrl}_${randomBytes(4).toString('hex')}`;
    await withMaintenanceClient(url, (client) =>
      client.query(`CREATE DATABASE ${quoteIdent(databaseName(url))} TEMPLATE ${quoteIdent(databaseName(templateUrl))}`),
    );
    db = createPrismaClient(await createAdapterFactory({ kind: 'postgres', url }));
    events = [];
    for (let i = 1; i <= 5; i += 1) {
      events.push(
        await recordAuditEvent(db, {
          actor: { type: 'user', id: `user-${i}`, label: `user${i}@example.test` },
          action: `test.event_${i}`,
          target: { type: 'license', id: `license-${i}` },
          metadata: { step: i, reason: `reason ${i}` },
        }),
      );
    }
    expect(events.map((event) => event.sequence)).toEqual([1n, 2n, 3n, 4n, 5n]);
    expect(await verifyAuditChain(db)).toEqual({ ok: true, checked: 5, headSequence: 5n });
  });

  afterEach(async () => {
    await db.$disconnect();
    await withMaintenanceClient(url, (client) => client.query(`DROP DATABASE IF EXISTS ${quoteIdent(databaseName(url))} WITH (FORCE)`));
  });

  /** Runs statements as an attacker with superuser rights: triggers off for this session. */
  const tamper = (...statements: [string, unknown[]?][]) =>
    withSql(url, async (sql) => {
      await sql.query('SET session_replication_role = replica');
      for (const [statement, params] of statements) await sql.query(statement, params);
    });

  it('detects modified metadata at that event', async () => {
    await tamper([`UPDATE "AuditEvent" SET "metadata" = '{"step": 3, "reason": "nothing to see"}' WHERE "sequence" = 3`]);
    expect(await verifyAuditChain(db)).toMatchObject({ ok: false, brokenAt: 3n, checked: 2, reason: expect.stringContaining('modified') });
  });

  it('detects a modified action at that event', async () => {
    await tamper([`UPDATE "AuditEvent" SET "action" = 'test.harmless' WHERE "sequence" = 2`]);
    expect(await verifyAuditChain(db)).toMatchObject({ ok: false, brokenAt: 2n, reason: expect.stringContaining('modified') });
  });

  it('detects a modification whose hash was recomputed at the next event', async () => {
    const row = await db.auditEvent.findUniqueOrThrow({ where: { sequence: 3n } });
    const forgedHash = hashAuditEvent({ ...row, action: 'test.harmless' });
    await tamper([`UPDATE "AuditEvent" SET "action" = 'test.harmless', "hash" = $1 WHERE "sequence" = 3`, [forgedHash]]);
    expect(await verifyAuditChain(db)).toMatchObject({ ok: false, brokenAt: 4n, reason: expect.stringContaining('previous hash') });
  });

  it('detects a deleted event in the middle', async () => {
    await tamper([`DELETE FROM "AuditEvent" WHERE "sequence" = 3`]);
    expect(await verifyAuditChain(db)).toMatchObject({ ok: false, brokenAt: 3n, checked: 2, reason: expect.stringContaining('missing') });
  });

  it('detects deleted events at the end through the chain head', async () => {
    await tamper([`DELETE FROM "AuditEvent" WHERE "sequence" >= 4`]);
    expect(await verifyAuditChain(db)).toMatchObject({ ok: false, brokenAt: 4n, checked: 3, reason: expect.stringContaining('head') });
  });

  it('detects a forged event inserted in the middle, even with a correctly computed hash', async () => {
    const third = events[2]!;
    const forged = {
      sequence: 4n,
      createdAt: new Date(third.createdAt.getTime() + 1),
      actorType: 'system',
      actorId: null,
      actorLabel: null,
      action: 'test.forged',
      targetType: null,
      targetId: null,
      customerId: null,
      ip: null,
      userAgent: null,
      severity: 'INFO' as const,
      metadata: {},
      prevHash: third.hash,
    };
    await tamper(
      // Make room: shift events 4 and 5 up by one, last first.
      [`UPDATE "AuditEvent" SET "sequence" = 6 WHERE "sequence" = 5`],
      [`UPDATE "AuditEvent" SET "sequence" = 5 WHERE "sequence" = 4`],
      [
        `INSERT INTO "AuditEvent" ("sequence", "createdAt", "actorType", "action", "severity", "metadata", "prevHash", "hash")
         VALUES (4, $1, 'system', 'test.forged', 'INFO', '{}', $2, $3)`,
        [forged.createdAt, forged.prevHash, hashAuditEvent(forged)],
      ],
      [`UPDATE "AuditChainHead" SET "sequence" = 6 WHERE "id" = 1`],
    );
    // The forged event itself verifies; the event after it no longer links to it.
    expect(await verifyAuditChain(db)).toMatchObject({ ok: false, brokenAt: 5n, checked: 4 });
  });

  it('detects a forged event appended behind the chain head', async () => {
    const last = events[4]!;
    const forged = { ...last, sequence: 6n, action: 'test.forged', prevHash: last.hash, metadata: {} };
    await tamper([
      `INSERT INTO "AuditEvent" ("sequence", "createdAt", "actorType", "actorId", "actorLabel", "action", "targetType", "targetId", "severity", "metadata", "prevHash", "hash")
       VALUES (6, $1, $2, $3, $4, 'test.forged', $5, $6, 'INFO', '{}', $7, $8)`,
      [forged.createdAt, forged.actorType, forged.actorId, forged.actorLabel, forged.targetType, forged.targetId, forged.prevHash, hashAuditEvent(forged)],
    ]);
    expect(await verifyAuditChain(db)).toMatchObject({ ok: false, brokenAt: 6n, checked: 6, reason: expect.stringContaining('head') });
  });

  it('detects two events whose contents were swapped', async () => {
    const columns = ['createdAt', 'actorType', 'actorId', 'actorLabel', 'action', 'targetType', 'targetId', 'metadata', 'prevHash', 'hash'];
    const set = columns.map((column) => `"${column}" = other."${column}"`).join(', ');
    await tamper([
      `UPDATE "AuditEvent" AS e SET ${set}
       FROM "AuditEvent" AS other
       WHERE (e."sequence", other."sequence") IN ((2, 4), (4, 2))`,
    ]);
    const swapped = await db.auditEvent.findMany({ where: { sequence: { in: [2n, 4n] } }, orderBy: { sequence: 'asc' } });
    expect(swapped.map((row) => row.action)).toEqual(['test.event_4', 'test.event_2']);
    expect(await verifyAuditChain(db)).toMatchObject({ ok: false, brokenAt: 2n, checked: 1, reason: expect.stringContaining('reordered') });
  });

  it('verifies from a retention start point and still detects tampering after it', async () => {
    const second = events[1]!;
    await withSql(url, async (sql) => {
      await sql.query('BEGIN');
      await sql.query(`SELECT set_config('licensor.audit_retention', 'on', true)`);
      await sql.query('DELETE FROM "AuditEvent" WHERE "sequence" <= 2');
      await sql.query('COMMIT');
    });
    expect(await verifyAuditChain(db)).toMatchObject({ ok: false, brokenAt: 1n });
    const start = { sequence: second.sequence, hash: second.hash };
    expect(await verifyAuditChain(db, { start })).toEqual({ ok: true, checked: 3, headSequence: 5n });
    expect(await verifyAuditChain(db, { start: { sequence: 2n, hash: GENESIS_HASH } })).toMatchObject({ ok: false, brokenAt: 3n });
    await tamper([`UPDATE "AuditEvent" SET "metadata" = '{}' WHERE "sequence" = 5`]);
    expect(await verifyAuditChain(db, { start, batchSize: 2 })).toMatchObject({ ok: false, brokenAt: 5n, checked: 2 });
  });
});

/** Edge cases that must leave a valid chain, on a fresh database so a failure cannot spill over. */
describeWithDatabase('audit chain robustness', () => {
  let url: string;
  let db: Db;

  beforeAll(async () => {
    url = databaseUrlWithName(TEST_DATABASE_URL, `licensor_test_audit_${randomBytes(6).toString('hex')}`);
    await createMigratedDatabase(url);
    db = createPrismaClient(await createAdapterFactory({ kind: 'postgres', url }));
  });

  afterAll(async () => {
    await db.$disconnect();
    await withMaintenanceClient(url, (client) =>
      client.query(`DROP DATABASE IF EXISTS ${quoteIdent(databaseName(url))} WITH (FORCE)`),
    );
  });

  it('records strings PostgreSQL cannot store verbatim (lone surrogates, NUL) and still verifies', async () => {
    const event = await recordAuditEvent(db, {
      actor: { type: 'user', id: 'user-\ud83d', label: `${'x'.repeat(10)}\ud83d` },
      action: 'test.unicode',
      userAgent: `${'a'.repeat(511)}😀`, // cut at 512 code units: half an emoji
      metadata: { name: 'broken \udc00 name', nul: 'a\u0000b', emoji: '😀 ok' },
    });
    const stored = await db.auditEvent.findUniqueOrThrow({ where: { sequence: event.sequence } });
    expect(stored.actorLabel).toBe(`${'x'.repeat(10)}\ufffd`);
    expect(stored.userAgent).toBe(`${'a'.repeat(511)}\ufffd`);
    expect(stored.metadata).toEqual({ name: 'broken \ufffd name', nul: 'a\ufffdb', emoji: '😀 ok' });
    expect(stored.hash).toBe(event.hash);
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true });
  });

  it('does not report tampering when an event is appended while the chain is being verified', async () => {
    for (let i = 0; i < 3; i += 1) await recordAuditEvent(db, { actor: { type: 'system' }, action: 'test.before_verify' });
    let appended = false;
    // An append that commits between verification's last read of events and its read of the head.
    const racing = new Proxy(db, {
      get(target, property, receiver) {
        if (property !== 'auditEvent') return Reflect.get(target, property, receiver);
        return new Proxy(target.auditEvent, {
          get(delegate, name, delegateReceiver) {
            if (name !== 'findMany') return Reflect.get(delegate, name, delegateReceiver);
            return async (args: Parameters<Db['auditEvent']['findMany']>[0]) => {
              const rows = await target.auditEvent.findMany(args);
              if (!appended) {
                appended = true;
                await recordAuditEvent(target, { actor: { type: 'system' }, action: 'test.during_verify' });
              }
              return rows;
            };
          },
        });
      },
    });
    const { sequence } = await head(db);
    const report = await verifyAuditChain(racing);
    expect(appended).toBe(true);
    expect(report).toMatchObject({ ok: true });
    expect(report.ok && report.headSequence).toBeGreaterThanOrEqual(sequence);
  });
});
