import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../functions/domain/errors';
import { getPreset } from '../../../functions/domain/policy';
import {
  decideDeferral,
  dueDate,
  invoiceIssueDate,
  reactivationAt,
  reminderSchedule,
  suspensionPlan,
  terminationAndDeletion,
} from '../../../functions/domain/rules';

const hostico = getPreset('hostico');
const smartape = getPreset('smartape');
const secom = getPreset('secom');

describe('invoice issue date', () => {
  it.each([
    ['hostico bills on 1 Dec (Romanian national day) → issued 2 Dec (004 IV. Kampanje)', hostico, '2026-12-01T00:00:00+02:00', '2026-12-01T22:00:00.000Z'],
    ['hostico bills on Saturday 28 Nov → issued Wednesday 2 Dec past Sf. Andrei and the national day (004 IV. Kampanje)', hostico, '2026-11-28T09:00:00+02:00', '2026-12-02T07:00:00.000Z'],
    ['hostico bills on a business day → issued at once (004 IV. Kampanje)', hostico, '2026-12-03T09:00:00+02:00', '2026-12-03T07:00:00.000Z'],
    ['smartape issues on any day, the client creates invoices at will (003 5.1)', smartape, '2026-02-24T09:00:00+02:00', '2026-02-24T07:00:00.000Z'],
  ])('%s', (_name, policy, billedAt, expected) => {
    expect(invoiceIssueDate(policy, billedAt).at).toBe(expected);
  });
});

describe('due date', () => {
  it.each([
    ['smartape: 5 working days from the invoice date (003 5.1)', smartape, '2026-12-01T00:00:00+02:00', '2026-12-08T21:59:59.999Z'],
    ['smartape: skips Estonian Independence Day 24 Feb (003 5.1)', smartape, '2026-02-20T00:00:00+02:00', '2026-03-02T21:59:59.999Z'],
    ['smartape: skips 24–26 Dec (003 5.1)', smartape, '2026-12-22T00:00:00+02:00', '2026-12-31T21:59:59.999Z'],
    ['hostico: 14 calendar days (hostcycle default)', hostico, '2026-12-02T00:00:00+02:00', '2026-12-16T21:59:59.999Z'],
    ['hostico: a due date on Christmas moves past 25–27 Dec to Monday 28 Dec (hostcycle default)', hostico, '2026-12-11T00:00:00+02:00', '2026-12-28T21:59:59.999Z'],
    ['hostico: from 31 Jan over the February month end (hostcycle default)', hostico, '2028-01-31T10:00:00+02:00', '2028-02-14T21:59:59.999Z'],
    ['secom: 7 calendar days, moved off a weekend (hostcycle default)', secom, '2026-12-05T00:00:00+02:00', '2026-12-14T21:59:59.999Z'],
  ])('%s', (_name, policy, issuedAt, expected) => {
    expect(dueDate(policy, issuedAt).at).toBe(expected);
  });

  it('says when a due date was moved off a holiday', () => {
    expect(dueDate(hostico, '2026-12-11T00:00:00+02:00').note).toMatch(/2026-12-25/);
  });
});

