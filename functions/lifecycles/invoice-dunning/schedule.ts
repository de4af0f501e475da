/**
 * The dunning timeline of one invoice: every action the workflow takes while the invoice stays
 * unpaid, each at an absolute instant computed from the policy by the rules of
 * functions/domain/rules/dunning.ts (ARCHITECTURE.md invariants 4 and 5). Pure: the steps load the
 * records and ask this module what is due.
 *
 * Actions carry stable keys (`reminder-1`, `overdue`, `suspend`, `final-warning`, `end-contract`); the
 * workflow keeps the keys it has handled, so a recomputed timeline (a deferral moved it) never
 * repeats an action and never skips one.
 */
import { atLocal, compareInstants, endOfLocalDay, type BusinessCalendar } from '../../domain/calendar';
import type { Deferral, Invoice, Service } from '../../domain/model';
import type { Policy, ReminderPurpose } from '../../domain/policy';
import { isThirdParty, type ProductKind } from '../../domain/product';
import { reminderSchedule, suspensionPlan, terminationAndDeletion, type SuspensionPlan } from '../../domain/rules';

export type DunningActionKind = 'reminder' | 'overdue' | 'suspend' | 'final_warning' | 'end_contract';

export interface DunningAction {
  key: string;
  kind: DunningActionKind;
  at: string;
  clause: string;
  /** Reminders and final warnings: the purpose the policy gives them. */
  purpose?: ReminderPurpose;
  /** Reminders: 1, 2, … in the order they go out. */
  reminderNumber?: number;
}

export interface ContractEndStep {
  kind: 'termination' | 'deletion';
  at: string;
  clause: string;
  days: number;
  from: 'invoice_date' | 'due_date';
}

export interface DunningTimeline {
  issuedAt: string;
  dueAt: string;
  /** What the unpaid invoice leads to for its hosting services (suspension, or nothing). */
  suspension: (SuspensionPlan & { kind: 'suspends' }) | null;
  /** When the suspension happens once a deferral moved it. */
  suspendAt: string | null;
  end: ContractEndStep | null;
  /** Services suspended, then terminated or deleted, if the invoice stays unpaid. */
  suspendable: Service[];
  /** Third-party items renewed only on payment: they expire at the due date (hostico IV. Preložitev…). */
  expiring: Service[];
  actions: DunningAction[];
}

const RANK: Record<DunningActionKind, number> = { reminder: 0, final_warning: 1, overdue: 2, suspend: 3, end_contract: 4 };
const FINAL_WARNINGS: readonly ReminderPurpose[] = ['termination_warning', 'deletion_warning'];

export const calendarOf = (policy: Policy): BusinessCalendar => policy.calendar;

/** A due date is met by a payment any time on that local day (rules/dunning.ts). */
export function dueInstant(policy: Policy, invoice: Pick<Invoice, 'dueDate'>): string {
  return endOfLocalDay(calendarOf(policy), atLocal(calendarOf(policy), invoice.dueDate, '12:00'));
}

export function issueInstant(policy: Policy, invoice: Pick<Invoice, 'issueDate'>): string {
  return atLocal(calendarOf(policy), invoice.issueDate, '00:00');
}

/** The services an invoice bills, by the ids on its lines, in line order. */
export function serviceIdsOf(invoice: Invoice): string[] {
  const ids = invoice.lines.flatMap((l) => (l.kind === 'service_period' || l.kind === 'third_party' ? [l.serviceId] : []));
  return [...new Set(ids)];
}

/** The day a granted (or, after a staff decision, standing) deferral runs to, as an instant. */
export function deferredUntil(policy: Policy, deferral: Deferral | undefined): string | undefined {
  if (deferral?.grantedUntil === undefined) return undefined;
  if (!['granted', 'approved', 'rejected'].includes(deferral.state)) return undefined;
  return endOfLocalDay(calendarOf(policy), atLocal(calendarOf(policy), deferral.grantedUntil, '12:00'));
}

