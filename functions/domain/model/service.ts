import { z } from 'zod';
import { billingCycleSchema, productKindSchema } from '../product';
import { nonNegativeMoneySchema } from '../money';
import { entityFields, idSchema, isoDateSchema, utcTimestampSchema } from './common';
import { stateSchema } from './states';

export const suspensionReasonSchema = z.enum([
  'non_payment',
  // Abuse, spam, illegal content (hostico X, XI; smartape 2.2.8, Annex 10).
  'violation',
  // Customer data not confirmed in time (smartape 2.2.9).
  'unanswered_data_request',
  // VPS disk nearly full, suspended to protect the data (hostico XII).
  'resource_exhaustion',
]);

export const suspensionSchema = z
  .object({
    reason: suspensionReasonSchema,
    /** The unpaid invoice a non-payment suspension is for: paying it in full reactivates the service. */
    invoiceId: idSchema.optional(),
    since: utcTimestampSchema,
  })
  .refine((s) => s.reason !== 'non_payment' || s.invoiceId !== undefined, {
    path: ['invoiceId'],
    message: 'is required for a suspension for non-payment',
  });
export type Suspension = z.infer<typeof suspensionSchema>;

export const serviceSchema = z
  .object({
    ...entityFields,
    state: stateSchema('service'),
    customerId: idSchema,
    orderId: idSchema,
    provider: z.string().min(1, 'must name the policy preset'),
    productKind: productKindSchema,
    productCode: z.string().min(1, 'must not be empty'),
    billingCycle: billingCycleSchema,
    price: nonNegativeMoneySchema,
    domain: z.string().min(1).optional(),
    activatedAt: utcTimestampSchema.optional(),
    /** The last day the service is paid for. */
    paidUntil: isoDateSchema.optional(),
    /** When the next renewal invoice falls due; the billing run finds the service by it. */
    nextDueDate: isoDateSchema.optional(),
    /**
     * The day of the month renewals are anchored to (Jan 31 → Feb 28 → Mar 31): each renewal's due date
     * is computed from it, clamped to the month's length, never from the previous (clamped) due date.
     * Absent on services activated before it existed: the billing run derives it on their next renewal.
     */
    billingAnchorDay: z.number().int('must be a whole day of the month').min(1, 'must be 1 to 31').max(31, 'must be 1 to 31').optional(),
    suspension: suspensionSchema.optional(),
    endedAt: utcTimestampSchema.optional(),
  })
  .refine((s) => (s.state === 'suspended') === (s.suspension !== undefined), {
    path: ['suspension'],
    message: 'must be present exactly when the service is suspended',
  });
export type Service = z.infer<typeof serviceSchema>;
