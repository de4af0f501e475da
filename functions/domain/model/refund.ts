import { z } from 'zod';
import { moneySchema, nonNegativeMoneySchema } from '../money';
import { clauseSchema, entityFields, idSchema, utcTimestampSchema } from './common';
import { stateSchema } from './states';

/**
 * One line of the refund computation, citing the clause it applies: "unused months 3 × 10.00",
 * "free domain of the offer −12.00 (hostico IV. Vračilo denarja)". Deductions are negative.
 */
export const refundBreakdownItemSchema = z.object({
  label: z.string().min(1, 'must not be empty'),
  amount: moneySchema,
  clause: clauseSchema,
});
export type RefundBreakdownItem = z.infer<typeof refundBreakdownItemSchema>;

export const refundSchema = z
  .object({
    ...entityFields,
    state: stateSchema('refund'),
    customerId: idSchema,
    provider: z.string().min(1, 'must name the policy preset'),
    serviceIds: z.array(idSchema).min(1, 'must name at least one service'),
    requestedAt: utcTimestampSchema,
    amount: nonNegativeMoneySchema,
    breakdown: z.array(refundBreakdownItemSchema).min(1, 'must explain the amount'),
    /** The money goes back to the account it came from unless the customer names another (hostico, secom). */
    destination: z.object({ kind: z.enum(['original_method', 'other_account']), details: z.string().min(1).optional() }),
    reason: z.string().min(1).optional(),
    /**
     * Who caused the refund. `customer_request` (the default when absent): the customer asked, and
     * ComputeRefund computes what is owed under the refund policy (pro rata, deductions).
     * `provider_cancellation`: the provider cancelled a paid order it did not deliver; the amount was
     * fixed when the refund was recorded (everything paid for the cancelled items) and is kept as is.
     */
    origin: z.enum(['customer_request', 'provider_cancellation']).optional(),
    /** The order whose cancellation caused a `provider_cancellation` refund. */
    orderId: idSchema.optional(),
    approvalId: idSchema.optional(),
    /** The storno that confirms the refund (hostico IV. Vračilo denarja). */
    creditNoteId: idSchema.optional(),
    completedAt: utcTimestampSchema.optional(),
  })
  .superRefine((refund, ctx) => {
    refund.breakdown.forEach((item, i) => {
      if (item.amount.currency !== refund.amount.currency) {
        ctx.addIssue({ code: 'custom', path: ['breakdown', i, 'amount', 'currency'], message: `must be the refund currency ${refund.amount.currency}` });
      }
    });
    const total = refund.breakdown.reduce((acc, item) => acc + item.amount.amount, 0);
    if (total !== refund.amount.amount) {
      ctx.addIssue({ code: 'custom', path: ['amount', 'amount'], message: `must equal the sum of the breakdown, ${total}` });
    }
  });
export type Refund = z.infer<typeof refundSchema>;
