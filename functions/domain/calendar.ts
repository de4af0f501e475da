/**
 * A provider's business calendar (ARCHITECTURE.md invariant 5): its time zone, its weekend and the
 * public holidays of its country. Every deadline is computed on local dates and local wall-clock
 * times, so "7 days later" keeps the local time across a DST change, and is returned as a UTC
 * ISO-8601 string.
 */
import Holidays from 'date-holidays';
import { DateTime } from 'luxon';
import { ValidationError } from './errors';

export interface BusinessCalendar {
  timeZone: string;
  /** ISO 3166-1 alpha-2; its public holidays (only those of type "public") are non-working days. */
  country: string;
  /** ISO weekdays, 1 = Monday … 7 = Sunday. */
  weekendDays: readonly number[];
}

/** An instant as accepted at the boundary: an ISO-8601 string with offset, or a Date. */
export type Instant = string | Date;
/** A local calendar date, `YYYY-MM-DD`. */
export type LocalDate = string;

const LOCAL_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Parses an instant; a string without an offset is refused rather than guessed. */
export function parseInstant(at: Instant, field = 'at'): DateTime {
  const dt =
    at instanceof Date
      ? DateTime.fromJSDate(at)
      : /(Z|[+-]\d{2}:?\d{2})$/i.test(at)
        ? DateTime.fromISO(at, { setZone: true })
        : DateTime.invalid('no UTC offset');
  if (!dt.isValid) throw new ValidationError(field, `"${String(at)}" is not an ISO-8601 instant with an offset`);
  return dt;
}

function zoned(cal: BusinessCalendar, at: Instant, field?: string): DateTime {
  return parseInstant(at, field).setZone(cal.timeZone);
}

function iso(dt: DateTime): string {
  const out = dt.toUTC().toISO();
  if (out === null) throw new RangeError(`calendar: instant out of range: ${dt.invalidExplanation ?? ''}`);
  return out;
}

function parseLocalDate(cal: BusinessCalendar, date: LocalDate, field: string): DateTime {
  const dt = LOCAL_DATE.test(date) ? DateTime.fromISO(date, { zone: cal.timeZone }) : DateTime.invalid('format');
  if (!dt.isValid) throw new ValidationError(field, `"${date}" is not a calendar date (YYYY-MM-DD)`);
  return dt;
}

export function toUtcIso(at: Instant, field?: string): string {
  return iso(parseInstant(at, field));
}

export function localDateOf(cal: BusinessCalendar, at: Instant): LocalDate {
  return zoned(cal, at).toISODate() ?? '';
}

const holidayCache = new Map<string, ReadonlySet<string>>();

/** Whether `date-holidays` knows the country, so that a preset naming another fails at load. */
export function hasHolidayData(country: string): boolean {
  return Object.hasOwn(new Holidays().getCountries(), country);
}

function publicHolidays(country: string, year: number): ReadonlySet<string> {
  const key = `${country}:${year}`;
  let set = holidayCache.get(key);
  if (!set) {
    if (!hasHolidayData(country)) throw new ValidationError('calendar.country', `"${country}" has no holiday data`);
    const hd = new Holidays(country);
    set = new Set(
      hd
        .getHolidays(year)
        .filter((h) => h.type === 'public')
        .map((h) => h.date.slice(0, 10)),
    );
    holidayCache.set(key, set);
  }
  return set;
}

function isBusinessDate(cal: BusinessCalendar, day: DateTime): boolean {
  return !cal.weekendDays.includes(day.weekday) && !publicHolidays(cal.country, day.year).has(day.toISODate() ?? '');
}

/** Whether the local day of `at` (or the local date given) is neither a weekend day nor a public holiday. */
export function isBusinessDay(cal: BusinessCalendar, at: Instant | LocalDate): boolean {
  const day = typeof at === 'string' && LOCAL_DATE.test(at) ? parseLocalDate(cal, at, 'date') : zoned(cal, at);
  return isBusinessDate(cal, day);
}

/** Same local wall-clock time `days` local days later (negative: earlier). */
export function addCalendarDays(cal: BusinessCalendar, at: Instant, days: number): string {
  return iso(zoned(cal, at).plus({ days }));
}

/** `hours` of elapsed time later: a notice "within N hours" is a duration, not a wall-clock time. */
export function addHours(at: Instant, hours: number): string {
  return iso(parseInstant(at).plus({ hours }));
}

/**
 * Same local wall-clock time on the `days`-th business day after the local date of `at` (from a
 * Saturday, 1 business day later is Monday). `days` = 0 returns `at` unchanged.
 */
export function addBusinessDays(cal: BusinessCalendar, at: Instant, days: number): string {
  if (!Number.isInteger(days) || days < 0) throw new ValidationError('days', 'must be a non-negative whole number');
  let dt = zoned(cal, at);
  for (let left = days; left > 0; ) {
    dt = dt.plus({ days: 1 });
    if (isBusinessDate(cal, dt)) left -= 1;
  }
  return iso(dt);
}

/** Same local wall-clock time on the first business day strictly after the local date of `at`. */
export function nextBusinessDay(cal: BusinessCalendar, at: Instant): string {
  return addBusinessDays(cal, at, 1);
}

/** `at` itself if its local day is a business day, else the same wall-clock time on the next one. */
export function rollToBusinessDay(cal: BusinessCalendar, at: Instant): string {
  let dt = zoned(cal, at);
  while (!isBusinessDate(cal, dt)) dt = dt.plus({ days: 1 });
  return iso(dt);
}

export function startOfLocalDay(cal: BusinessCalendar, at: Instant): string {
  return iso(zoned(cal, at).startOf('day'));
}

/** The last millisecond of the local day: a deadline "on day D" is met by anything before it ends. */
export function endOfLocalDay(cal: BusinessCalendar, at: Instant): string {
  return iso(zoned(cal, at).endOf('day'));
}

/** A local date and wall-clock time (`HH:mm`, default midnight) in the provider's zone, as UTC. */
export function atLocal(cal: BusinessCalendar, date: LocalDate, time = '00:00', field = 'date'): string {
  const day = parseLocalDate(cal, date, field);
  const [h, m] = time.split(':').map(Number);
  return iso(day.set({ hour: h ?? 0, minute: m ?? 0 }));
}

/** Whole local calendar days from the local date of `from` to that of `to` (negative if `to` is earlier). */
export function localDaysBetween(cal: BusinessCalendar, from: Instant, to: Instant): number {
  const a = zoned(cal, from).startOf('day');
  const b = zoned(cal, to).startOf('day');
  return Math.round(b.diff(a, 'days').days);
}

/** Whole local calendar months from `from` to `to`: the largest n with from + n months ≤ to. */
export function wholeMonthsBetween(cal: BusinessCalendar, from: Instant, to: Instant): number {
  const a = zoned(cal, from);
  const b = zoned(cal, to);
  if (b < a) return 0;
  let n = Math.floor(b.diff(a, 'months').months);
  while (n > 0 && a.plus({ months: n }) > b) n -= 1;
  while (a.plus({ months: n + 1 }) <= b) n += 1;
  return n;
}

/** Same local wall-clock time `months` local months later; a missing day clamps to the month's end (Jan 31 → Feb 28). */
export function addMonths(cal: BusinessCalendar, at: Instant, months: number): string {
  return iso(zoned(cal, at).plus({ months }));
}

/** Compares two instants: negative if a is earlier. */
export function compareInstants(a: Instant, b: Instant): number {
  return parseInstant(a).toMillis() - parseInstant(b).toMillis();
}
