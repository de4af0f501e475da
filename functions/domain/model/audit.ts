import { z } from 'zod';
import { actorSchema, clauseSchema, detailsSchema, entityRefSchema, entityFields, idSchema, utcTimestampSchema } from './common';

/**
 * One state change (ARCHITECTURE.md invariant 9, 001 §6.1): which entity, from → to, who, under
 * which rule, and when. `from` is null when the entity was created. Audit events are appended,
 * never changed, so their state is always `recorded` and their version 1.
 */
export const auditEventSchema = z.object({
  ...entityFields,
  state: z.literal('recorded'),
  version: z.literal(1),
  entity: entityRefSchema,
  /** The version the change produced; audit ids derive from it, so one change is logged once. */
  entityVersion: z.number().int().min(1),
  customerId: idSchema.optional(),
  from: z.string().min(1).nullable(),
  to: z.string().min(1),
  actor: actorSchema,
  rule: clauseSchema,
  at: utcTimestampSchema,
  details: detailsSchema.optional(),
});
export type AuditEvent = z.infer<typeof auditEventSchema>;
