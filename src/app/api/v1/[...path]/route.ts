import { protocolError } from '@/server/http/license-api-route';

/** Any other path under /api/v1/ is 404 NOT_FOUND in the protocol's error shape. */
function notFound() {
  return protocolError(404, 'NOT_FOUND', 'There is no such endpoint.');
}

export { notFound as GET, notFound as POST, notFound as PUT, notFound as PATCH, notFound as DELETE };
