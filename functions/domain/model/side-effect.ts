import { z } from 'zod';
import { detailsSchema, entityFields, utcTimestampSchema } from './common';
import { stateSchema } from './states';

/**
 * The once-only claim of a side effect (an e-mail, a provisioning command, a payout, a penalty)
 * under its deterministic id (ARCHITECTURE.md invariant 3). Whoever writes the claim first performs
 * the effect; everyone else sees it is taken.
 */
export const sideEffectClaimSchema = z
  .object({
    ...entityFields,
    state: stateSchema('sideEffect'),
    details: detailsSchema,
    result: detailsSchema.optional(),
    completedAt: utcTimestampSchema.optional(),
  })
  .refine((c) => c.state !== 'completed' || (c.result !== undefined && c.completedAt !== undefined), {
    path: ['result'],
    message: 'is required once the effect is completed',
  });
export type SideEffectClaim = z.infer<typeof sideEffectClaimSchema>;
