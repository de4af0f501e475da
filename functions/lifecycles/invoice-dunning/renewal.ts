/**
 * Renewal dates anchored to a day of the month. A renewal's due date is computed from the service's
 * anchor day, clamped to the length of the month it lands in, never from the previous (already
 * clamped) due date: a service activated on Jan 31 renews on Feb 28 (Feb 29 in a leap year), Mar 31,
 * Apr 30, … and not Feb 28, Mar 28, Apr 28. Pure date arithmetic on local calendar dates (luxon).
 */
import { DateTime } from 'luxon';
import type { BusinessCalendar, LocalDate } from '../../domain/calendar';
import { localDateOf } from '../../domain/calendar';
import { ValidationError } from '../../domain/errors';
import type { Service } from '../../domain/model';

function dateOf(date: LocalDate, field: string): DateTime {
  const dt = DateTime.fromISO(date, { zone: 'UTC' });
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || !dt.isValid) throw new ValidationError(field, `"${date}" is not a calendar date (YYYY-MM-DD)`);
  return dt;
}

/** The anchor day in the month `months` after the month of `from`, clamped to that month's length. */
export function anchoredDueDate(from: LocalDate, anchorDay: number, months: number): LocalDate {
  if (!Number.isInteger(anchorDay) || anchorDay < 1 || anchorDay > 31) throw new ValidationError('billingAnchorDay', 'must be 1 to 31');
  const month = dateOf(from, 'from').startOf('month').plus({ months });
  return month.set({ day: Math.min(anchorDay, month.daysInMonth ?? 28) }).toISODate() ?? '';
}

/** The period a renewal starting on `start` covers, and the day the following renewal falls due. */
export function anchoredPeriod(start: LocalDate, anchorDay: number, months: number): { start: LocalDate; end: LocalDate; next: LocalDate } {
  const next = anchoredDueDate(start, anchorDay, months);
  return { start, end: dateOf(next, 'next').minus({ days: 1 }).toISODate() ?? '', next };
}

/**
 * The anchor of a service that has none stored yet (activated before the field existed). A paid
 * service's first renewal is one cycle after its activation, so the local day of `activatedAt` is the
 * anchor when the due date is that day clamped to its month (Jan 31 → Feb 28). Otherwise (a free
 * trial, which sets no paidUntil at activation and renews when the trial ends, or a due date that
 * already drifted) the current due date's own day is kept: it never moves a due date already set.
 */
export function deriveAnchorDay(cal: BusinessCalendar, service: Pick<Service, 'activatedAt' | 'paidUntil' | 'nextDueDate' | 'billingAnchorDay'>): number | undefined {
  if (service.billingAnchorDay !== undefined) return service.billingAnchorDay;
  if (service.nextDueDate === undefined) return undefined;
  const due = dateOf(service.nextDueDate, 'nextDueDate');
  if (service.activatedAt !== undefined && service.paidUntil !== undefined) {
    const activatedDay = dateOf(localDateOf(cal, service.activatedAt), 'activatedAt').day;
    if (Math.min(activatedDay, due.daysInMonth ?? 28) === due.day) return activatedDay;
  }
  return due.day;
}
