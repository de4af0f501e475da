import { createHash } from 'node:crypto';
import { ConflictError, WebhookInProgressError } from '../errors';
import type { WebhookLedger } from '../ports';
import type { RouteEvent, RouteMiddleware } from './route-event';

export const DUPLICATE_HEADER = 'Hostcycle-Duplicate';

/** Key order and whitespace are the sender's serialisation choices, not part of the event. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function payloadHash(event: unknown): string {
  return createHash('sha256').update(canonicalJson(event)).digest('hex');
}

function eventIdOf(event: RouteEvent): string {
  const body = event.input?.body as { eventId?: unknown } | undefined;
  if (typeof body?.eventId !== 'string') throw new Error('webhookDedupe must run after validateRequest of a webhook envelope');
  return body.eventId;
}

/**
 * Lets each webhook event id through once (ARCHITECTURE.md invariant 3). A redelivery gets the first
 * delivery's answer with status 200 and runs nothing; the same id with another body is a 409. When
 * the action fails, the claim is released and the error left for the error handler, so the sender's
 * retry gets a real second attempt.
 */
export function webhookDedupe(ledger: WebhookLedger): RouteMiddleware {
  const claimed = new WeakSet<RouteEvent>();
  return {
    name: 'webhookDedupe',
    before: async ({ event }) => {
      const eventId = eventIdOf(event);
      const claim = await ledger.recordOnce(eventId, payloadHash(event.input?.body));
      if (claim === 'new') {
        claimed.add(event);
        return undefined;
      }
      if (claim === 'conflict') throw new ConflictError(`event ${eventId} was already delivered with a different body`);
      const outcome = await ledger.outcomeOf(eventId);
      if (outcome === undefined) throw new WebhookInProgressError(`event ${eventId} is still being processed; retry later`);
      return {
        statusCode: 200,
        headers: { 'content-type': 'application/json; charset=utf-8', [DUPLICATE_HEADER]: 'true' },
        body: outcome.body,
      };
    },
    after: async ({ event, response }) => {
      if (!claimed.has(event) || response === null) return;
      await ledger.recordOutcome(eventIdOf(event), { statusCode: response.statusCode, body: response.body ?? '' });
    },
    onError: async ({ event }) => {
      if (!claimed.has(event)) return;
      claimed.delete(event);
      await ledger.release(eventIdOf(event));
    },
  };
}
