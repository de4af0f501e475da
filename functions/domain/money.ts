/**
 * Exact money (ARCHITECTURE.md invariant 6): an integer number of minor units (cents, bani, kopiyky)
 * and an ISO 4217 currency. Arithmetic that can produce fractions of a minor unit (percentages,
 * proportions, exchange rates) goes through big.js and names its rounding mode; there is no implicit
 * rounding anywhere.
 */
import Big from 'big.js';
import { z } from 'zod';
import { CurrencyMismatchError, ValidationError } from './errors';

const ISO_CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

export const currencySchema = z
  .string()
  .regex(/^[A-Z]{3}$/, 'must be a three-letter ISO 4217 code')
  .refine((c) => ISO_CURRENCIES.has(c), 'is not an ISO 4217 currency');
export type Currency = z.infer<typeof currencySchema>;

export const moneySchema = z.object({
  /** Integer minor units; may be negative only where the schema using it allows (e.g. a credit note line). */
  amount: z.number().int('must be an integer number of minor units').refine(Number.isSafeInteger, 'is too large'),
  currency: currencySchema,
});
export type Money = z.infer<typeof moneySchema>;

export const nonNegativeMoneySchema = moneySchema.refine((m) => m.amount >= 0, {
  message: 'must not be negative',
  path: ['amount'],
});

/** How to turn a fraction of a minor unit into a whole one. */
export type Rounding = 'half-up' | 'half-even' | 'down' | 'up';
const BIG_ROUNDING: Record<Rounding, Big.RoundingMode> = {
  down: Big.roundDown,
  'half-up': Big.roundHalfUp,
  'half-even': Big.roundHalfEven,
  up: Big.roundUp,
};

/** Number of minor-unit digits of a currency (EUR 2, JPY 0, …), from the runtime's ICU data. */
export function minorDigits(currency: Currency): number {
  return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

export function money(amount: number, currency: Currency): Money {
  return moneySchema.parse({ amount, currency });
}

export function zero(currency: Currency): Money {
  return { amount: 0, currency };
}

/** Parses a decimal string of major units ("12.34") exactly. More decimals than the currency has is an error. */
export function fromMajor(major: string, currency: Currency): Money {
  const digits = minorDigits(currency);
  if (!/^-?\d+(\.\d+)?$/.test(major)) throw new ValidationError('amount', `"${major}" is not a decimal number`);
  const frac = major.split('.')[1] ?? '';
  if (frac.length > digits) throw new ValidationError('amount', `${currency} has ${digits} decimals, got "${major}"`);
  return money(new Big(major).times(new Big(10).pow(digits)).toNumber(), currency);
}

export function toMajorString(m: Money): string {
  const digits = minorDigits(m.currency);
  return new Big(m.amount).div(new Big(10).pow(digits)).toFixed(digits);
}

/** "12.34 EUR": unambiguous in every language, used in e-mails, audit events and the CLI. */
export function formatMoney(m: Money): string {
  return `${toMajorString(m)} ${m.currency}`;
}

function sameCurrency(a: Money, b: Money): void {
  if (a.currency !== b.currency) throw new CurrencyMismatchError(`cannot combine ${a.currency} with ${b.currency}`);
}

export function add(a: Money, b: Money): Money {
  sameCurrency(a, b);
  return money(a.amount + b.amount, a.currency);
}

export function subtract(a: Money, b: Money): Money {
  sameCurrency(a, b);
  return money(a.amount - b.amount, a.currency);
}

export function sum(items: readonly Money[], currency: Currency): Money {
  return items.reduce((acc, m) => add(acc, m), zero(currency));
}

export function negate(m: Money): Money {
  return money(-m.amount, m.currency);
}

export function compare(a: Money, b: Money): -1 | 0 | 1 {
  sameCurrency(a, b);
  return a.amount < b.amount ? -1 : a.amount > b.amount ? 1 : 0;
}

export function min(a: Money, b: Money): Money {
  return compare(a, b) <= 0 ? a : b;
}

export function max(a: Money, b: Money): Money {
  return compare(a, b) >= 0 ? a : b;
}

/** `m × numerator / denominator`, rounded once at the end. Proportional charges and prorations use this. */
export function multiplyRatio(m: Money, numerator: number | string, denominator: number | string, rounding: Rounding): Money {
  const d = new Big(denominator);
  if (d.eq(0)) throw new RangeError('multiplyRatio: denominator is zero');
  const exact = new Big(m.amount).times(numerator).div(d);
  return money(exact.round(0, BIG_ROUNDING[rounding]).toNumber(), m.currency);
}

/** `m × percent / 100`, e.g. a 0.1 % daily penalty is `percentOf(m, '0.1', 'half-up')`. */
export function percentOf(m: Money, percent: number | string, rounding: Rounding): Money {
  return multiplyRatio(m, percent, 100, rounding);
}

/**
 * Converts at an exchange rate given as a decimal string (units of `to` per unit of `m.currency`),
 * accounting for differing minor-unit digits.
 */
export function convert(m: Money, rate: string, to: Currency, rounding: Rounding): Money {
  const shift = minorDigits(to) - minorDigits(m.currency);
  const exact = new Big(m.amount).times(rate).times(new Big(10).pow(shift));
  return money(exact.round(0, BIG_ROUNDING[rounding]).toNumber(), to);
}
