/**
 * Order-side deadlines: activation after payment per product kind, the end of a free trial, when an
 * unpaid order lapses, and when a staff approval times out to its default outcome.
 */
import { z } from 'zod';
import { addBusinessDays, addCalendarDays, endOfLocalDay, rollToBusinessDay, type BusinessCalendar } from '../calendar';
import { productKindSchema } from '../product';
import type { DayBasis, Policy } from '../policy/schema';
import { instantSchema, parseInput, type TimedRule } from './common';

function addDays(cal: BusinessCalendar, at: string, days: number, basis: DayBasis): string {
  return basis === 'working' ? addBusinessDays(cal, at, days) : addCalendarDays(cal, at, days);
}

const activationInputSchema = z.object({ productKind: productKindSchema, paidAt: instantSchema });

/**
 * Latest activation: the end of the N-th business day after the payment day. With N = 0 it is the
 * payment day itself, or the next business day when the money lands on a weekend or holiday
 * (hostico activates in the sales department business hours only, 004 IV. Kampanje).
 */
export function activationDeadline(policy: Policy, input: z.input<typeof activationInputSchema>): (TimedRule & { workingDays: number }) | null {
  const { productKind, paidAt } = parseInput(activationInputSchema, input);
  const rule = policy.order.activation[productKind];
  if (!rule) return null;
  const cal = policy.calendar;
  const day = rule.workingDays === 0 ? rollToBusinessDay(cal, paidAt) : addBusinessDays(cal, paidAt, rule.workingDays);
  return { at: endOfLocalDay(cal, day), clause: rule.clause, workingDays: rule.workingDays };
}

/**
 * The activation deadline where the policy sets one for the kind, else the policy's fallback
 * (`order.activationFallback`, a hostcycle default in every preset): end of the N-th business day
 * after the payment day.
 */
export function activationDeadlineOrFallback(policy: Policy, input: z.input<typeof activationInputSchema>): TimedRule {
  const rule = activationDeadline(policy, input);
  if (rule) return { at: rule.at, clause: rule.clause };
  const { paidAt } = parseInput(activationInputSchema, input);
  const fallback = policy.order.activationFallback;
  const cal = policy.calendar;
  const day = fallback.workingDays === 0 ? rollToBusinessDay(cal, paidAt) : addBusinessDays(cal, paidAt, fallback.workingDays);
  return { at: endOfLocalDay(cal, day), clause: fallback.clause, ...(fallback.note ? { note: fallback.note } : {}) };
}

const trialInputSchema = z.object({ productKind: productKindSchema, startedAt: instantSchema });

/** The end of a free trial: the same local time `days` days after it started. */
export function freeTrialEnd(policy: Policy, input: z.input<typeof trialInputSchema>): (TimedRule & { oncePerCustomer: boolean }) | null {
  const { productKind, startedAt } = parseInput(trialInputSchema, input);
  const rule = policy.order.freeTrial[productKind];
  if (!rule) return null;
  return { at: addCalendarDays(policy.calendar, startedAt, rule.days), clause: rule.clause, oncePerCustomer: rule.oncePerCustomer };
}

/** When an order that was never paid is cancelled: the end of the last local day it may still be paid. */
export function unpaidOrderCancellationAt(policy: Policy, orderedAt: string | Date): TimedRule | null {
  const at = parseInput(instantSchema, orderedAt);
  const rule = policy.order.unpaidCancellation;
  if (!rule) return null;
  return { at: endOfLocalDay(policy.calendar, addDays(policy.calendar, at, rule.days, rule.basis)), clause: rule.clause };
}

export type ApprovalKind = keyof Policy['approvals'];

/** The instant a staff approval times out and the outcome that then applies (ARCHITECTURE.md invariant 7). */
export function approvalTimeout(
  policy: Policy,
  kind: ApprovalKind,
  createdAt: string | Date,
): (TimedRule & { onTimeout: string }) | null {
  const at = parseInput(instantSchema, createdAt);
  const rule = policy.approvals[kind];
  if (!rule) return null;
  return {
    at: addDays(policy.calendar, at, rule.timeout.days, rule.timeout.basis),
    onTimeout: rule.onTimeout,
    clause: rule.clause,
    ...(rule.note ? { note: rule.note } : {}),
  };
}
