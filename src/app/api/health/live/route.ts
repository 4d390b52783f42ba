/** Liveness: the process answers HTTP (readiness with its dependencies is /api/health). */
export function GET() {
  return Response.json({ status: 'ok' }, { headers: { 'Cache-Control': 'no-store' } });
}
