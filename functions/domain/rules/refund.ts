/**
 * Refund amounts with an itemised breakdown: every line names the clause that put it there, and the
 * lines always add up to the total before the floor at zero.
 *
 * Day counts are local calendar days. The day a refund is requested (or the work ends) is still a
 * day of service; the period ends at its next due date, exclusive.
 */
import { z } from 'zod';
import {
  addBusinessDays,
  addCalendarDays,
  addMonths,
  compareInstants,
  endOfLocalDay,
  localDaysBetween,
  wholeMonthsBetween,
} from '../calendar';
import { ValidationError } from '../errors';
import { currencySchema, multiplyRatio, negate, subtract, sum, zero, type Money, type Rounding } from '../money';
import { billingCycleSchema, CYCLE_MONTHS, productKindSchema } from '../product';
import type { Policy } from '../policy/schema';
import { amountSchema, instantSchema, parseInput, type TimedRule } from './common';

const labelled = z.object({ label: z.string().min(1), amount: amountSchema });

const refundLineSchema = z.object({
  label: z.string().min(1),
  productKind: productKindSchema,
  amountPaid: amountSchema,
  billingCycle: billingCycleSchema,
  /** Start of the paid period. */
  periodStart: instantSchema,
  /** The next due date: the paid period ends here. */
  periodEnd: instantSchema,
  /** Work restoring a backup after deletion: never refundable (004 IV. Vračilo denarja). */
  dataRestore: z.boolean().default(false),
});

export const refundInputSchema = z.object({
  currency: currencySchema,
  requestedAt: instantSchema,
  activatedAt: instantSchema,
  lines: z.array(refundLineSchema).min(1),
  /** A refund was already requested for the same domain / by the same customer (004 IV. Vračilo denarja). */
  priorRequestSameDomain: z.boolean().default(false),
  priorRequestSameCustomer: z.boolean().default(false),
  /** The service was suspended or terminated for a violation of the terms. */
  violation: z.boolean().default(false),
  migrationSupportHours: z.number().nonnegative().default(0),
  supportHourRate: amountSchema.optional(),
  freeOfferItems: z.array(z.object({ label: z.string().min(1), value: amountSchema })).default([]),
  unpaidProformas: z.array(labelled).default([]),
  /** The end of the work, from which secom's request window runs. */
  endOfWorkAt: instantSchema.optional(),
  paymentSystemCommission: amountSchema.optional(),
  returnCommission: amountSchema.optional(),
  bonusesAndDiscounts: amountSchema.optional(),
});
export type RefundInput = z.input<typeof refundInputSchema>;
type Parsed = z.infer<typeof refundInputSchema>;
type Line = z.infer<typeof refundLineSchema>;

export interface RefundLine {
  label: string;
  /** Signed: positive refunds, negative withholds. */
  amount: Money;
  clause: string;
}

export interface RefundResult {
  eligible: boolean;
  reason?: string;
  lines: RefundLine[];
  /** What is paid out: the sum of the lines, never below zero. */
  total: Money;
  /** How far the withheld amounts exceeded what was refundable (still owed or simply not refunded). */
  notCovered: Money;
}

function assertCurrencies(input: Parsed): void {
  const c = input.currency;
  const check = (m: Money | undefined, field: string) => {
    if (m && m.currency !== c) throw new ValidationError(`${field}.currency`, `must be ${c}`);
  };
  input.lines.forEach((l, i) => {
    check(l.amountPaid, `lines.${i}.amountPaid`);
    if (compareInstants(l.periodEnd, l.periodStart) <= 0) throw new ValidationError(`lines.${i}.periodEnd`, 'must be after periodStart');
  });
  input.freeOfferItems.forEach((f, i) => check(f.value, `freeOfferItems.${i}.value`));
  input.unpaidProformas.forEach((p, i) => check(p.amount, `unpaidProformas.${i}.amount`));
  check(input.supportHourRate, 'supportHourRate');
  check(input.paymentSystemCommission, 'paymentSystemCommission');
  check(input.returnCommission, 'returnCommission');
  check(input.bonusesAndDiscounts, 'bonusesAndDiscounts');
  if (compareInstants(input.requestedAt, input.activatedAt) < 0) throw new ValidationError('requestedAt', 'is before activatedAt');
}

