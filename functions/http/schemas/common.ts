import { z } from 'zod';
import { moneySchema } from '../../domain/money';
import { named } from './registry';

export const money = named(
  'Money',
  moneySchema.describe('An exact amount: integer minor units (cents) and an ISO 4217 currency, e.g. {"amount": 1299, "currency": "EUR"} is 12.99 EUR.'),
);

export const positiveMoney = named(
  'PositiveMoney',
  moneySchema
    .refine((m) => m.amount > 0, { message: 'must be greater than zero', path: ['amount'] })
    .describe('Money whose amount is at least 1 minor unit.'),
);

export const nonNegativeMoney = named(
  'NonNegativeMoney',
  moneySchema
    .refine((m) => m.amount >= 0, { message: 'must not be negative', path: ['amount'] })
    .describe('Money whose amount is zero or more minor units.'),
);

/** Ids chosen by the storefront or by us: opaque, printable, and safe inside deterministic ids like `invoice#INV-7#reminder#2`. */
export const id = z
  .string()
  .min(1, 'must not be empty')
  .max(128, 'must be at most 128 characters')
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:/-]*$/, 'may contain only letters, digits and . _ : / - and must start with a letter or digit');

export const instant = z.iso.datetime({ offset: true, message: 'must be an ISO-8601 date-time with a time zone, e.g. 2026-11-22T09:30:00Z' });

export const calendarDate = z.iso.date('must be an ISO-8601 calendar date, e.g. 2026-12-06');

export const countryCode = z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 country code, e.g. SI');

export const languageTag = z
  .string()
  .regex(/^[a-z]{2,3}(-[A-Z]{2})?$/, 'must be a language tag such as en, sl or en-GB');

/** Cursor pagination: the cursor is opaque to clients and comes from the previous page's `nextCursor`. */
export const pageQuery = {
  limit: z.coerce.number().int('must be an integer').min(1, 'must be at least 1').max(100, 'must be at most 100').default(50),
  cursor: z.string().min(1).max(512).optional(),
};
