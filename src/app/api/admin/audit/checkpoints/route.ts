import { recordAuditEvent } from '@/server/audit';
import { exportCheckpoints } from '@/server/audit/checkpoints';
import { getDb } from '@/server/db';
import { adminRequest } from '@/server/http/admin-route';

/** GET /api/admin/audit/checkpoints: every signed checkpoint and the public key, for `npm run cli -- audit:verify --checkpoints`. */
export async function GET(request: Request) {
  const admin = await adminRequest(request);
  if (admin instanceof Response) return admin;
  const db = await getDb();
  const document = await exportCheckpoints(db);
  await recordAuditEvent(db, {
    actor: admin.actor,
    action: 'audit.checkpoints_export',
    ip: admin.meta.ip,
    userAgent: admin.meta.userAgent,
    metadata: { checkpoints: document.checkpoints.length },
  });
  return new Response(`${JSON.stringify(document, null, 2)}\n`, {
    headers: {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Disposition': `attachment; filename="audit-checkpoints-${document.exportedAt.slice(0, 10)}.json"`,
      'Cache-Control': 'no-store',
    },
  });
}
