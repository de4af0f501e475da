/** Notice periods and the price of restoring deleted data. */
import { z } from 'zod';
import { addBusinessDays, addCalendarDays, compareInstants, localDaysBetween, startOfLocalDay } from '../calendar';
import { ValidationError } from '../errors';
import { productKindSchema } from '../product';
import type { Policy } from '../policy/schema';
import { instantSchema, parseInput, type TimedRule } from './common';

/**
 * The earliest a customer's notice takes effect: a cancellation (smartape 003 2.4.10, effective when
 * the service is deactivated) or a change in the number of services (003 2.4.9).
 */
export function noticeEarliestEffective(
  policy: Policy,
  notice: 'customer_cancellation' | 'service_count_change',
  noticeAt: string | Date,
): TimedRule | null {
  const at = parseInput(instantSchema, noticeAt);
  const rule = notice === 'customer_cancellation' ? policy.contract.customerCancellationNotice : policy.contract.serviceCountChangeNotice;
  if (!rule) return null;
  const cal = policy.calendar;
  const day = rule.basis === 'working' ? addBusinessDays(cal, at, rule.days) : addCalendarDays(cal, at, rule.days);
  return { at: startOfLocalDay(cal, day), clause: rule.clause };
}

/** The first local day a price change may apply after it is announced (hostico 004 IV. Spremembe tarif). */
export function priceChangeEarliestEffective(policy: Policy, announcedAt: string | Date, audience: 'existing_customers' | 'new_orders'): TimedRule | null {
  const at = parseInput(instantSchema, announcedAt);
  const rule = audience === 'existing_customers' ? policy.priceChange.existingCustomersNotice : policy.priceChange.newOrdersNotice;
  if (!rule) return null;
  const cal = policy.calendar;
  const day = rule.basis === 'working' ? addBusinessDays(cal, at, rule.days) : addCalendarDays(cal, at, rule.days);
  return { at: startOfLocalDay(cal, day), clause: rule.clause };
}

const restoreInputSchema = z.object({ productKind: productKindSchema, deletedAt: instantSchema, requestedAt: instantSchema });

/**
 * Minimum support hours billed for restoring a deleted account from backup (004 IV. Neplačilo): the
 * base hours cover backups up to the included age; each further started period adds an hour.
 */
export function dataRestoreHours(policy: Policy, input: z.input<typeof restoreInputSchema>): { hours: number; clause: string } | null {
  const rule = policy.dunning.dataRestore;
  if (!rule) return null;
  const { productKind, deletedAt, requestedAt } = parseInput(restoreInputSchema, input);
  if (compareInstants(requestedAt, deletedAt) < 0) throw new ValidationError('requestedAt', 'is before deletedAt');
  const base = productKind === 'shared_hosting' ? rule.sharedHours : productKind === 'reseller' || productKind === 'vps' ? rule.resellerOrVpsHours : null;
  if (base === null) throw new ValidationError('productKind', `${productKind} has no hosting account to restore`);
  const age = localDaysBetween(policy.calendar, deletedAt, requestedAt);
  const extra = age <= rule.includedBackupAgeDays ? 0 : Math.ceil((age - rule.includedBackupAgeDays) / rule.extraHourPerDays);
  return { hours: base + extra, clause: rule.clause };
}
