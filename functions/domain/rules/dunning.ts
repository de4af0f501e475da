/**
 * Invoice → due date → reminders → grace → suspension → termination or deletion. Pure functions of
 * the policy and the instants they are given; every result carries the clause that set it.
 *
 * Deadlines are "on a local day": a due date on day D is met by a payment any time on D, so the
 * instant is the end of that local day, and what follows the deadline (suspension, termination,
 * deletion) happens at the end of the last day the customer still had.
 */
import { z } from 'zod';
import {
  addBusinessDays,
  addCalendarDays,
  atLocal,
  compareInstants,
  endOfLocalDay,
  isBusinessDay,
  localDateOf,
  rollToBusinessDay,
  startOfLocalDay,
} from '../calendar';
import { ValidationError } from '../errors';
import { productKindSchema, isThirdParty } from '../product';
import type { Policy, ReminderPurpose } from '../policy/schema';
import { instantSchema, parseInput, type TimedRule } from './common';

/** When the invoice is issued for a billing run at `billedAt`. */
export function invoiceIssueDate(policy: Policy, billedAt: string | Date): TimedRule {
  const at = parseInput(instantSchema, billedAt);
  const rule = policy.invoicing.issue;
  // 004 IV. Kampanje: hostico issues invoices only in business hours, never on a public holiday.
  const issued = rule.businessDaysOnly ? rollToBusinessDay(policy.calendar, at) : at;
  return { at: issued, clause: rule.clause, ...(issued !== at ? { note: `moved from ${localDateOf(policy.calendar, at)}, not a business day` } : {}) };
}

/** The due date printed on an invoice issued at `issuedAt`: the end of the local due day. */
export function dueDate(policy: Policy, issuedAt: string | Date): TimedRule {
  const at = parseInput(instantSchema, issuedAt);
  const rule = policy.invoicing.due;
  const cal = policy.calendar;
  const counted = rule.basis === 'working' ? addBusinessDays(cal, at, rule.days) : addCalendarDays(cal, at, rule.days);
  const rolled = rule.rollToBusinessDay ? rollToBusinessDay(cal, counted) : counted;
  const moved = localDateOf(cal, rolled) !== localDateOf(cal, counted);
  return {
    at: endOfLocalDay(cal, rolled),
    clause: rule.clause,
    ...(moved ? { note: `moved from ${localDateOf(cal, counted)}, not a business day` } : {}),
  };
}

function assertDueAfterIssue(issuedAt: string, dueAt: string): void {
  if (compareInstants(dueAt, issuedAt) < 0) throw new ValidationError('dueAt', 'is before the issue date');
}

export type SuspensionPlan =
  | { kind: 'suspends'; graceDays: number; graceEndsAt: TimedRule; suspendAt: TimedRule }
  | { kind: 'expires_at_due'; expiresAt: TimedRule }
  | { kind: 'none'; reason: string };

const suspensionInputSchema = z.object({ dueAt: instantSchema, productKind: productKindSchema });

/** What happens to an unpaid service after its due date. */
export function suspensionPlan(policy: Policy, input: z.input<typeof suspensionInputSchema>): SuspensionPlan {
  const { dueAt, productKind } = parseInput(suspensionInputSchema, input);
  const { thirdPartyRenewal, grace, suspension } = policy.dunning;
  // 004 IV. Preložitev…: third-party services are renewed only on payment; validity ends on the due date, no grace.
  if (thirdPartyRenewal && isThirdParty(productKind)) {
    return { kind: 'expires_at_due', expiresAt: { at: dueAt, clause: thirdPartyRenewal.clause } };
  }
  if (!grace || !suspension) return { kind: 'none', reason: 'the contract sets no suspension for non-payment' };
  const graceEnds = addCalendarDays(policy.calendar, dueAt, grace.days);
  return {
    kind: 'suspends',
    graceDays: grace.days,
    graceEndsAt: { at: graceEnds, clause: grace.clause },
    suspendAt: { at: graceEnds, clause: suspension.clause },
  };
}

export type DeferralDecision =
  | { outcome: 'granted'; deadline: TimedRule }
  | { outcome: 'needs_staff'; requestedDeadline: string; limit: TimedRule }
  | { outcome: 'not_offered'; reason: string; clause: string | null };

const deferralInputSchema = z.object({
  dueAt: instantSchema,
  requestedUntil: instantSchema,
  productKind: productKindSchema,
});

/**
 * A payment-deferral request. Within the limit it is granted at once and the suspension moves to the
 * end of the requested day; beyond it staff decide, and `limit` is what stands if they deny or time out.
 */
