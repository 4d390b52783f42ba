import { licenseApiRoute, methodNotAllowed } from '@/server/http/license-api-route';

export const POST = licenseApiRoute('activate');
export const GET = methodNotAllowed('POST');
export const PUT = GET;
export const PATCH = GET;
export const DELETE = GET;
export const OPTIONS = GET;
