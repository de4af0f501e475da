/**
 * The record that makes a side effect happen once (ARCHITECTURE.md invariant 3). The DynamoDB
 * implementation lives with the other access patterns; this module only states the contract the
 * mailer relies on.
 *
 * One record per deterministic side-effect id, in one of four states: in progress (claimed, with a
 * lease), done, released (the attempt failed and nothing happened as far as we know), or
 * undeliverable (the provider refused it for good; terminal until staff re-send it).
 */
export type ClaimOutcome =
  /** The caller now holds the claim and must end it with `complete` or `release`. */
  | 'claimed'
  /** Another attempt holds a claim whose lease has not run out: it may be sending right now. */
  | 'in_progress'
  /** The effect already happened; do nothing. */
  | 'done'
  /** The provider refused the effect for good; only a staff re-send (`beginResend`) moves it on. */
  | 'undeliverable';

export interface ClaimDetails {
  /** What the effect is, for the customer's timeline and for whoever investigates a stuck claim. */
  kind: 'email';
  template: string;
  language: string;
  to: string;
  subject: string;
  /** The template variables as given, so staff can re-render and re-send an undeliverable e-mail. */
  vars?: Record<string, unknown>;
  /** Set when staff re-send an undeliverable e-mail: who decided it and why. */
  resend?: ResendDecision;
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

/** A staff member's re-send of an undeliverable e-mail: who decided it, why, and when. */
export interface ResendDecision {
  decidedBy: string;
  reason: string;
  decidedAt: string;
}

/** A notification the provider refused for good, as the staff list shows it. */
export interface UndeliverableNotification {
  id: string;
  template: string;
  language: string;
  /** The address SES refused. */
  to: string;
  subject: string;
  vars: Record<string, unknown>;
  error: SideEffectFailure;
}

export type ResendClaimOutcome =
  /** The caller now holds the claim (undeliverable → in progress) and must end it with `complete` or `reject`. */
  | { status: 'claimed'; previous: UndeliverableNotification }
  /** No record, or it is not undeliverable (sent, in progress, released): nothing was changed. */
  | { status: 'not_undeliverable'; state: string | null };

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
  /**
   * The provider refused the effect for good: in progress → undeliverable (terminal), keeping the error.
   * Later `begin`s answer `undeliverable` and never send again. Idempotent.
   */
  reject(id: string, details: ClaimDetails, error: SideEffectFailure): Promise<void>;
  /** The record's state (`in_progress`, `done`, `released`, `undeliverable`), or null when there is none. */
  stateOf(id: string): Promise<string | null>;
  /** The stored undeliverable record, or undefined when the id is not undeliverable. */
  undeliverable(id: string): Promise<UndeliverableNotification | undefined>;
  /**
   * Atomically moves an undeliverable record back to in progress for a staff re-send, with the new
   * details (recipient, lease) and the decision; only one caller can win.
   */
  beginResend(id: string, details: ClaimDetails, decision: ResendDecision): Promise<ResendClaimOutcome>;
}
