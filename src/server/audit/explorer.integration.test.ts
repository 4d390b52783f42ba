import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { withFreshDatabase } from '../../../tests/fresh-database';
import { describeWithDatabase, unique, uniqueEmail } from '../../../tests/helpers';
import { auditFilterFromParams, auditFilterToParams } from '@/lib/schemas/audit';
import { createUser } from '../auth';
import { disconnectDb, getDb, type Db } from '../db';
import { auditEventsPerDay, getAuditEvent, listAuditEvents, listCustomerActivity, recordAuditEvent, refreshAuditRollup, REDACTED } from '.';
import { auditExportStream } from './export';

async function readAll(stream: ReadableStream<Uint8Array>): Promise<string> {
  return new Response(stream).text();
}

/** RFC 4180 records (quoted fields may hold commas, quotes and newlines) as objects keyed by the header row. */
function parseCsv(text: string): Record<string, string>[] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let index = 0; index < text.length; index += 1) {
    const character = text[index]!;
    if (quoted) {
      if (character === '"' && text[index + 1] === '"') {
        field += '"';
        index += 1;
      } else if (character === '"') quoted = false;
      else field += character;
    } else if (character === '"') quoted = true;
    else if (character === ',') {
      row.push(field);
      field = '';
    } else if (character === '\n') {
      rows.push([...row, field]);
      row = [];
      field = '';
    } else field += character;
  }
  const [header, ...records] = rows;
  return records.map((record) => Object.fromEntries(header!.map((name, position) => [name, record[position] ?? ''])));
}