function finish(currency: string, lines: RefundLine[]): RefundResult {
  const net = sum(lines.map((l) => l.amount), currency);
  return net.amount >= 0
    ? { eligible: true, lines, total: net, notCovered: zero(currency) }
    : { eligible: true, lines, total: zero(currency), notCovered: negate(net) };
}

function refused(currency: string, reason: string, clause: string): RefundResult {
  return { eligible: false, reason, lines: [{ label: reason, amount: zero(currency), clause }], total: zero(currency), notCovered: zero(currency) };
}

/** Service days of a line left after `from`'s local day, prorated over the line's period. */
function unusedValue(policy: Policy, line: Line, from: string, rounding: Rounding): { value: Money; days: number; periodDays: number } {
  const cal = policy.calendar;
  const periodDays = localDaysBetween(cal, line.periodStart, line.periodEnd);
  const days = Math.min(periodDays, Math.max(0, localDaysBetween(cal, from, line.periodEnd) - 1));
  return { value: multiplyRatio(line.amountPaid, days, periodDays, rounding), days, periodDays };
}

function activationWindowRefund(policy: Policy, input: Parsed, method: Extract<NonNullable<Policy['refund']['method']>, { kind: 'activation_window' }>): RefundResult {
  const cal = policy.calendar;
  const r = policy.refund;
  const c = input.currency;
  const windowEnd = endOfLocalDay(cal, addCalendarDays(cal, input.activatedAt, method.fullRefundDays));
  const inWindow = compareInstants(input.requestedAt, windowEnd) <= 0;
  const repeat =
    r.repeatRequest !== null &&
    ((input.priorRequestSameDomain && r.repeatRequest.scope.includes('same_domain')) ||
      (input.priorRequestSameCustomer && r.repeatRequest.scope.includes('same_customer')));
  const full = inWindow && !repeat;
  const monthsClause = repeat && r.repeatRequest ? r.repeatRequest.clause : method.clause;

  const lines: RefundLine[] = input.lines.map((line) => {
    if (r.nonRefundable.thirdParty?.kinds.includes(line.productKind)) {
      return { label: `${line.label}: third-party service, not refundable`, amount: zero(c), clause: r.nonRefundable.thirdParty.clause };
    }
    if (line.dataRestore && r.nonRefundable.dataRestore) {
      return { label: `${line.label}: backup restore after deletion, not refundable`, amount: zero(c), clause: r.nonRefundable.dataRestore.clause };
    }
    if (full) return { label: `${line.label}: full refund within ${method.fullRefundDays} days of activation`, amount: line.amountPaid, clause: method.clause };
    if (line.billingCycle === 'one_time') return { label: `${line.label}: one-time charge, no remaining months`, amount: zero(c), clause: monthsClause };
    const cycleMonths = CYCLE_MONTHS[line.billingCycle];
    const months = Math.min(cycleMonths, wholeMonthsBetween(cal, input.requestedAt, line.periodEnd));
    return {
      label: `${line.label}: ${months} remaining whole month(s) of ${cycleMonths}${repeat ? ' (repeat request)' : ''}`,
      amount: multiplyRatio(line.amountPaid, months, cycleMonths, 'down'),
      clause: monthsClause,
    };
  });

  const d = r.deductions;
  if (full && d.migrationSupportHours && input.migrationSupportHours > 0) {
    if (!input.supportHourRate) throw new ValidationError('supportHourRate', 'is required when migrationSupportHours is given');
    lines.push({
      label: `migration from an external provider: ${input.migrationSupportHours} support hour(s)`,
      amount: negate(multiplyRatio(input.supportHourRate, String(input.migrationSupportHours), 1, 'half-up')),
      clause: d.migrationSupportHours.clause,
    });
  }
  if (d.freeOfferItems) {
    for (const item of input.freeOfferItems) lines.push({ label: `free with the offer: ${item.label}`, amount: negate(item.value), clause: d.freeOfferItems.clause });
  }
  if (d.unpaidProformas) {
    for (const p of input.unpaidProformas) lines.push({ label: `unpaid proforma ${p.label}`, amount: negate(p.amount), clause: d.unpaidProformas.clause });
  }
  return finish(c, lines);
}

