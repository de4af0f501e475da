/**
 * Late-payment penalty (smartape 003 7.9): a percentage of the unpaid amount for each day of delay.
 * A day of delay is a local calendar day after the due date up to and including the day the money
 * arrives (003 5.2: the payment date is the date the funds are received), so money paid on the day
 * after the due date is one day late. Each part of the invoice accrues for as long as it stayed
 * unpaid; a partial payment stops the accrual only on the part it covers. The exact sum is rounded
 * once, with the policy's rounding.
 */
import Big from 'big.js';
import { z } from 'zod';
import { addCalendarDays, compareInstants, localDateOf, localDaysBetween } from '../calendar';
import { ValidationError } from '../errors';
import { money, percentOf, type Money } from '../money';
import type { Policy } from '../policy/schema';
import { amountSchema, instantSchema, parseInput } from './common';

const penaltyInputSchema = z.object({
  dueAt: instantSchema,
  amount: amountSchema,
  payments: z.array(z.object({ at: instantSchema, amount: amountSchema })).default([]),
  asOf: instantSchema,
});
export type LatePenaltyInput = z.input<typeof penaltyInputSchema>;

export interface PenaltySegment {
  /** The amount that was late. */
  unpaid: Money;
  /** Local date from which it was late (the day after the due date). */
  lateFrom: string;
  /** Local date up to which it was late: the day it was paid, or the evaluation day. */
  lateUntil: string;
  days: number;
}

export interface LatePenalty {
  percentPerDay: string;
  segments: PenaltySegment[];
  total: Money;
  clause: string;
}

export function latePenalty(policy: Policy, input: LatePenaltyInput): LatePenalty | null {
  const rule = policy.dunning.latePenalty;
  if (!rule) return null;
  const { dueAt, amount, payments, asOf } = parseInput(penaltyInputSchema, input);
  const cal = policy.calendar;
  payments.forEach((p, i) => {
    if (p.amount.currency !== amount.currency) throw new ValidationError(`payments.${i}.amount.currency`, `must be ${amount.currency}`);
    if (compareInstants(p.at, asOf) > 0) throw new ValidationError(`payments.${i}.at`, 'is after asOf');
  });
  const paid = payments.reduce((s, p) => s + p.amount.amount, 0);
  if (paid > amount.amount) throw new ValidationError('payments', 'exceed the invoice amount');

  const lateFrom = localDateOf(cal, addCalendarDays(cal, dueAt, 1));
  const parts = [...payments]
    .sort((a, b) => compareInstants(a.at, b.at))
    .map((p) => ({ unpaid: p.amount.amount, until: p.at }));
  if (amount.amount - paid > 0) parts.push({ unpaid: amount.amount - paid, until: asOf });

  const segments: PenaltySegment[] = parts
    .map((p) => ({ ...p, days: Math.max(0, localDaysBetween(cal, dueAt, p.until)) }))
    .filter((p) => p.days > 0 && p.unpaid > 0)
    .map((p) => ({ unpaid: money(p.unpaid, amount.currency), lateFrom, lateUntil: localDateOf(cal, p.until), days: p.days }));
  const amountDays = segments.reduce((s, seg) => s.plus(new Big(seg.unpaid.amount).times(seg.days)), new Big(0));
  return {
    percentPerDay: rule.percentPerDay,
    segments,
    total: percentOf(money(amountDays.toNumber(), amount.currency), rule.percentPerDay, rule.rounding),
    clause: rule.clause,
  };
}
