import { z } from 'zod';
import { entityFields, idSchema, isoDateSchema, utcTimestampSchema } from './common';
import { stateSchema } from './states';

/** A payment extension for one invoice (hostico IV. Preložitev…). */
export const deferralSchema = z
  .object({
    ...entityFields,
    state: stateSchema('deferral'),
    customerId: idSchema,
    invoiceId: idSchema,
    requestedAt: utcTimestampSchema,
    originalDueDate: isoDateSchema,
    requestedUntil: isoDateSchema,
    grantedUntil: isoDateSchema.optional(),
    approvalId: idSchema.optional(),
  })
  .superRefine((d, ctx) => {
    if (d.requestedUntil <= d.originalDueDate) {
      ctx.addIssue({ code: 'custom', path: ['requestedUntil'], message: 'must be after originalDueDate' });
    }
    if (d.grantedUntil !== undefined && d.grantedUntil <= d.originalDueDate) {
      ctx.addIssue({ code: 'custom', path: ['grantedUntil'], message: 'must be after originalDueDate' });
    }
    if ((d.state === 'granted' || d.state === 'approved') && d.grantedUntil === undefined) {
      ctx.addIssue({ code: 'custom', path: ['grantedUntil'], message: `is required on a ${d.state} deferral` });
    }
    if (d.state === 'needs_staff' && d.approvalId === undefined) {
      ctx.addIssue({ code: 'custom', path: ['approvalId'], message: 'is required while staff decide' });
    }
  });
export type Deferral = z.infer<typeof deferralSchema>;