describe('suspension after the due date', () => {
  it('suspends a hostico service 7 days after the due date (004 IV. Preložitev/Zaustavitev/Reaktivacija)', () => {
    const plan = suspensionPlan(hostico, { dueAt: '2026-12-16T21:59:59.999Z', productKind: 'shared_hosting' });
    expect(plan).toMatchObject({ kind: 'suspends', graceDays: 7, suspendAt: { at: '2026-12-23T21:59:59.999Z' } });
  });

  it('keeps the local end of day when the grace crosses the end of DST (004 IV. Preložitev…)', () => {
    const plan = suspensionPlan(hostico, { dueAt: '2026-10-20T20:59:59.999Z', productKind: 'vps' });
    expect(plan).toMatchObject({ suspendAt: { at: '2026-10-27T21:59:59.999Z' } });
  });

  it('suspends smartape immediately when the due date passes (003 2.2.5)', () => {
    const plan = suspensionPlan(smartape, { dueAt: '2026-12-08T21:59:59.999Z', productKind: 'vps' });
    expect(plan).toMatchObject({ kind: 'suspends', graceDays: 0, suspendAt: { at: '2026-12-08T21:59:59.999Z', clause: '003 2.2.5' } });
  });

  it('lets a domain on the same hostico invoice as hosting expire at the due date with no grace (004 IV. Preložitev…)', () => {
    const dueAt = '2026-12-16T21:59:59.999Z';
    expect(suspensionPlan(hostico, { dueAt, productKind: 'shared_hosting' }).kind).toBe('suspends');
    expect(suspensionPlan(hostico, { dueAt, productKind: 'domain' })).toEqual({
      kind: 'expires_at_due',
      expiresAt: { at: dueAt, clause: '004 IV. Preložitev/Zaustavitev/Reaktivacija' },
    });
  });

  it('has no suspension for secom, whose FAQ sets none (000)', () => {
    expect(suspensionPlan(secom, { dueAt: '2026-12-16T21:59:59.999Z', productKind: 'vps' }).kind).toBe('none');
  });
});

describe('deferral (004 IV. Preložitev/Zaustavitev/Reaktivacija)', () => {
  const dueAt = '2026-12-16T21:59:59.999Z';
  it('grants a deferral up to 14 days from the due date automatically', () => {
    expect(decideDeferral(hostico, { dueAt, requestedUntil: '2026-12-30T12:00:00+02:00', productKind: 'shared_hosting' })).toEqual({
      outcome: 'granted',
      deadline: { at: '2026-12-30T21:59:59.999Z', clause: '004 IV. Preložitev/Zaustavitev/Reaktivacija' },
    });
  });
  it('sends a deferral beyond 14 days to staff, with the 14-day limit as fallback', () => {
    expect(decideDeferral(hostico, { dueAt, requestedUntil: '2026-12-31T12:00:00+02:00', productKind: 'shared_hosting' })).toEqual({
      outcome: 'needs_staff',
      requestedDeadline: '2026-12-31T21:59:59.999Z',
      limit: { at: '2026-12-30T21:59:59.999Z', clause: '004 IV. Preložitev/Zaustavitev/Reaktivacija' },
    });
  });
  it('offers no deferral on a domain, renewed only on payment', () => {
    expect(decideDeferral(hostico, { dueAt, requestedUntil: '2026-12-20T12:00:00+02:00', productKind: 'domain' }).outcome).toBe('not_offered');
  });
  it('offers no deferral under smartape (003 has none)', () => {
    expect(decideDeferral(smartape, { dueAt, requestedUntil: '2026-12-20T12:00:00+02:00', productKind: 'vps' })).toMatchObject({ outcome: 'not_offered', clause: null });
  });
  it('rejects a deferral that ends before the due date', () => {
    expect(() => decideDeferral(hostico, { dueAt, requestedUntil: '2026-12-10T12:00:00+02:00', productKind: 'vps' })).toThrow(ValidationError);
  });
});

