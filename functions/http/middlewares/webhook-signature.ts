import type { Clock } from '../../domain/clock';
import {
  verifyWebhookSignature,
  WEBHOOK_SIGNATURE_HEADER,
  WEBHOOK_TIMESTAMP_HEADER,
  type WebhookSecrets,
} from '../webhook-signature';
import { requireRawBody, type RouteMiddleware } from './route-event';

/** Runs before the body is parsed, so an unsigned delivery causes no work and no record at all. */
export function webhookSignature(options: { secrets: WebhookSecrets; clock: Clock }): RouteMiddleware {
  return {
    name: 'webhookSignature',
    before: ({ event }) => {
      verifyWebhookSignature(
        {
          timestampHeader: event.headers[WEBHOOK_TIMESTAMP_HEADER.toLowerCase()],
          signatureHeader: event.headers[WEBHOOK_SIGNATURE_HEADER.toLowerCase()],
          rawBody: requireRawBody(event),
        },
        options.secrets,
        options.clock,
      );
    },
  };
}