export function dunningTimeline(policy: Policy, invoice: Invoice, services: readonly Service[], deferral?: Deferral): DunningTimeline {
  const issuedAt = issueInstant(policy, invoice);
  const dueAt = dueInstant(policy, invoice);
  const planOf = (kind: ProductKind) => suspensionPlan(policy, { dueAt, productKind: kind });
  const suspendable = services.filter((s) => planOf(s.productKind).kind === 'suspends');
  const expiring = services.filter((s) => planOf(s.productKind).kind === 'expires_at_due');
  // The rules are per product kind; an invoice's timeline follows its hosting service when it has one.
  const principal: ProductKind | undefined = (suspendable[0] ?? services.find((s) => !isThirdParty(s.productKind)) ?? services[0])?.productKind;
  const plan = principal === undefined ? null : planOf(principal);
  const suspension = plan?.kind === 'suspends' && suspendable.length > 0 ? plan : null;

  const reminders = reminderSchedule(policy, { issuedAt, dueAt, productKind: principal ?? 'shared_hosting' })
    // An invoice without services (a late-penalty invoice) is only reminded of: nothing of it is suspended.
    .filter((r) => principal !== undefined || r.purpose === 'payment_reminder');
  let reminderNumber = 0;
  let warningNumber = 0;
  const actions: DunningAction[] = reminders.map((r) => {
    if (FINAL_WARNINGS.includes(r.purpose)) {
      warningNumber += 1;
      return { key: warningNumber === 1 ? 'final-warning' : `final-warning-${warningNumber}`, kind: 'final_warning', at: r.at, clause: r.clause, purpose: r.purpose };
    }
    reminderNumber += 1;
    return { key: `reminder-${reminderNumber}`, kind: 'reminder', at: r.at, clause: r.clause, purpose: r.purpose, reminderNumber };
  });
  actions.push({ key: 'overdue', kind: 'overdue', at: dueAt, clause: policy.invoicing.due.clause });
  if (suspension) actions.push({ key: 'suspend', kind: 'suspend', at: suspension.suspendAt.at, clause: suspension.suspendAt.clause });

  const ends = principal === undefined ? null : terminationAndDeletion(policy, { issuedAt, dueAt, productKind: principal });
  const termination = policy.dunning.termination;
  const deletion = policy.dunning.deletion;
  let end: ContractEndStep | null = null;
  if (ends?.termination && termination && suspendable.length > 0) {
    end = { kind: 'termination', at: ends.termination.at, clause: ends.termination.clause, days: termination.days, from: termination.from };
  } else if (ends?.deletion && deletion && suspendable.length > 0) {
    end = { kind: 'deletion', at: ends.deletion.at, clause: ends.deletion.clause, days: deletion.days, from: deletion.from };
  }
  if (end) actions.push({ key: 'end-contract', kind: 'end_contract', at: end.at, clause: end.clause });

  // A deferral (hostico IV. Preložitev…) moves the suspension to the end of the deferred day and
  // everything that follows the due date by the same time, so the gaps the contract sets stay intact.
  const until = deferredUntil(policy, deferral);
  const anchor = suspension?.suspendAt.at ?? dueAt;
  const shiftMs = until === undefined ? 0 : Math.max(0, Date.parse(until) - Date.parse(anchor));
  const shifted = actions.map((a) =>
    shiftMs > 0 && a.kind !== 'overdue' && compareInstants(a.at, dueAt) >= 0 ? { ...a, at: new Date(Date.parse(a.at) + shiftMs).toISOString() } : a,
  );
  shifted.sort((a, b) => compareInstants(a.at, b.at) || RANK[a.kind] - RANK[b.kind]);
  const endAt = shifted.find((a) => a.kind === 'end_contract')?.at;
  return {
    issuedAt,
    dueAt,
    suspension,
    suspendAt: shifted.find((a) => a.kind === 'suspend')?.at ?? null,
    end: end && endAt ? { ...end, at: endAt } : end,
    suspendable,
    expiring,
    actions: shifted,
  };
}

/** The first action not handled yet, whether due or not. */
export function nextAction(timeline: DunningTimeline, done: readonly string[]): DunningAction | undefined {
  return timeline.actions.find((a) => !done.includes(a.key));
}
