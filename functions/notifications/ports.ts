/**
 * The record that makes a side effect happen once (ARCHITECTURE.md invariant 3). The DynamoDB
 * implementation lives with the other access patterns; this module only states the contract the
 * mailer relies on.
 *
 * One record per deterministic side-effect id, in one of three states: in progress (claimed, with a
 * lease), done, or released (the attempt failed and nothing happened as far as we know).
 */
export type ClaimOutcome =
  /** The caller now holds the claim and must end it with `complete` or `release`. */
  | 'claimed'
  /** Another attempt holds a claim whose lease has not run out: it may be sending right now. */
  | 'in_progress'
  /** The effect already happened; do nothing. */
  | 'done';

export interface ClaimDetails {
  /** What the effect is, for the customer's timeline and for whoever investigates a stuck claim. */
  kind: 'email';
  template: string;
  language: string;
  to: string;
  subject: string;
  /** UTC ISO-8601, from the injected clock. */
  claimedAt: string;
  /**
   * UTC ISO-8601. Until then `begin` answers `in_progress` to everyone else; after it a claim left by
   * a crashed attempt may be taken over (`claimed`), which is the at-least-once window of the effect.
   */
  leaseExpiresAt: string;
}

export interface SideEffectResult {
  /** The provider's id for the effect (the SES MessageId). */
  providerId: string;
  completedAt: string;
}

export interface SideEffectFailure {
  name: string;
  message: string;
  failedAt: string;
}

export interface SideEffectLedger {
  /**
   * Atomically (one conditional write): no record, a released record, or an in-progress record whose
   * `leaseExpiresAt` is not after `details.claimedAt` → store the claim, answer `claimed`; a done
   * record → `done`; otherwise → `in_progress`.
   */
  begin(id: string, details: ClaimDetails): Promise<ClaimOutcome>;
  /** Marks the claim done. Must not fail because the record is already done (idempotent). */
  complete(id: string, result: SideEffectResult): Promise<void>;
  /** Gives the claim up so the next attempt can take it at once; keeps the error for the record. */
  release(id: string, error: SideEffectFailure): Promise<void>;
}
