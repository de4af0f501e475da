/**
 * The lifecycle of every entity that has one: its states and the transitions between them, written
 * down once. Entity schemas take their state enums from here, and the data layer calls
 * `assertTransition` before every state-changing write, so no code path can make a move this table
 * does not list. A state with no exits is terminal.
 *
 * The tables follow the lifecycles of ../shared/POLICY-RULES.md; the clause that motivates an edge
 * is named beside it. Provider differences (hostico deletes after 30 days, smartape terminates after
 * 20) are timings in the policy presets; the edges they need are all here.
 */
import { IllegalTransitionError } from '../errors';

export interface Lifecycle<S extends string = string> {
  readonly initial: S;
  readonly transitions: { readonly [K in S]: readonly S[] };
}

function lifecycle<const S extends string>(def: {
  initial: NoInfer<S>;
  transitions: { [K in S]: readonly NoInfer<S>[] };
}): Lifecycle<S> {
  return def;
}

export const LIFECYCLES = {
  /** A customer account is closed on request or after deletion; its records stay archived (002 §2.4). */
  customer: lifecycle({
    initial: 'active',
    transitions: { active: ['closed'], closed: [] },
  }),

  order: lifecycle({
    initial: 'received',
    transitions: {
      // Receipt does not oblige either side to activate: review may accept or reject (hostico II. Pogodba, smartape 2.2.9).
      // A free trial (smartape Annex 11 4.3) has nothing to pay and is fulfilled straight away.
      received: ['in_review', 'awaiting_payment', 'fulfilled', 'rejected', 'cancelled'],
      in_review: ['awaiting_payment', 'fulfilled', 'rejected'],
      // Payment is 100 % in advance (hostico IV. Splošno, smartape 5.1).
      awaiting_payment: ['paid', 'cancelled'],
      // A paid order is fulfilled once its services are provisioned, or cancelled and refunded before that.
      paid: ['fulfilled', 'cancelled'],
      fulfilled: [],
      rejected: [],
      cancelled: [],
    },
  }),

  service: lifecycle({
    initial: 'pending',
    transitions: {
      pending: ['active', 'cancelled'],
      // Suspension for non-payment (hostico IV. Preložitev…, smartape 2.2.5) or a violation (smartape 2.2.8);
      // third-party services expire on their due date unless paid (hostico IV. Preložitev…).
      active: ['suspended', 'expired', 'terminated', 'cancelled'],
      // Reactivation after full payment or a cured violation; smartape terminates after 20 days (2.2.5, 7.5);
      // hostico deletes the account and its data after 30 days unpaid (IV. Neplačilo).
      suspended: ['active', 'terminated', 'deleted'],
      // A late renewal payment brings an expired domain, licence or certificate back.
      expired: ['active', 'terminated'],
      terminated: ['deleted'],
      cancelled: ['deleted'],
      deleted: [],
    },
  }),

  invoice: lifecycle({
    initial: 'draft',
    transitions: {
      draft: ['issued', 'cancelled'],
      issued: ['paid', 'partially_paid', 'overdue', 'cancelled'],
      partially_paid: ['paid', 'overdue', 'cancelled'],
      // A partial payment after the due date leaves the invoice overdue: the rest is still late
      // (smartape 2.2.5 treats partial payment as non-payment; hostico reactivates only on full payment).
      overdue: ['paid', 'cancelled'],
      paid: [],
      cancelled: [],
    },
  }),

  refund: lifecycle({
    initial: 'requested',
    transitions: {
      // Blocked or excluded refunds (hostico IV. Vračilo denarja, IV. Kampanje) are rejected.
      requested: ['awaiting_approval', 'approved', 'rejected'],
      awaiting_approval: ['approved', 'rejected'],
      // Paid out and confirmed by a credit note (hostico IV. Vračilo denarja); a failed payout is retried.
      approved: ['completed', 'failed'],
      failed: ['approved'],
      completed: [],
      rejected: [],
    },
  }),

  withdrawal: lifecycle({
    initial: 'requested',
    transitions: {
      // Consumers only, within 14 days of the contract (smartape 11.6); exclusions in 11.6.2.
      requested: ['awaiting_approval', 'accepted', 'rejected'],
      awaiting_approval: ['accepted', 'rejected'],
      // Accepted: services cancelled and the refund, less a proportional charge (11.6.1), started.
      accepted: ['completed'],
      completed: [],
      rejected: [],
    },
  }),

  deferral: lifecycle({
    initial: 'requested',
    transitions: {
      // Up to 14 days from the due date is granted by policy; longer needs staff (hostico IV. Preložitev…).
      requested: ['granted', 'needs_staff', 'rejected'],
      // A timed-out staff approval resolves to its default outcome, so it lands in approved or rejected.
      needs_staff: ['approved', 'rejected'],
      // The deferred date passed without payment: dunning resumes.
      granted: ['expired'],
      approved: ['expired'],
      rejected: [],
      expired: [],
    },
  }),

  /** Staff decisions (ARCHITECTURE.md invariant 7): every wait has a timeout with a default outcome. */
  approval: lifecycle({
    initial: 'pending',
    transitions: {
      pending: ['approved', 'rejected', 'timed_out'],
      approved: [],
      rejected: [],
      timed_out: [],
    },
  }),

  notification: lifecycle({
    initial: 'queued',
    transitions: {
      queued: ['sent', 'failed', 'cancelled'],
      failed: ['queued', 'cancelled'],
      sent: ['delivered', 'bounced'],
      delivered: [],
      bounced: [],
      cancelled: [],
    },
  }),

  /** A side effect's once-only claim (ARCHITECTURE.md invariant 3). */
  sideEffect: lifecycle({
    initial: 'claimed',
    transitions: { claimed: ['completed'], completed: [] },
  }),
};

export type LifecycleEntity = keyof typeof LIFECYCLES;

export function hasLifecycle(entity: string): entity is LifecycleEntity {
  return Object.hasOwn(LIFECYCLES, entity);
}
export type StateOf<E extends LifecycleEntity> = (typeof LIFECYCLES)[E]['initial'];

export function statesOf<E extends LifecycleEntity>(entity: E): readonly [StateOf<E>, ...StateOf<E>[]] {
  const { initial, transitions } = LIFECYCLES[entity] as Lifecycle<StateOf<E>>;
  return [initial, ...(Object.keys(transitions) as StateOf<E>[]).filter((s) => s !== initial)];
}

export function initialState<E extends LifecycleEntity>(entity: E): StateOf<E> {
  return LIFECYCLES[entity].initial;
}

export function nextStates<E extends LifecycleEntity>(entity: E, from: string): readonly StateOf<E>[] {
  const transitions = LIFECYCLES[entity].transitions as Readonly<Record<string, readonly StateOf<E>[]>>;
  return Object.hasOwn(transitions, from) ? (transitions[from] ?? []) : [];
}

export function terminalStates<E extends LifecycleEntity>(entity: E): StateOf<E>[] {
  return statesOf(entity).filter((s) => nextStates(entity, s).length === 0);
}

export function isState<E extends LifecycleEntity>(entity: E, state: string): state is StateOf<E> {
  return Object.hasOwn(LIFECYCLES[entity].transitions, state);
}

export function canTransition(entity: LifecycleEntity, from: string, to: string): boolean {
  return isState(entity, to) && nextStates(entity, from).includes(to);
}

/** Throws IllegalTransitionError unless the table lists `from → to` for the entity. */
export function assertTransition(entity: LifecycleEntity, from: string, to: string): void {
  if (!canTransition(entity, from, to)) throw new IllegalTransitionError(entity, from, to);
}
