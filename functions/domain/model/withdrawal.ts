import { z } from 'zod';
import { nonNegativeMoneySchema } from '../money';
import { entityFields, idSchema, utcTimestampSchema } from './common';
import { stateSchema } from './states';

/** A consumer's withdrawal from a distance contract (smartape 11.6). */
export const withdrawalSchema = z
  .object({
    ...entityFields,
    state: stateSchema('withdrawal'),
    customerId: idSchema,
    orderId: idSchema,
    serviceIds: z.array(idSchema),
    /** The 14 days run from the conclusion of the contract (11.6). */
    contractConcludedAt: utcTimestampSchema,
    requestedAt: utcTimestampSchema,
    /** The request must be reproducible in writing (11.6). */
    channel: z.enum(['email', 'ticket', 'web_form', 'letter']),
    statement: z.string().min(1).optional(),
    /** The reasonable cost of what was provided after consent to an early start (11.6.1). */
    proportionalCharge: nonNegativeMoneySchema.optional(),
    approvalId: idSchema.optional(),
    refundId: idSchema.optional(),
  })
  .refine((w) => w.requestedAt >= w.contractConcludedAt, {
    path: ['requestedAt'],
    message: 'must not be before contractConcludedAt',
  });
export type Withdrawal = z.infer<typeof withdrawalSchema>;
