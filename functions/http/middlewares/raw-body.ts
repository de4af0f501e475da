import type { RouteMiddleware } from './route-event';

/** Keeps the exact bytes that were signed; nothing after this may re-serialize the body for verification. */
export function rawBody(): RouteMiddleware {
  return {
    name: 'rawBody',
    before: ({ event }) => {
      const body = event.body ?? '';
      event.rawBody = event.isBase64Encoded ? Buffer.from(body, 'base64').toString('utf8') : body;
    },
  };
}
