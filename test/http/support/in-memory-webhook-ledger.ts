import type { WebhookClaim, WebhookLedger, WebhookOutcome } from '../../../functions/http/ports';

/** Test double of the DynamoDB ledger: same contract, one process, no lease expiry. */
export class InMemoryWebhookLedger implements WebhookLedger {
  readonly entries = new Map<string, { payloadHash: string; outcome?: WebhookOutcome }>();

  async recordOnce(eventId: string, payloadHash: string): Promise<WebhookClaim> {
    const existing = this.entries.get(eventId);
    if (existing === undefined) {
      this.entries.set(eventId, { payloadHash });
      return 'new';
    }
    return existing.payloadHash === payloadHash ? 'duplicate' : 'conflict';
  }

  async recordOutcome(eventId: string, outcome: WebhookOutcome): Promise<void> {
    const entry = this.entries.get(eventId);
    if (entry === undefined) throw new Error(`recordOutcome: ${eventId} was never claimed`);
    entry.outcome = outcome;
  }

  async outcomeOf(eventId: string): Promise<WebhookOutcome | undefined> {
    return this.entries.get(eventId)?.outcome;
  }

  async release(eventId: string): Promise<void> {
    this.entries.delete(eventId);
  }
}