export function decideDeferral(policy: Policy, input: z.input<typeof deferralInputSchema>): DeferralDecision {
  const { dueAt, requestedUntil, productKind } = parseInput(deferralInputSchema, input);
  const rule = policy.dunning.deferral;
  if (!rule) return { outcome: 'not_offered', reason: 'the contract has no payment deferral', clause: null };
  // 004 IV. Preložitev…: deferral is for hosting services; third-party services renew only on payment.
  if (isThirdParty(productKind) && policy.dunning.thirdPartyRenewal) {
    return { outcome: 'not_offered', reason: 'third-party services are renewed only on payment', clause: policy.dunning.thirdPartyRenewal.clause };
  }
  const cal = policy.calendar;
  const requested = endOfLocalDay(cal, requestedUntil);
  if (compareInstants(requested, dueAt) <= 0) throw new ValidationError('requestedUntil', 'must be after the due date');
  const limit = endOfLocalDay(cal, addCalendarDays(cal, dueAt, rule.maxDaysFromDue));
  if (compareInstants(requested, limit) <= 0) return { outcome: 'granted', deadline: { at: requested, clause: rule.clause } };
  return { outcome: 'needs_staff', requestedDeadline: requested, limit: { at: limit, clause: rule.clause } };
}

const endInputSchema = z.object({ issuedAt: instantSchema, dueAt: instantSchema, productKind: productKindSchema });

export interface ContractEnd {
  termination: (TimedRule & { debtRemains: boolean }) | null;
  deletion: TimedRule | null;
}

/** When an unpaid invoice ends the contract (smartape 2.2.5) or deletes the account (hostico IV. Neplačilo). */
export function terminationAndDeletion(policy: Policy, input: z.input<typeof endInputSchema>): ContractEnd {
  const { issuedAt, dueAt, productKind } = parseInput(endInputSchema, input);
  assertDueAfterIssue(issuedAt, dueAt);
  const cal = policy.calendar;
  const { termination, deletion, thirdPartyRenewal } = policy.dunning;
  return {
    termination: termination
      ? {
          at: endOfLocalDay(cal, addCalendarDays(cal, issuedAt, termination.days)),
          clause: termination.clause,
          debtRemains: termination.debtRemains,
        }
      : null,
    // Deletion removes a hosting account and its data; a third-party item has already expired at its due date.
    deletion:
      deletion && !(thirdPartyRenewal && isThirdParty(productKind))
        ? { at: endOfLocalDay(cal, addCalendarDays(cal, dueAt, deletion.days)), clause: deletion.clause }
        : null,
  };
}

export interface Reminder extends TimedRule {
  offsetDays: number;
  purpose: ReminderPurpose;
}

const reminderInputSchema = z.object({ issuedAt: instantSchema, dueAt: instantSchema, productKind: productKindSchema });

/**
 * Reminders at the policy's local time on due date + offset. A reminder that would precede the
 * invoice is dropped (there is nothing to remind of yet), and so is a warning of a step this service
 * never reaches: a third-party item has no suspension or deletion, it expires at its due date.
 */
export function reminderSchedule(policy: Policy, input: z.input<typeof reminderInputSchema>): Reminder[] {
  const { issuedAt, dueAt, productKind } = parseInput(reminderInputSchema, input);
  assertDueAfterIssue(issuedAt, dueAt);
  const cal = policy.calendar;
  const plan = suspensionPlan(policy, { dueAt, productKind });
  const end = terminationAndDeletion(policy, { issuedAt, dueAt, productKind });
  const reaches: Record<ReminderPurpose, boolean> = {
    payment_reminder: true,
    suspension_warning: plan.kind === 'suspends',
    termination_warning: end.termination !== null,
    deletion_warning: end.deletion !== null,
  };
  const dueDay = localDateOf(cal, dueAt);
  return policy.dunning.reminders.schedule
    .filter((r) => reaches[r.purpose])
    .map((r) => {
      const day = localDateOf(cal, addCalendarDays(cal, atLocal(cal, dueDay, '12:00'), r.offsetDays));
      return {
        at: atLocal(cal, day, policy.dunning.reminders.localTime.time),
        offsetDays: r.offsetDays,
        purpose: r.purpose,
        clause: r.clause,
        ...(r.note ? { note: r.note } : {}),
      };
    })
    .filter((r) => compareInstants(r.at, issuedAt) >= 0);
}

/**
 * The earliest reactivation after the payment that cleared what the policy requires: hostico
 * reactivates only in business hours (004 IV. Kampanje), so a payment on a non-business day waits
 * for the start of the next business day.
 */
export function reactivationAt(policy: Policy, paidAt: string | Date): TimedRule | null {
  const at = parseInput(instantSchema, paidAt);
  const rule = policy.dunning.reactivation;
  if (!rule) return null;
  const cal = policy.calendar;
  const when = rule.businessHoursOnly && !isBusinessDay(cal, at) ? startOfLocalDay(cal, rollToBusinessDay(cal, at)) : at;
  return { at: when, clause: rule.clause };
}
