import { describe, expect, it } from 'vitest';
import {
  addBusinessDays,
  addCalendarDays,
  addMonths,
  endOfLocalDay,
  isBusinessDay,
  localDaysBetween,
  nextBusinessDay,
  rollToBusinessDay,
  wholeMonthsBetween,
  type BusinessCalendar,
} from '../../../functions/domain/calendar';
import { ValidationError } from '../../../functions/domain/errors';
import { getPreset } from '../../../functions/domain/policy';

const RO: BusinessCalendar = getPreset('hostico').calendar;
const EE: BusinessCalendar = getPreset('smartape').calendar;
const UA: BusinessCalendar = getPreset('secom').calendar;

describe('isBusinessDay: weekends and public holidays of the provider country', () => {
  it.each([
    ['RO', RO, '2026-12-01', false, 'Romanian national day'],
    ['RO', RO, '2026-11-30', false, 'Sf. Andrei'],
    ['RO', RO, '2026-12-02', true, 'an ordinary Wednesday'],
    ['RO', RO, '2026-12-05', false, 'Saturday'],
    ['EE', EE, '2026-02-24', false, 'Estonian Independence Day'],
    ['EE', EE, '2026-06-24', false, 'jaanipäev'],
    ['EE', EE, '2026-02-25', true, 'an ordinary Wednesday'],
    ['UA', UA, '2026-08-24', false, 'Ukrainian Independence Day'],
    ['UA', UA, '2026-12-25', false, 'Christmas'],
    ['UA', UA, '2026-08-25', true, 'an ordinary Tuesday'],
  ])('%s %s → %s (%s)', (_c, cal, date, expected) => {
    expect(isBusinessDay(cal, date)).toBe(expected);
  });

  it('judges an instant by its local day, not its UTC day', () => {
    // 2026-11-30T22:30Z is already 1 December 00:30 in Bucharest.
    expect(isBusinessDay(RO, '2026-11-30T22:30:00Z')).toBe(false);
    expect(isBusinessDay(RO, '2026-12-01T22:30:00Z')).toBe(true);
  });
});

describe('addCalendarDays keeps the local wall-clock time (DST-safe)', () => {
  it.each([
    ['across the end of DST (last Sunday of October, 2026-10-25)', '2026-10-20T06:00:00Z', 7, '2026-10-27T07:00:00.000Z'],
    ['across the start of DST (last Sunday of March, 2026-03-29)', '2026-03-25T07:00:00Z', 7, '2026-04-01T06:00:00.000Z'],
    ['into the leap day 2028-02-29', '2028-02-28T10:00:00Z', 1, '2028-02-29T10:00:00.000Z'],
    ['over the leap day', '2028-02-28T10:00:00Z', 2, '2028-03-01T10:00:00.000Z'],
    ['from Jan 31 over the month end', '2026-01-31T10:00:00Z', 1, '2026-02-01T10:00:00.000Z'],
  ])('%s', (_what, from, days, expected) => {
    expect(addCalendarDays(RO, from, days)).toBe(expected);
  });
});

describe('addBusinessDays skips weekends and holidays', () => {
  it('from Friday 27 Nov 2026 one business day in Romania is Wednesday 2 Dec (30 Nov and 1 Dec are holidays)', () => {
    expect(addBusinessDays(RO, '2026-11-27T08:00:00Z', 1)).toBe('2026-12-02T08:00:00.000Z');
  });
  it('from Saturday one business day is Monday', () => {
    expect(addBusinessDays(EE, '2026-12-05T08:00:00Z', 1)).toBe('2026-12-07T08:00:00.000Z');
  });
  it('counts across the leap day 2028-02-29', () => {
    expect(addBusinessDays(RO, '2028-02-25T08:00:00Z', 2)).toBe('2028-02-29T08:00:00.000Z');
  });
  it('rejects a negative count', () => {
    expect(() => addBusinessDays(RO, '2026-12-01T00:00:00Z', -1)).toThrow(ValidationError);
  });
  it('nextBusinessDay and rollToBusinessDay differ on a business day', () => {
    expect(nextBusinessDay(RO, '2026-12-02T08:00:00Z')).toBe('2026-12-03T08:00:00.000Z');
    expect(rollToBusinessDay(RO, '2026-12-02T08:00:00Z')).toBe('2026-12-02T08:00:00.000Z');
    expect(rollToBusinessDay(RO, '2026-11-29T08:00:00Z')).toBe('2026-12-02T08:00:00.000Z');
  });
});

describe('local days and months', () => {
  it('ends a local day at 23:59:59.999 local, in winter and in summer', () => {
    expect(endOfLocalDay(RO, '2026-12-16T10:00:00Z')).toBe('2026-12-16T21:59:59.999Z');
    expect(endOfLocalDay(RO, '2026-07-01T10:00:00Z')).toBe('2026-07-01T20:59:59.999Z');
  });
  it('counts local days across a DST change as whole days', () => {
    expect(localDaysBetween(EE, '2026-03-28T12:00:00+02:00', '2026-03-30T12:00:00+03:00')).toBe(2);
  });
  it('adds a month to Jan 31 as the last day of February (2026 and leap 2028)', () => {
    expect(addMonths(RO, '2026-01-31T10:00:00+02:00', 1)).toBe('2026-02-28T08:00:00.000Z');
    expect(addMonths(RO, '2028-01-31T10:00:00+02:00', 1)).toBe('2028-02-29T08:00:00.000Z');
  });
  it('counts whole months only when the day of month is reached', () => {
    expect(wholeMonthsBetween(RO, '2026-02-10T09:00:00+02:00', '2027-01-10T10:00:00+02:00')).toBe(11);
    expect(wholeMonthsBetween(RO, '2026-02-10T11:00:00+02:00', '2027-01-10T10:00:00+02:00')).toBe(10);
    expect(wholeMonthsBetween(RO, '2027-01-11T00:00:00+02:00', '2027-01-10T00:00:00+02:00')).toBe(0);
  });
  it('refuses an instant without a UTC offset instead of guessing the zone', () => {
    expect(() => addCalendarDays(RO, '2026-12-01T10:00:00', 1)).toThrow(ValidationError);
    expect(() => addCalendarDays(RO, 'not a date', 1)).toThrow(ValidationError);
  });
});
