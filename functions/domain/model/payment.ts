import { z } from 'zod';
import { moneySchema, nonNegativeMoneySchema } from '../money';
import { entityFields, idSchema, utcTimestampSchema } from './common';

/**
 * A payment received against one invoice. It may cover only part of it: the invoice tracks the sum
 * paid so far. A payment is a fact and never changes state; a reversal would be a new record.
 */
export const paymentSchema = z.object({
  ...entityFields,
  /** The payment processor's transaction id, so a repeated webhook finds the existing record. */
  id: idSchema,
  state: z.literal('received'),
  customerId: idSchema,
  invoiceId: idSchema,
  amount: moneySchema.refine((m) => m.amount > 0, { path: ['amount'], message: 'must be positive' }),
  /** `other`: a method the processor does not name (cash at the office, a voucher); recorded as such, never guessed. */
  method: z.enum(['card', 'bank_transfer', 'paypal', 'webmoney', 'credit_balance', 'other']),
  /** When the money arrived, which is the payment date (smartape 5.2). */
  receivedAt: utcTimestampSchema,
});
export type Payment = z.infer<typeof paymentSchema>;

/**
 * Prepaid account credit (hostico IV. Kredit / Sredstva). Top-up limits and the cap are policy, not
 * schema; the balance itself can never be negative.
 */
export const creditBalanceSchema = z.object({
  ...entityFields,
  state: z.literal('open'),
  customerId: idSchema,
  balance: nonNegativeMoneySchema,
});
export type CreditBalance = z.infer<typeof creditBalanceSchema>;