describeWithDatabase('audit explorer', () => {
  let db: Db;
  const prefix = `test.explorer_${randomBytes(4).toString('hex')}`;
  const customerId = unique('customer');
  const licenseId = unique('license');
  const actor = { type: 'user' as const, id: unique('user'), label: uniqueEmail('auditor') };
  const secret = `sk_live_${randomBytes(16).toString('hex')}`;
  let events: Awaited<ReturnType<typeof recordAuditEvent>>[] = [];

  beforeAll(async () => {
    db = await getDb();
    for (let i = 0; i < 5; i += 1) {
      events.push(
        await recordAuditEvent(db, { actor, action: `${prefix}.change`, target: { type: 'license', id: licenseId }, customerId, ip: '192.0.2.50', metadata: { step: i } }),
      );
    }
    for (let i = 0; i < 2; i += 1) events.push(await recordAuditEvent(db, { actor: { type: 'system', label: 'anomaly detection' }, action: `${prefix}.flag`, severity: 'WARNING', customerId }));
    events.push(
      await recordAuditEvent(db, {
        actor,
        action: `${prefix}.export`,
        severity: 'CRITICAL',
        userAgent: '=HYPERLINK("http://evil.example","click")',
        metadata: { note: `key ${secret}`, comment: '+1 looks fine' },
      }),
    );
    events = events.sort((a, b) => (a.sequence < b.sequence ? -1 : 1));
  });

  afterAll(async () => {
    await disconnectDb();
  });

  const sequences = (page: { items: { sequence: string }[] }) => page.items.map((item) => item.sequence);
  const expected = (indexes: number[]) => indexes.map((index) => events[index]!.sequence.toString());

  it('pages newest first by keyset on the sequence, with every page disjoint', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await listAuditEvents(db, { action: `${prefix}.*` }, { cursor, limit: 3 });
      seen.push(...sequences(page));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(expected([7, 6, 5, 4, 3, 2, 1, 0]));
  });

  it('filters by action, actor, target, customer, IP, severity and time', async () => {
    const list = async (filter: Parameters<typeof listAuditEvents>[1]) => sequences(await listAuditEvents(db, filter, { limit: 50 }));
    expect(await list({ action: `${prefix}.flag` })).toEqual(expected([6, 5]));
    expect(await list({ action: `${prefix}.`, severity: 'CRITICAL' })).toEqual(expected([7]));
    expect(await list({ actor: actor.label })).toEqual(expected([7, 4, 3, 2, 1, 0]));
    expect(await list({ actor: actor.id, action: `${prefix}.change` })).toEqual(expected([4, 3, 2, 1, 0]));
    expect(await list({ targetType: 'license', targetId: licenseId })).toEqual(expected([4, 3, 2, 1, 0]));
    expect(await list({ customerId, severity: 'WARNING' })).toEqual(expected([6, 5]));
    expect(await list({ ip: '192.0.2.50', action: `${prefix}.*` })).toEqual(expected([4, 3, 2, 1, 0]));
    expect(await list({ action: `${prefix}.*`, from: events[5]!.createdAt })).toEqual(expected([7, 6, 5]));
    expect(await list({ action: `${prefix}.*`, to: events[2]!.createdAt })).toEqual(expected([1, 0]));
    expect(await list({ action: `${prefix}.*`, from: new Date(Date.now() + 60 * 60 * 1000) })).toEqual([]);
    // A LIKE wildcard in the filter is a literal character.
    expect(await list({ action: `${prefix.replace('explorer', 'explor_r')}.*` })).toEqual([]);
  });

  it('shows one event with its metadata redacted', async () => {
    const event = await getAuditEvent(db, events[7]!.sequence.toString());
    expect(event).toMatchObject({ action: `${prefix}.export`, severity: 'CRITICAL', metadata: { note: `key ${REDACTED}` }, hash: events[7]!.hash });
    await expect(getAuditEvent(db, '9000000000000000000')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('exports the filtered set as CSV (formulas neutralised) and as JSON, oldest first', async () => {
    const csv = await readAll(auditExportStream(db, { action: `${prefix}.*` }, 'csv', { exportedBy: 'admin@example.test' }));
    expect(csv).not.toContain(secret);
    const records = parseCsv(csv);
    expect(records.map((record) => record.sequence)).toEqual(expected([0, 1, 2, 3, 4, 5, 6, 7]));
    expect(records[7]).toMatchObject({ action: `${prefix}.export`, severity: 'CRITICAL', userAgent: `'=HYPERLINK("http://evil.example","click")`, hash: events[7]!.hash });
    expect(JSON.parse(records[7]!.metadata!)).toEqual({ note: `key ${REDACTED}`, comment: '+1 looks fine' });

    const json = JSON.parse(await readAll(auditExportStream(db, { action: `${prefix}.flag` }, 'json', { exportedBy: 'admin@example.test' }))) as {
      format: string;
      count: number;
      filter: Record<string, unknown>;
      events: { sequence: string; action: string }[];
    };
    expect(json).toMatchObject({ format: 'licensor-audit-export/v1', count: 2, filter: { action: `${prefix}.flag` } });
    expect(json.events.map((event) => event.sequence)).toEqual(expected([5, 6]));
  });

  it('keeps explorer filters through the URL', () => {
    const filter = { from: new Date('2025-03-01T00:00:00Z'), to: new Date('2025-03-08T00:00:00Z'), action: 'license.*', severity: 'WARNING' as const, actor: 'a@example.test' };
    const params = auditFilterToParams(filter);
    expect(params.toString()).toBe('from=2025-03-01&to=2025-03-07&actor=a%40example.test&action=license.*&severity=WARNING');
    expect(auditFilterFromParams((name) => params.get(name))).toEqual({ ...filter, targetType: undefined, targetId: undefined, customerId: undefined, ip: undefined });
    expect(auditFilterFromParams((name) => ({ from: 'yesterday', severity: 'LOUD' })[name])).toMatchObject({ from: undefined, severity: undefined });
  });

  it("shows a customer its organisation's activity, naming vendor staff only by role", () =>
    withFreshDatabase(async (fresh) => {
      const customer = await fresh.customer.create({ data: { name: 'Orchard', email: 'billing@orchard.test' } });
      const member = await createUser(fresh, { email: 'cora@orchard.test', name: 'Cora', role: 'CUSTOMER', password: 'Correct-Horse-Battery-9', customerId: customer.id }, { type: 'system' });
      await recordAuditEvent(fresh, { actor: { type: 'user', id: member.id, label: member.email }, action: 'apikey.create', customerId: customer.id, ip: '192.0.2.7', metadata: { name: 'ci' } });
      await recordAuditEvent(fresh, { actor: { type: 'user', id: 'staff-1', label: 'ops@vendor.test' }, action: 'license.suspend', customerId: customer.id, ip: '10.0.0.1', metadata: { reason: 'internal note' } });
      await recordAuditEvent(fresh, { actor: { type: 'system', label: 'anomaly detection' }, action: 'license.flag', customerId: customer.id });
      await recordAuditEvent(fresh, { actor: { type: 'system' }, action: 'license.flag', customerId: 'another-customer' });

      const activity = await listCustomerActivity(fresh, customer.id);
      expect(activity.items.map(({ action, actor: who, ip, metadata }) => ({ action, who, ip, metadata }))).toEqual([
        { action: 'license.flag', who: 'Licensor (automatic)', ip: null, metadata: null },
        { action: 'license.suspend', who: 'Vendor staff', ip: null, metadata: null },
        { action: 'apikey.create', who: 'cora@orchard.test', ip: '192.0.2.7', metadata: { name: 'ci' } },
        // createUser's own event concerns the organisation too.
        expect.objectContaining({ action: expect.stringMatching(/^user\./) }),
      ]);
    }));

  it('counts events per action per day, from the daily rollup once the day has ended', () =>
    withFreshDatabase(async (fresh) => {
      for (let i = 0; i < 9; i += 1) await recordAuditEvent(fresh, { actor: { type: 'system' }, action: `test.chart_${i % 3 === 0 ? 'a' : 'b'}`, severity: i === 0 ? 'WARNING' : 'INFO' });
      const today = new Date().toISOString().slice(0, 10);
      const threeDaysLater = new Date(Date.now() + 3 * 24 * 60 * 60 * 1000);
      const raw = await auditEventsPerDay(fresh, { action: 'test.*' }, threeDaysLater);
      expect(raw.series).toEqual(['test.chart_b', 'test.chart_a']);
      expect(raw.points.find((point) => point.day === today)?.values).toEqual([6, 3]);
      expect(raw.points).toHaveLength(30);

      await refreshAuditRollup(fresh, threeDaysLater);
      expect(await fresh.auditActionDay.count()).toBeGreaterThan(0);
      expect(await auditEventsPerDay(fresh, { action: 'test.*' }, threeDaysLater)).toEqual(raw);
      const warnings = await auditEventsPerDay(fresh, { severity: 'WARNING' }, threeDaysLater);
      expect(warnings.series).toEqual(['test.chart_a']);
      expect(warnings.points.find((point) => point.day === today)?.values).toEqual([1]);
    }));
});
