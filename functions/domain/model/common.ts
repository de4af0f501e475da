/**
 * Building blocks shared by every entity schema: identifiers, UTC timestamps, calendar dates,
 * customer languages and countries, the actor of a change, and the fields every stored entity has.
 */
import { z } from 'zod';
import { ValidationError } from '../errors';

/**
 * Business ids ("INV-7", "c-42") and deterministic side-effect ids ("invoice#INV-7#reminder#2").
 * Whitespace is refused because ids end up in DynamoDB keys, execution names and e-mail headers.
 */
export const idSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(200, 'must be at most 200 characters')
  .regex(/^[A-Za-z0-9._:@#-]+$/, 'may contain only letters, digits and . _ : @ # -');

/** An instant, always stored in UTC (ARCHITECTURE.md invariant 5): `2026-12-01T09:30:00Z`, optional fractions. */
export const utcTimestampSchema = z.iso.datetime({ message: 'must be a UTC ISO-8601 timestamp ending in Z' });

/** A calendar date without time (`2026-12-01`): invoice issue and due dates, billing-run days. */
export const isoDateSchema = z.iso.date({ message: 'must be an ISO-8601 date (YYYY-MM-DD)' });

/** Languages the customer can be written to in; each needs its templates, so add one only with them. */
export const languageSchema = z.enum(['en', 'sl']);
export type Language = z.infer<typeof languageSchema>;

const ISO_3166_ALPHA2 = new Set(
  (
    'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ ' +
    'CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR ' +
    'GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP ' +
    'KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT ' +
    'MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW ' +
    'SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG ' +
    'UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW'
  ).split(' '),
);

/**
 * ISO 3166-1 alpha-2, officially assigned codes only. Written out because `Intl` has no list of
 * regions and its display names accept pseudo-regions such as EU, UN and QO.
 */
export const countrySchema = z
  .string()
  .regex(/^[A-Z]{2}$/, 'must be a two-letter upper-case ISO 3166-1 code')
  .refine((c) => ISO_3166_ALPHA2.has(c), 'is not an ISO 3166-1 alpha-2 country');

/** Who caused a change (ARCHITECTURE.md invariant 9): the system itself, a staff member or the customer. */
export const actorSchema = z.object({
  type: z.enum(['system', 'staff', 'customer']),
  id: z.string().min(1, 'must name the actor'),
});
export type Actor = z.infer<typeof actorSchema>;

/** Every kind of record the data layer stores; audit events and approvals refer to entities by it. */
export const entityTypeSchema = z.enum([
  'customer',
  'order',
  'service',
  'invoice',
  'payment',
  'creditBalance',
  'refund',
  'withdrawal',
  'deferral',
  'approval',
  'notification',
  'auditEvent',
  'sideEffect',
]);
export type EntityType = z.infer<typeof entityTypeSchema>;

export const entityRefSchema = z.object({ type: entityTypeSchema, id: idSchema });
export type EntityRef = z.infer<typeof entityRefSchema>;

/** A contract clause or policy rule id that caused a change, e.g. `hostico:IV.Preložitev`. */
export const clauseSchema = z.string().min(1, 'must name the clause or rule');

export const detailsSchema = z.record(z.string(), z.unknown());

/** Fields every stored entity has; `version` starts at 1 and grows by one with every write. */
export const entityFields = {
  id: idSchema,
  version: z.number().int('must be an integer').min(1, 'starts at 1'),
  createdAt: utcTimestampSchema,
  updatedAt: utcTimestampSchema,
};

/**
 * Parses with a schema and turns the first issue into a ValidationError whose `field` is the dotted
 * path of the offending field, prefixed with `where` (e.g. `invoice.dueDate`).
 */
export function parseWith<T extends z.ZodType>(schema: T, value: unknown, where?: string): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = [where, ...(issue?.path ?? []).map(String)].filter((p) => p !== undefined && p !== '');
  throw new ValidationError(path.join('.') || '(root)', issue?.message ?? 'is invalid', { cause: result.error });
}
