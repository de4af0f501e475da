import { z } from 'zod';
import { countrySchema, entityFields, languageSchema } from './common';
import { stateSchema } from './states';

const customerFields = {
  ...entityFields,
  state: stateSchema('customer'),
  email: z.email('must be an e-mail address'),
  name: z.string().min(1, 'must not be empty'),
  language: languageSchema,
  country: countrySchema,
};

/**
 * Consumers have rights businesses do not (withdrawal, smartape 11.6), so the kind is a
 * discriminant rather than a flag: code that grants a consumer right has to narrow first.
 */
export const customerSchema = z.discriminatedUnion('type', [
  z.object({ ...customerFields, type: z.literal('consumer') }),
  z.object({
    ...customerFields,
    type: z.literal('business'),
    companyName: z.string().min(1, 'must not be empty'),
    vatId: z.string().regex(/^[A-Z]{2}[A-Z0-9+*]{2,13}$/, 'must be a VAT id with its country prefix').optional(),
  }),
]);
export type Customer = z.infer<typeof customerSchema>;
