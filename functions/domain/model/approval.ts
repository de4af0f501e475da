import { z } from 'zod';
import { detailsSchema, entityRefSchema, entityFields, idSchema, utcTimestampSchema } from './common';
import { stateSchema } from './states';

export const approvalKindSchema = z.enum(['order_review', 'provisioning_failure', 'deferral', 'refund', 'withdrawal']);

/**
 * A decision a workflow waits for (ARCHITECTURE.md invariant 7). The task token stays in the
 * workflow's backend, never here; staff act on the approval id. `deadline` and `defaultOutcome`
 * say what happens when nobody decides.
 */
export const approvalSchema = z
  .object({
    ...entityFields,
    state: stateSchema('approval'),
    kind: approvalKindSchema,
    customerId: idSchema,
    context: z.object({
      subject: entityRefSchema,
      summary: z.string().min(1, 'must tell staff what they decide'),
      details: detailsSchema.optional(),
    }),
    deadline: utcTimestampSchema,
    defaultOutcome: z.enum(['approved', 'rejected']),
    decidedBy: z.string().min(1).optional(),
    decidedAt: utcTimestampSchema.optional(),
    reason: z.string().min(1).optional(),
  })
  .superRefine((a, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (a.state === 'pending') {
      if (a.decidedBy !== undefined) issue('decidedBy', 'must be absent while pending');
      if (a.decidedAt !== undefined) issue('decidedAt', 'must be absent while pending');
      return;
    }
    if (a.decidedAt === undefined) issue('decidedAt', `is required on a ${a.state} approval`);
    if (a.state === 'timed_out') {
      if (a.decidedBy !== undefined) issue('decidedBy', 'must be absent: nobody decided a timed-out approval');
      return;
    }
    if (a.decidedBy === undefined) issue('decidedBy', `is required on an ${a.state === 'approved' ? 'approved' : 'rejected'} approval`);
    if (a.reason === undefined) issue('reason', 'is required: staff say why they decided');
  });
export type Approval = z.infer<typeof approvalSchema>;
