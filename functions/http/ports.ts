/**
 * Ports the HTTP boundary needs from storage. Implementations live elsewhere (DynamoDB in production,
 * in-memory in tests); this layer depends only on these contracts.
 */

/** What a webhook delivery answered the first time, replayed verbatim to every duplicate. */
export interface WebhookOutcome {
  statusCode: number;
  body: string;
}

export type WebhookClaim = 'new' | 'duplicate' | 'conflict';

/**
 * Deduplicates storefront webhooks by event id (ARCHITECTURE.md invariants 3 and 8).
 *
 * Lifecycle of one event id: `recordOnce` claims it; after the domain action succeeded,
 * `recordOutcome` stores the answer; if the action failed, `release` drops the claim so the sender's
 * retry runs the action again (domain actions are idempotent by business id, so a rerun is safe).
 * An implementation may let a claim without an outcome lapse after a lease, so that a process that
 * died between claim and outcome does not block the event forever.
 */
export interface WebhookLedger {
  /**
   * Atomically claims `eventId`. `'new'`: first delivery, the caller must process it. `'duplicate'`:
   * claimed before with the same `payloadHash`. `'conflict'`: claimed before with a different hash.
   */
  recordOnce(eventId: string, payloadHash: string): Promise<WebhookClaim>;
  recordOutcome(eventId: string, outcome: WebhookOutcome): Promise<void>;
  /** The stored outcome, or undefined while the first delivery is still being processed. */
  outcomeOf(eventId: string): Promise<WebhookOutcome | undefined>;
  release(eventId: string): Promise<void>;
}
