import { z } from 'zod';
import { detailsSchema, entityRefSchema, entityFields, idSchema, languageSchema, utcTimestampSchema } from './common';
import { stateSchema } from './states';

/**
 * The deterministic id of a notification: the entity it is about, the purpose, and a sequence
 * number where the purpose repeats (`invoice#INV-7#reminder#2`). Retries compute the same id, so
 * the conditional write of the record makes the e-mail once-only (ARCHITECTURE.md invariant 3).
 */
export function notificationId(subjectType: string, subjectId: string, purpose: string, sequence?: number): string {
  return [subjectType, subjectId, purpose, ...(sequence === undefined ? [] : [String(sequence)])].join('#');
}

export const notificationSchema = z
  .object({
    ...entityFields,
    id: idSchema.regex(/^[A-Za-z]+#[^#]+#[^#]+(#[^#]+)*$/, 'must be deterministic: <entity type>#<id>#<purpose>[#<n>]'),
    state: stateSchema('notification'),
    customerId: idSchema,
    subject: entityRefSchema,
    template: z.string().regex(/^[a-z][a-z0-9_]*$/, 'must be a template name'),
    language: languageSchema,
    to: z.email('must be an e-mail address'),
    data: detailsSchema,
    sentAt: utcTimestampSchema.optional(),
    providerMessageId: z.string().min(1).optional(),
    error: z.string().min(1).optional(),
  })
  .refine((n) => n.state !== 'sent' || n.sentAt !== undefined, { path: ['sentAt'], message: 'is required on a sent notification' });
export type Notification = z.infer<typeof notificationSchema>;
