/**
 * The consumer's right of withdrawal from a distance contract (smartape 003 11.6): who may withdraw,
 * until when, and what a consumer owes for a service started at their explicit request.
 */
import { z } from 'zod';
import { addCalendarDays, compareInstants, endOfLocalDay, localDaysBetween } from '../calendar';
import { ValidationError } from '../errors';
import { multiplyRatio, zero, type Money } from '../money';
import { withdrawalExclusionSchema, type Policy } from '../policy/schema';
import { amountSchema, instantSchema, parseInput } from './common';

const eligibilityInputSchema = z.object({
  customerType: z.enum(['consumer', 'business']),
  contractConcludedAt: instantSchema,
  requestedAt: instantSchema,
  exclusion: withdrawalExclusionSchema.nullable().default(null),
});

export type WithdrawalEligibility =
  | { eligible: true; deadline: string; clause: string }
  | { eligible: false; reason: string; clause: string | null };

export function withdrawalEligibility(policy: Policy, input: z.input<typeof eligibilityInputSchema>): WithdrawalEligibility {
  const { customerType, contractConcludedAt, requestedAt, exclusion } = parseInput(eligibilityInputSchema, input);
  const rule = policy.withdrawal;
  if (!rule) return { eligible: false, reason: 'the contract grants no right of withdrawal', clause: null };
  if (compareInstants(requestedAt, contractConcludedAt) < 0) throw new ValidationError('requestedAt', 'is before contractConcludedAt');
  if (customerType !== 'consumer') return { eligible: false, reason: 'only consumers may withdraw; a business terminates instead', clause: rule.clause };
  if (exclusion && rule.exclusions.includes(exclusion)) return { eligible: false, reason: `excluded from withdrawal: ${exclusion}`, clause: rule.clause };
  const cal = policy.calendar;
  const deadline = endOfLocalDay(cal, addCalendarDays(cal, contractConcludedAt, rule.days));
  if (compareInstants(requestedAt, deadline) > 0) {
    return { eligible: false, reason: `more than ${rule.days} days after the conclusion of the contract`, clause: rule.clause };
  }
  return { eligible: true, deadline, clause: rule.clause };
}

const chargeInputSchema = z.object({
  price: amountSchema,
  periodStart: instantSchema,
  periodEnd: instantSchema,
  serviceStartedAt: instantSchema,
  withdrawnAt: instantSchema,
  explicitConsent: z.boolean(),
});

export interface WithdrawalCharge {
  amount: Money;
  daysProvided: number;
  periodDays: number;
  clause: string;
}

/**
 * 003 11.6.1 (Law of Obligations § 562(5)): with explicit consent to an early start the consumer pays
 * for the days provided, the day of withdrawal included; without that consent they owe nothing.
 */
export function withdrawalCharge(policy: Policy, input: z.input<typeof chargeInputSchema>): WithdrawalCharge | null {
  const rule = policy.withdrawal;
  if (!rule) return null;
  const p = parseInput(chargeInputSchema, input);
  const cal = policy.calendar;
  const periodDays = localDaysBetween(cal, p.periodStart, p.periodEnd);
  if (periodDays <= 0) throw new ValidationError('periodEnd', 'must be at least one day after periodStart');
  if (compareInstants(p.withdrawnAt, p.serviceStartedAt) < 0) throw new ValidationError('withdrawnAt', 'is before serviceStartedAt');
  if (!p.explicitConsent) return { amount: zero(p.price.currency), daysProvided: 0, periodDays, clause: rule.clause };
  const daysProvided = Math.min(periodDays, localDaysBetween(cal, p.serviceStartedAt, p.withdrawnAt) + 1);
  return { amount: multiplyRatio(p.price, daysProvided, periodDays, rule.chargeRounding), daysProvided, periodDays, clause: rule.clause };
}
