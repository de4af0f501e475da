/**
 * Building blocks of the template variable schemas. Every instant is a UTC ISO-8601 string (as stored,
 * invariant 5); the provider's IANA time zone says which clock it is shown on.
 */
import { IANAZone } from 'luxon';
import { z } from 'zod';
import { moneySchema, nonNegativeMoneySchema } from '../../domain/money';

export const instant = z.iso.datetime({ message: 'must be a UTC ISO-8601 timestamp ending in Z' });

export const ianaTimeZone = z.string().refine((tz) => IANAZone.isValidZone(tz), 'is not an IANA time zone');

export const text = z.string().trim().min(1).max(500);

/** A contract clause as the provider's own terms name it, e.g. "IV. Preložitev/Zaustavitev/Reaktivacija" or "2.2.5". */
export const clause = z.string().trim().min(1).max(200);

export const id = z.string().trim().min(1).max(100);

export const httpsUrl = z.url({ protocol: /^https$/, message: 'must be an https URL' });

export const amount = nonNegativeMoneySchema;
export const positiveAmount = moneySchema.refine((m) => m.amount > 0, { message: 'must be more than zero', path: ['amount'] });

export const days = z.number().int().min(0).max(3650);

export const lines = z.array(z.object({ description: text, amount: moneySchema })).min(1);

/** What every template needs: whom it greets and whose rules, clock and signature it carries. */
export const letterVars = z.object({
  customerName: z.string().trim().min(1).max(200),
  provider: z.object({ name: text, timeZone: ianaTimeZone, supportEmail: z.email() }),
});

/** When an unpaid service is suspended: `graceDays` after the due date (0: as soon as it is overdue). */
export const suspensionRule = z.object({ clause, graceDays: days });

/** What follows a suspension that stays unpaid, and when the contract says it happens. */
export const endRule = z.object({
  kind: z.enum(['deletion', 'termination']),
  clause,
  days,
  from: z.enum(['due_date', 'invoice_date']),
});

/** A late-payment penalty per day of delay, e.g. "0.1" (%), with the amount accrued so far if any. */
export const penaltyRule = z.object({
  clause,
  percentPerDay: z.string().regex(/^\d+(\.\d+)?$/, 'must be a decimal number of percent'),
  accrued: amount.optional(),
});

/** The latest date a deferral can reach without a staff exception. */
export const deferralOffer = z.object({ until: instant, clause });

/** What brings a suspended service back. */
export const reactivationRule = z.object({
  clause,
  condition: z.enum(['all_amounts_owed', 'this_invoice']),
  amountToPay: positiveAmount,
});

/** Restoring data after deletion is billed as support hours, never refunded. */
export const restoreOffer = z.object({ clause, minimumHours: z.number().int().min(1).max(100) });