describe('termination and deletion', () => {
  it('lets smartape terminate 20 days from the invoice date, the debt remaining (003 2.2.5)', () => {
    const end = terminationAndDeletion(smartape, { issuedAt: '2026-12-01T00:00:00+02:00', dueAt: '2026-12-08T21:59:59.999Z', productKind: 'vps' });
    expect(end).toEqual({ termination: { at: '2026-12-21T21:59:59.999Z', clause: '003 2.2.5', debtRemains: true }, deletion: null });
  });
  it('counts smartape termination from 31 Jan across the February month end (003 2.2.5)', () => {
    const end = terminationAndDeletion(smartape, { issuedAt: '2026-01-31T10:00:00+02:00', dueAt: '2026-02-06T21:59:59.999Z', productKind: 'vps' });
    expect(end.termination?.at).toBe('2026-02-20T21:59:59.999Z');
  });
  it('deletes a hostico account 30 days after the due date (004 IV. Neplačilo)', () => {
    const end = terminationAndDeletion(hostico, { issuedAt: '2026-12-02T00:00:00+02:00', dueAt: '2026-12-16T21:59:59.999Z', productKind: 'shared_hosting' });
    expect(end).toEqual({ termination: null, deletion: { at: '2027-01-15T21:59:59.999Z', clause: '004 IV. Neplačilo' } });
  });
  it('does not "delete" a hostico domain, which already expired at its due date (004 IV. Preložitev…)', () => {
    const end = terminationAndDeletion(hostico, { issuedAt: '2026-12-02T00:00:00+02:00', dueAt: '2026-12-16T21:59:59.999Z', productKind: 'domain' });
    expect(end.deletion).toBeNull();
  });
  it('rejects a due date before the issue date', () => {
    expect(() => terminationAndDeletion(hostico, { issuedAt: '2026-12-16T00:00:00Z', dueAt: '2026-12-01T00:00:00Z', productKind: 'vps' })).toThrow(
      expect.objectContaining({ field: 'dueAt' }),
    );
  });
});

describe('reminder schedule', () => {
  it('sends hostico reminders at 09:00 Bucharest on due −3, +1, +5 and a deletion warning at +15 (hostcycle default; 004 I. Splošno)', () => {
    const reminders = reminderSchedule(hostico, { issuedAt: '2026-12-02T00:00:00+02:00', dueAt: '2026-12-16T21:59:59.999Z', productKind: 'shared_hosting' });
    expect(reminders.map((r) => [r.at, r.purpose])).toEqual([
      ['2026-12-13T07:00:00.000Z', 'payment_reminder'],
      ['2026-12-17T07:00:00.000Z', 'payment_reminder'],
      ['2026-12-21T07:00:00.000Z', 'suspension_warning'],
      ['2026-12-31T07:00:00.000Z', 'deletion_warning'],
    ]);
  });
  it('sends no suspension or deletion warning for a hostico domain', () => {
    const reminders = reminderSchedule(hostico, { issuedAt: '2026-12-02T00:00:00+02:00', dueAt: '2026-12-16T21:59:59.999Z', productKind: 'domain' });
    expect(reminders.map((r) => r.purpose)).toEqual(['payment_reminder', 'payment_reminder']);
  });
  it('keeps 09:00 local across the DST change for smartape (hostcycle default)', () => {
    const reminders = reminderSchedule(smartape, { issuedAt: '2026-03-20T00:00:00+02:00', dueAt: '2026-03-27T21:59:59.999Z', productKind: 'vps' });
    expect(reminders.map((r) => r.at)).toEqual(['2026-03-25T07:00:00.000Z', '2026-03-27T07:00:00.000Z', '2026-04-03T06:00:00.000Z']);
  });
  it('drops a reminder that would precede the invoice', () => {
    const reminders = reminderSchedule(secom, { issuedAt: '2026-12-15T00:00:00+02:00', dueAt: '2026-12-16T21:59:59.999Z', productKind: 'vps' });
    expect(reminders.map((r) => r.offsetDays)).toEqual([0, 3]);
  });
});

describe('reactivation', () => {
  it('reactivates hostico only from the start of the next business day after a weekend payment (004 IV. Kampanje)', () => {
    expect(reactivationAt(hostico, '2026-12-05T15:00:00+02:00')?.at).toBe('2026-12-06T22:00:00.000Z');
  });
  it('reactivates smartape as soon as the funds arrive (003 2.2.5; 5.2)', () => {
    expect(reactivationAt(smartape, '2026-12-05T15:00:00+02:00')?.at).toBe('2026-12-05T13:00:00.000Z');
  });
  it('has no reactivation rule for secom', () => {
    expect(reactivationAt(secom, '2026-12-05T15:00:00+02:00')).toBeNull();
  });
});
