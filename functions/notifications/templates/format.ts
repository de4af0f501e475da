/**
 * Locale-aware formatting for e-mails: dates in the provider's time zone, amounts with their ISO
 * currency code, counts with the language's plural forms (Slovenian has four).
 */
import Big from 'big.js';
import { DateTime } from 'luxon';
import { toMajorString, type Money } from '../../domain/money';
import { ValidationError } from '../../domain/errors';

export const LANGUAGES = ['en', 'sl'] as const;
export type Language = (typeof LANGUAGES)[number];

export interface Formatter {
  language: Language;
  /** The BCP 47 locale dates and numbers are written in. */
  locale: string;
  date(iso: string): string;
  dateTime(iso: string): string;
  money(m: Money): string;
  percent(decimal: string): string;
  plural(n: number, forms: PluralForms): string;
}

/** One form per CLDR plural category the language uses; `other` is required. */
export type PluralForms = Partial<Record<Intl.LDMLPluralRule, string>> & { other: string };

/**
 * The customer's language picks the template language (English when we have none in theirs) and, when
 * the two agree, the customer's region picks the date and number style. Bare English is written the
 * British way: the providers are European, and day-month order with a 24-hour clock is what their
 * customers read without ambiguity.
 */
export function resolveLocale(customerLanguage: string): { language: Language; locale: string } {
  let canonical: string;
  try {
    [canonical = ''] = Intl.getCanonicalLocales(customerLanguage);
  } catch (cause) {
    throw new ValidationError('language', `"${customerLanguage}" is not a BCP 47 language tag`, { cause });
  }
  const intl = new Intl.Locale(canonical);
  const language = (LANGUAGES as readonly string[]).includes(intl.language) ? (intl.language as Language) : 'en';
  if (language !== intl.language) return { language, locale: 'en-GB' };
  if (language === 'en' && !intl.region) return { language, locale: 'en-GB' };
  return { language, locale: canonical };
}

export function createFormatter(customerLanguage: string, timeZone: string): Formatter {
  const { language, locale } = resolveLocale(customerLanguage);
  const inZone = (iso: string) => DateTime.fromISO(iso, { zone: timeZone }).setLocale(locale);
  const plurals = new Intl.PluralRules(locale);
  return {
    language,
    locale,
    date: (iso) => inZone(iso).toLocaleString({ day: 'numeric', month: 'short', year: 'numeric' }),
    // The zone's name, not an offset: the customer sees which clock the deadline runs on.
    dateTime: (iso) =>
      `${inZone(iso).toLocaleString({ day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })} (${timeZone})`,
    // Intl formats a decimal string exactly, so no amount ever passes through a binary float.
    money: (m) =>
      new Intl.NumberFormat(locale, { style: 'currency', currency: m.currency, currencyDisplay: 'code' }).format(
        toMajorString(m) as unknown as number,
      ),
    percent: (decimal) =>
      new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 6 }).format(
        new Big(decimal).div(100).toString() as unknown as number,
      ),
    plural: (n, forms) => `${n} ${forms[plurals.select(n)] ?? forms.other}`,
  };
}