function unusedMinusMinimumPeriodRefund(policy: Policy, input: Parsed, method: Extract<NonNullable<Policy['refund']['method']>, { kind: 'unused_minus_minimum_period' }>): RefundResult {
  const c = input.currency;
  const lines: RefundLine[] = [];
  for (const line of input.lines) {
    const unused = unusedValue(policy, line, input.requestedAt, method.rounding);
    const min = policy.order.minimumPeriod[line.productKind];
    const minEnd = min ? addMonths(policy.calendar, input.activatedAt, min.months) : null;
    // 003 7.11 / 11.4: nothing back for what remains of the minimum period; refunding starts the day it ends.
    const refundable =
      minEnd && compareInstants(minEnd, input.requestedAt) > 0
        ? unusedValue(policy, line, addCalendarDays(policy.calendar, minEnd, -1), method.rounding)
        : unused;
    lines.push({ label: `${line.label}: paid`, amount: line.amountPaid, clause: method.clause });
    lines.push({
      label: `${line.label}: used, ${unused.periodDays - unused.days} of ${unused.periodDays} day(s)`,
      amount: negate(subtract(line.amountPaid, unused.value)),
      clause: method.clause,
    });
    if (min && refundable.days < unused.days) {
      lines.push({
        label: `${line.label}: rest of the ${min.months}-month minimum period, ${unused.days - refundable.days} day(s)`,
        amount: negate(subtract(unused.value, refundable.value)),
        clause: `${min.clause}; 003 7.11`,
      });
    }
  }
  return finish(c, lines);
}

function afterEndOfWorkRefund(policy: Policy, input: Parsed, method: Extract<NonNullable<Policy['refund']['method']>, { kind: 'after_end_of_work' }>): RefundResult {
  const cal = policy.calendar;
  const c = input.currency;
  if (!input.endOfWorkAt) throw new ValidationError('endOfWorkAt', `is required: the request window runs from the end of the work (${method.clause})`);
  const windowEnd = endOfLocalDay(cal, addCalendarDays(cal, input.endOfWorkAt, method.requestWindowDays));
  if (compareInstants(input.requestedAt, windowEnd) > 0) {
    return refused(c, `requested more than ${method.requestWindowDays} days after the end of the work`, method.clause);
  }
  const lines: RefundLine[] = input.lines.map((line) => {
    const unused = unusedValue(policy, line, input.endOfWorkAt ?? input.requestedAt, method.rounding);
    return { label: `${line.label}: ${unused.days} unused day(s) of ${unused.periodDays}`, amount: unused.value, clause: method.clause };
  });
  const d = policy.refund.deductions;
  const withhold = (m: Money | undefined, rule: { clause: string } | null, label: string) => {
    if (m && rule && m.amount > 0) lines.push({ label, amount: negate(m), clause: rule.clause });
  };
  withhold(input.bonusesAndDiscounts, d.bonusesAndDiscounts, 'bonuses, discounts and special terms');
  withhold(input.paymentSystemCommission, d.paymentSystemCommission, 'payment-system commission');
  withhold(input.returnCommission, d.returnCommission, 'commission for returning the funds');
  return finish(c, lines);
}

/** The refund due for a request, itemised; `null` when the policy has no refund rule. */
export function computeRefund(policy: Policy, raw: RefundInput): RefundResult | null {
  const input = parseInput(refundInputSchema, raw);
  assertCurrencies(input);
  const method = policy.refund.method;
  if (!method) return null;
  const violation = policy.refund.nonRefundable.violation;
  if (input.violation && violation) return refused(input.currency, 'suspended or terminated for a violation of the terms', violation.clause);
  switch (method.kind) {
    case 'activation_window':
      return activationWindowRefund(policy, input, method);
    case 'unused_minus_minimum_period':
      return unusedMinusMinimumPeriodRefund(policy, input, method);
    case 'after_end_of_work':
      return afterEndOfWorkRefund(policy, input, method);
  }
}

/** When a refund must have been processed: the end of the N-th working day after the request. */
export function refundProcessingDeadline(policy: Policy, requestedAt: string | Date): (TimedRule & { creditNote: boolean }) | null {
  const at = parseInput(instantSchema, requestedAt);
  const rule = policy.refund.processingDeadline;
  if (!rule) return null;
  const cal = policy.calendar;
  const day = rule.basis === 'working' ? addBusinessDays(cal, at, rule.days) : addCalendarDays(cal, at, rule.days);
  return { at: endOfLocalDay(cal, day), clause: rule.clause, creditNote: rule.creditNote };
}
