import { describe, expect, it } from 'vitest';
import { getPreset } from '../../../functions/domain/policy';
import { activationDeadline, activationDeadlineOrFallback, approvalTimeout, freeTrialEnd, unpaidOrderCancellationAt } from '../../../functions/domain/rules';

const hostico = getPreset('hostico');
const smartape = getPreset('smartape');
const secom = getPreset('secom');

describe('activation deadline after payment', () => {
  it.each([
    ['smartape hosting within 1 working day, skipping Estonian Independence Day (003 Annex 2 1.2)', smartape, 'shared_hosting', '2026-02-23T10:00:00+02:00', '2026-02-25T21:59:59.999Z'],
    ['smartape VPS paid on Saturday → Monday (003 Annex 4 1.3)', smartape, 'vps', '2026-12-05T10:00:00+02:00', '2026-12-07T21:59:59.999Z'],
    ['smartape domain within 5 working days (003 Annex 1 1.7)', smartape, 'domain', '2026-12-01T10:00:00+02:00', '2026-12-08T21:59:59.999Z'],
    ['smartape licence within 1 working day (003 Annex 9 1.7)', smartape, 'software_licence', '2026-12-01T10:00:00+02:00', '2026-12-02T21:59:59.999Z'],
    ['hostico paid on 1 Dec, a holiday → activated on 2 Dec (004 IV. Obdelava plačil; IV. Kampanje)', hostico, 'shared_hosting', '2026-12-01T10:00:00+02:00', '2026-12-02T21:59:59.999Z'],
    ['hostico paid on a business day → the same day (004 IV. Obdelava plačil)', hostico, 'vps', '2026-12-03T10:00:00+02:00', '2026-12-03T21:59:59.999Z'],
  ] as const)('%s', (_name, policy, productKind, paidAt, expected) => {
    expect(activationDeadline(policy, { productKind, paidAt })?.at).toBe(expected);
  });

  it.each([
    ['smartape sells no reseller plan', smartape, 'reseller'],
    ['secom sets no activation deadline', secom, 'vps'],
  ] as const)('is null where the contract has none: %s', (_name, policy, productKind) => {
    expect(activationDeadline(policy, { productKind, paidAt: '2026-12-03T10:00:00Z' })).toBeNull();
  });

  it('falls back to the preset\'s marked default where the contract has none, and keeps the contract deadline where it has one', () => {
    // secom: paid Thursday 3 Dec 2026 in Kyiv → the end of Friday 4 Dec, Kyiv time.
    expect(activationDeadlineOrFallback(secom, { productKind: 'vps', paidAt: '2026-12-03T10:00:00Z' })).toMatchObject({ at: '2026-12-04T21:59:59.999Z', clause: 'hostcycle default' });
    const changed = { ...secom, order: { ...secom.order, activationFallback: { workingDays: 3, clause: 'hostcycle default' } } };
    expect(activationDeadlineOrFallback(changed, { productKind: 'vps', paidAt: '2026-12-03T10:00:00Z' }).at).toBe('2026-12-08T21:59:59.999Z');
    expect(activationDeadlineOrFallback(smartape, { productKind: 'domain', paidAt: '2026-12-01T10:00:00+02:00' })).toMatchObject({ at: '2026-12-08T21:59:59.999Z', clause: '003 Annex 1 1.7' });
  });
});

describe('free trial', () => {
  it('ends a smartape VPS trial 10 days later at the same local time, across DST (003 Annex 11 4.3)', () => {
    expect(freeTrialEnd(smartape, { productKind: 'vps', startedAt: '2026-03-25T12:00:00+02:00' })).toEqual({
      at: '2026-04-04T09:00:00.000Z',
      clause: '003 Annex 11 4.3',
      oncePerCustomer: true,
    });
  });
  it('ends a smartape licence trial after 30 days (003 Annex 9 1.4)', () => {
    expect(freeTrialEnd(smartape, { productKind: 'software_licence', startedAt: '2026-01-31T12:00:00+02:00' })?.at).toBe('2026-03-02T10:00:00.000Z');
  });
  it('has no trial for hostico', () => {
    expect(freeTrialEnd(hostico, { productKind: 'vps', startedAt: '2026-03-25T12:00:00+02:00' })).toBeNull();
  });
});

describe('approvals time out to their default outcome', () => {
  it('rejects a hostico order review left 2 working days, past 30 Nov and 1 Dec (hostcycle default; 004 II. Pogodba)', () => {
    expect(approvalTimeout(hostico, 'orderReview', '2026-11-27T10:00:00+02:00')).toMatchObject({ at: '2026-12-03T08:00:00.000Z', onTimeout: 'reject' });
  });
  it('rejects a smartape order whose data is not confirmed within 3 calendar days (003 2.2.9)', () => {
    expect(approvalTimeout(smartape, 'orderReview', '2026-12-04T10:00:00+02:00')).toMatchObject({ at: '2026-12-07T08:00:00.000Z', onTimeout: 'reject', clause: '003 2.2.9' });
  });
  it('denies a hostico deferral beyond the limit after 2 working days (hostcycle default)', () => {
    expect(approvalTimeout(hostico, 'deferralBeyondLimit', '2026-12-03T10:00:00+02:00')).toMatchObject({ at: '2026-12-07T08:00:00.000Z', onTimeout: 'deny' });
  });
  it('escalates a pending refund (hostcycle default)', () => {
    expect(approvalTimeout(secom, 'refund', '2026-12-03T10:00:00+02:00')?.onTimeout).toBe('escalate');
  });
  it('is null where the preset has no such approval', () => {
    expect(approvalTimeout(secom, 'deferralBeyondLimit', '2026-12-03T10:00:00+02:00')).toBeNull();
  });
});

describe('unpaid order cancellation', () => {
  it('cancels an unpaid hostico order at the end of the 14th day (hostcycle default)', () => {
    expect(unpaidOrderCancellationAt(hostico, '2026-12-01T10:00:00+02:00')?.at).toBe('2026-12-15T21:59:59.999Z');
  });
  it('lets an unpaid smartape order lapse after 5 working days (hostcycle default after 003 5.1)', () => {
    expect(unpaidOrderCancellationAt(smartape, '2026-12-01T10:00:00+02:00')?.at).toBe('2026-12-08T21:59:59.999Z');
  });
});
