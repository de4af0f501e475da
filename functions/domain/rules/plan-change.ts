/**
 * Upgrades and downgrades (hostico 004 IV. Nadgradnja / Zmanjšanje): the upgrade charge for the rest
 * of the prepaid period, the downgrade credit in whole prepaid months, and whether a change is free.
 */
import { z } from 'zod';
import { addCalendarDays, compareInstants, localDaysBetween, wholeMonthsBetween } from '../calendar';
import { ValidationError } from '../errors';
import { multiplyRatio, subtract, type Money } from '../money';
import { billingCycleSchema, CYCLE_MONTHS } from '../product';
import type { Policy } from '../policy/schema';
import { amountSchema, instantSchema, parseInput } from './common';

const changeInputSchema = z.object({
  /** Prices of the current and the new package for one billing cycle. */
  currentPrice: amountSchema,
  newPrice: amountSchema,
  billingCycle: billingCycleSchema.exclude(['one_time']),
  periodStart: instantSchema,
  /** The next due date. */
  periodEnd: instantSchema,
  requestedAt: instantSchema,
});
type ChangeInput = z.input<typeof changeInputSchema>;

function parseChange(input: ChangeInput) {
  const p = parseInput(changeInputSchema, input);
  if (p.newPrice.currency !== p.currentPrice.currency) throw new ValidationError('newPrice.currency', `must be ${p.currentPrice.currency}`);
  if (compareInstants(p.periodEnd, p.periodStart) <= 0) throw new ValidationError('periodEnd', 'must be after periodStart');
  if (compareInstants(p.requestedAt, p.periodStart) < 0 || compareInstants(p.requestedAt, p.periodEnd) > 0) {
    throw new ValidationError('requestedAt', 'must fall within the prepaid period');
  }
  return p;
}

export interface UpgradeCharge {
  amount: Money;
  remainingDays: number;
  periodDays: number;
  clause: string;
}

/** The price difference for the rest of the prepaid period, by day; the day of the upgrade already runs the new package. */
export function upgradeCharge(policy: Policy, input: ChangeInput): UpgradeCharge | null {
  const rule = policy.planChange.upgrade;
  if (!rule) return null;
  const p = parseChange(input);
  if (p.newPrice.amount <= p.currentPrice.amount) throw new ValidationError('newPrice', 'must be higher than currentPrice for an upgrade');
  const cal = policy.calendar;
  const periodDays = localDaysBetween(cal, p.periodStart, p.periodEnd);
  const remainingDays = localDaysBetween(cal, p.requestedAt, p.periodEnd);
  return {
    amount: multiplyRatio(subtract(p.newPrice, p.currentPrice), remainingDays, periodDays, rule.rounding),
    remainingDays,
    periodDays,
    clause: rule.clause,
  };
}

export interface DowngradeCredit {
  amount: Money;
  wholeMonths: number;
  cycleMonths: number;
  clause: string;
}

/** Credit for a downgrade: the monthly price difference for the whole prepaid months left until the next due date. */
export function downgradeCredit(policy: Policy, input: ChangeInput): DowngradeCredit | null {
  const rule = policy.planChange.downgrade;
  if (!rule) return null;
  const p = parseChange(input);
  if (p.newPrice.amount >= p.currentPrice.amount) throw new ValidationError('newPrice', 'must be lower than currentPrice for a downgrade');
  const cycleMonths = CYCLE_MONTHS[p.billingCycle];
  const wholeMonths = Math.min(cycleMonths, wholeMonthsBetween(policy.calendar, p.requestedAt, p.periodEnd));
  return {
    amount: multiplyRatio(subtract(p.currentPrice, p.newPrice), wholeMonths, cycleMonths, 'down'),
    wholeMonths,
    cycleMonths,
    clause: rule.clause,
  };
}

const feeInputSchema = z.object({
  requestedAt: instantSchema,
  lastFreeChangeAt: instantSchema.nullable(),
  cases: z.array(z.enum(['account_merge', 'control_panel_change', 'resource_reconfiguration'])).default([]),
});

export type PlanChangeFee =
  | { free: true; clause: string | null }
  | { free: false; billedAs: 'support_hours'; reason: string; clause: string; nextFreeAt: string | null };

/**
 * Free once per window; a second change inside it, and some kinds of change always, are billed as
 * support hours. The window is counted from the last free change: once the full window has passed it is free again.
 */
export function planChangeFee(policy: Policy, input: z.input<typeof feeInputSchema>): PlanChangeFee {
  const { requestedAt, lastFreeChangeAt, cases } = parseInput(feeInputSchema, input);
  const { frequency, alwaysBilled } = policy.planChange;
  const billedCase = alwaysBilled ? cases.find((c) => alwaysBilled.cases.includes(c)) : undefined;
  if (alwaysBilled && billedCase) {
    return { free: false, billedAs: 'support_hours', reason: `${billedCase} is always billed`, clause: alwaysBilled.clause, nextFreeAt: null };
  }
  if (!frequency || lastFreeChangeAt === null) return { free: true, clause: frequency?.clause ?? null };
  if (compareInstants(requestedAt, lastFreeChangeAt) < 0) throw new ValidationError('lastFreeChangeAt', 'is after requestedAt');
  const nextFreeAt = addCalendarDays(policy.calendar, lastFreeChangeAt, frequency.freeOncePerDays);
  if (compareInstants(requestedAt, nextFreeAt) >= 0) return { free: true, clause: frequency.clause };
  return {
    free: false,
    billedAs: 'support_hours',
    reason: `a free change was made less than ${frequency.freeOncePerDays} days ago`,
    clause: frequency.clause,
    nextFreeAt,
  };
}
