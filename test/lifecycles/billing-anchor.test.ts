/**
 * Renewal due dates are anchored to a day of the month and clamped to each month's length, never
 * computed from the previous (clamped) due date: Jan 31 → Feb 28 → Mar 31 → Apr 30.
 */
import { describe, expect, it } from 'vitest';
import { anchoredDueDate, anchoredPeriod, deriveAnchorDay } from '../../functions/lifecycles/invoice-dunning/renewal';

const CAL = { timeZone: 'Europe/Ljubljana', country: 'SI', weekendDays: [6, 7] } as const;

/** Renews `times` times from `first`, each step from the previous due date, as the billing run does. */
function chain(first: string, anchorDay: number, months: number, times: number): string[] {
  const out = [first];
  for (let i = 0; i < times; i += 1) out.push(anchoredDueDate(out.at(-1)!, anchorDay, months));
  return out;
}

describe('anchored renewal dates', () => {
  it('monthly from Jan 31 for 14 months: the 31st where the month has one, else its last day (2028 is a leap year)', () => {
    expect(chain('2028-01-31', 31, 1, 14)).toEqual([
      '2028-01-31', '2028-02-29', '2028-03-31', '2028-04-30', '2028-05-31', '2028-06-30', '2028-07-31', '2028-08-31',
      '2028-09-30', '2028-10-31', '2028-11-30', '2028-12-31', '2029-01-31', '2029-02-28', '2029-03-31',
    ]);
  });

  it('monthly from Jan 31 in a common year: Feb 28 then back to Mar 31', () => {
    expect(chain('2026-01-31', 31, 1, 3)).toEqual(['2026-01-31', '2026-02-28', '2026-03-31', '2026-04-30']);
  });

  it('yearly from Feb 29: Feb 28 in common years, Feb 29 again in the next leap year', () => {
    expect(chain('2024-02-29', 29, 12, 4)).toEqual(['2024-02-29', '2025-02-28', '2026-02-28', '2027-02-28', '2028-02-29']);
  });

  it('quarterly from Aug 31: Nov 30, Feb 28, May 31, Aug 31 (Feb 29 in a leap year)', () => {
    expect(chain('2026-08-31', 31, 3, 4)).toEqual(['2026-08-31', '2026-11-30', '2027-02-28', '2027-05-31', '2027-08-31']);
    expect(chain('2027-08-31', 31, 3, 2)).toEqual(['2027-08-31', '2027-11-30', '2028-02-29']);
  });

  it('a period runs from its renewal day to the day before the next one', () => {
    expect(anchoredPeriod('2026-02-28', 31, 1)).toEqual({ start: '2026-02-28', end: '2026-03-30', next: '2026-03-31' });
    expect(anchoredPeriod('2026-03-31', 31, 1)).toEqual({ start: '2026-03-31', end: '2026-04-29', next: '2026-04-30' });
  });

  it('refuses an anchor day outside 1 to 31, naming the field', () => {
    expect(() => anchoredDueDate('2026-01-31', 32, 1)).toThrow(/billingAnchorDay/);
  });
});

describe('deriveAnchorDay: services stored before the anchor existed', () => {
  it('takes the local day of activation when the first due date is that day clamped (Jan 31 → Feb 28)', () => {
    expect(deriveAnchorDay(CAL, { activatedAt: '2026-01-31T10:00:00Z', paidUntil: '2026-02-27', nextDueDate: '2026-02-28' })).toBe(31);
  });

  it('uses the provider time zone: 23:30 UTC on Jan 30 is Jan 31 in Ljubljana', () => {
    expect(deriveAnchorDay(CAL, { activatedAt: '2026-01-30T23:30:00Z', paidUntil: '2026-02-27', nextDueDate: '2026-02-28' })).toBe(31);
  });

  it('keeps the due date\'s own day for a free trial (no paidUntil) or a due date that already drifted', () => {
    expect(deriveAnchorDay(CAL, { activatedAt: '2026-01-29T10:00:00Z', nextDueDate: '2026-02-28' })).toBe(28);
    expect(deriveAnchorDay(CAL, { activatedAt: '2026-01-31T10:00:00Z', paidUntil: '2026-03-27', nextDueDate: '2026-03-28' })).toBe(28);
  });

  it('a stored anchor wins', () => {
    expect(deriveAnchorDay(CAL, { billingAnchorDay: 30, activatedAt: '2026-01-31T10:00:00Z', paidUntil: '2026-02-27', nextDueDate: '2026-02-28' })).toBe(30);
  });
});
