import { stringify } from 'csv-stringify/sync';
import type { AuditFilter, ExportFormat } from '@/lib/schemas/audit';
import type { DbOrTx } from '../db';
import { auditEventBatches, type AuditEventView } from './explorer';

/**
 * The explorer's filtered set as a compliance report, CSV or JSON, streamed batch by batch so
 * that millions of events never sit in memory at once.
 */

const EXPORT_FORMAT_VERSION = 'licensor-audit-export/v1';

const CSV_COLUMNS = [
  'sequence',
  'createdAt',
  'severity',
  'actorType',
  'actorId',
  'actorLabel',
  'action',
  'targetType',
  'targetId',
  'customerId',
  'ip',
  'userAgent',
  'metadata',
  'prevHash',
  'hash',
] as const;

/**
 * A spreadsheet runs a cell starting with = + - @ (or a tab or carriage return) as a formula;
 * such cells get a leading apostrophe (OWASP "CSV injection"). User agents and labels are
 * attacker-controlled text.
 */
function neutraliseFormula(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

function csvRecord(event: AuditEventView): string[] {
  return CSV_COLUMNS.map((column) => {
    const value = column === 'createdAt' ? event.createdAt.toISOString() : column === 'metadata' ? JSON.stringify(event.metadata) : event[column];
    return value === null ? '' : neutraliseFormula(String(value));
  });
}

const jsonEvent = (event: AuditEventView) => ({ ...event, createdAt: event.createdAt.toISOString() });

export function exportFileName(format: ExportFormat, now = new Date()): string {
  return `audit-events-${now.toISOString().slice(0, 19).replace(/[:T]/g, '-')}.${format}`;
}

/** The export's bytes: a CSV with a header row, or a JSON document whose `events` array holds every match. */
export function auditExportStream(db: DbOrTx, filter: AuditFilter, format: ExportFormat, context: { exportedBy: string; now?: Date }): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const now = context.now ?? new Date();
  const batches = auditEventBatches(db, filter);
  let started = false;
  let count = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        if (!started) {
          started = true;
          const opening =
            format === 'csv'
              ? stringify([[...CSV_COLUMNS]])
              : `{"format":${JSON.stringify(EXPORT_FORMAT_VERSION)},"exportedAt":${JSON.stringify(now.toISOString())},"exportedBy":${JSON.stringify(context.exportedBy)},"filter":${JSON.stringify(filter)},"events":[`;
          controller.enqueue(encoder.encode(opening));
          return;
        }
        const next = await batches.next();
        if (next.done) {
          if (format === 'json') controller.enqueue(encoder.encode(`],"count":${count}}\n`));
          controller.close();
          return;
        }
        const chunk =
          format === 'csv'
            ? stringify(next.value.map(csvRecord))
            : next.value.map((event, index) => `${count + index === 0 ? '' : ','}\n${JSON.stringify(jsonEvent(event))}`).join('');
        count += next.value.length;
        controller.enqueue(encoder.encode(chunk));
      } catch (error) {
        controller.error(error);
      }
    },
    async cancel() {
      await batches.return(undefined);
    },
  });
}
