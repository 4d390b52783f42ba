import { auditFilterFromParams, ExportFormat } from '@/lib/schemas/audit';
import { recordAuditEvent } from '@/server/audit';
import { auditExportStream, exportFileName } from '@/server/audit/export';
import { getDb } from '@/server/db';
import { adminRequest } from '@/server/http/admin-route';

/** GET /api/admin/audit/export?format=csv|json&<explorer filters>: the filtered events as a download. */
export async function GET(request: Request) {
  const admin = await adminRequest(request);
  if (admin instanceof Response) return admin;
  const params = new URL(request.url).searchParams;
  const format = ExportFormat.safeParse(params.get('format') ?? 'csv');
  if (!format.success) return Response.json({ error: 'BAD_REQUEST', message: 'format must be csv or json' }, { status: 400 });
  const filter = auditFilterFromParams((name) => params.get(name));
  const db = await getDb();
  const now = new Date();
  // Exports are data leaving the system: recorded before the first byte goes out.
  await recordAuditEvent(db, { actor: admin.actor, action: 'audit.export', ip: admin.meta.ip, userAgent: admin.meta.userAgent, metadata: { format: format.data, filter } });
  return new Response(auditExportStream(db, filter, format.data, { exportedBy: admin.session.user.email, now }), {
    headers: {
      'Content-Type': format.data === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8',
      'Content-Disposition': `attachment; filename="${exportFileName(format.data, now)}"`,
      'Cache-Control': 'no-store',
    },
  });
}
