import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../functions/domain/errors';
import { fromMajor } from '../../../functions/domain/money';
import { getPreset } from '../../../functions/domain/policy';
import { computeRefund, refundProcessingDeadline, type RefundInput } from '../../../functions/domain/rules';

const hostico = getPreset('hostico');
const smartape = getPreset('smartape');
const secom = getPreset('secom');
const RON = (m: string) => fromMajor(m, 'RON');
const EUR = (m: string) => fromMajor(m, 'EUR');
const UAH = (m: string) => fromMajor(m, 'UAH');

const VRACILO = '004 IV. Vračilo denarja';
const hosting = {
  label: 'shared hosting, annual',
  productKind: 'shared_hosting',
  amountPaid: RON('240.00'),
  billingCycle: 'annual',
  periodStart: '2026-01-10T10:00:00+02:00',
  periodEnd: '2027-01-10T10:00:00+02:00',
} as const;
const domain = { ...hosting, label: 'example.ro, annual', productKind: 'domain', amountPaid: RON('50.00') } as const;
const hosticoRequest = (patch: Partial<RefundInput>): RefundInput => ({
  currency: 'RON',
  activatedAt: '2026-01-10T10:00:00+02:00',
  requestedAt: '2026-02-09T15:00:00+02:00',
  lines: [hosting],
  ...patch,
});

describe('hostico refund (004 IV. Vračilo denarja)', () => {
  it.each([
    ['day 30 after activation → full refund 240.00', '2026-02-09T15:00:00+02:00', RON('240.00')],
    ['day 31 after activation → 11 remaining whole months of 12 → 220.00', '2026-02-10T09:00:00+02:00', RON('220.00')],
    ['day 31 an hour past the month day → 10 whole months → 200.00', '2026-02-10T11:00:00+02:00', RON('200.00')],
  ])('%s', (_name, requestedAt, expected) => {
    expect(computeRefund(hostico, hosticoRequest({ requestedAt }))?.total).toEqual(expected);
  });

  it.each([
    ['for the same domain', { priorRequestSameDomain: true }],
    ['by the same customer', { priorRequestSameCustomer: true }],
  ])('gives only the remaining whole months inside 30 days to a repeat request %s', (_name, patch) => {
    const result = computeRefund(hostico, hosticoRequest({ requestedAt: '2026-01-20T10:00:00+02:00', ...patch }));
    expect(result?.total).toEqual(RON('220.00'));
    expect(result?.lines[0]?.label).toMatch(/repeat request/);
  });

  it('refunds the hosting but not a domain on the same invoice (third-party, never refunded)', () => {
    const result = computeRefund(hostico, hosticoRequest({ lines: [hosting, domain] }));
    expect(result?.lines.map((l) => [l.amount.amount, l.clause])).toEqual([
      [24000, VRACILO],
      [0, VRACILO],
    ]);
    expect(result?.total).toEqual(RON('240.00'));
  });

  it('itemises every deduction: free domain of the offer, migration hours, unpaid proforma', () => {
    const result = computeRefund(
      hostico,
      hosticoRequest({
        freeOfferItems: [{ label: 'domain included free', value: RON('45.00') }],
        migrationSupportHours: 2,
        supportHourRate: RON('25.00'),
        unpaidProformas: [{ label: 'PF-17', amount: RON('30.00') }],
      }),
    );
    expect(result?.lines.map((l) => l.amount.amount)).toEqual([24000, -5000, -4500, -3000]);
    expect(result?.lines.every((l) => l.clause === VRACILO)).toBe(true);
    expect(result?.total).toEqual(RON('115.00'));
  });

  it('does not deduct migration hours outside the 30-day full refund', () => {
    const result = computeRefund(hostico, hosticoRequest({ requestedAt: '2026-02-10T09:00:00+02:00', migrationSupportHours: 2, supportHourRate: RON('25.00') }));
    expect(result?.total).toEqual(RON('220.00'));
  });

  it('withholds unpaid proformas beyond the refund and reports what they were not covered by', () => {
    const monthly = { ...hosting, billingCycle: 'monthly', amountPaid: RON('20.00'), periodStart: '2026-03-10T10:00:00+02:00', periodEnd: '2026-04-10T10:00:00+03:00' } as const;
    const result = computeRefund(hostico, hosticoRequest({ requestedAt: '2026-03-20T10:00:00+02:00', lines: [monthly], unpaidProformas: [{ label: 'PF-9', amount: RON('30.00') }] }));
    expect(result?.total).toEqual(RON('0.00'));
    expect(result?.notCovered).toEqual(RON('30.00'));
  });

  it('refunds nothing for a backup restore after deletion', () => {
    const restore = { ...hosting, label: 'backup restore', billingCycle: 'one_time', dataRestore: true } as const;
    expect(computeRefund(hostico, hosticoRequest({ lines: [restore] }))?.total).toEqual(RON('0.00'));
  });

  it('refunds nothing for a service suspended for a violation of the terms (004 IV. Vračilo denarja; IV. Kampanje)', () => {
    const result = computeRefund(hostico, hosticoRequest({ violation: true }));
    expect(result).toMatchObject({ eligible: false, total: RON('0.00') });
    expect(result?.lines[0]?.clause).toBe(`${VRACILO}; IV. Kampanje`);
  });

  it.each([
    ['a negative amount', { lines: [{ ...hosting, amountPaid: { amount: -1, currency: 'RON' } }] }, 'lines.0.amountPaid.amount'],
    ['a line in another currency', { lines: [{ ...hosting, amountPaid: EUR('10.00') }] }, 'lines.0.amountPaid.currency'],
    ['an unknown currency', { currency: 'XYZ' }, 'currency'],
    ['a request before activation', { requestedAt: '2026-01-01T00:00:00Z' }, 'requestedAt'],
    ['a period ending before it starts', { lines: [{ ...hosting, periodEnd: '2025-01-01T00:00:00Z' }] }, 'lines.0.periodEnd'],
    ['migration hours without a rate', { migrationSupportHours: 1 }, 'supportHourRate'],
  ])('rejects %s naming %s', (_name, patch, field) => {
    expect(() => computeRefund(hostico, hosticoRequest(patch as Partial<RefundInput>))).toThrow(expect.objectContaining({ field }));
  });
});

describe('smartape refund: unused services minus the rest of the minimum period (003 11.4; 7.11)', () => {
  const quarterly = {
    label: 'VPS, quarterly',
    productKind: 'vps',
    amountPaid: EUR('90.00'),
    billingCycle: 'quarterly',
    periodStart: '2026-01-01T00:00:00+02:00',
    periodEnd: '2026-04-01T00:00:00+03:00',
  } as const;
  const request = (requestedAt: string, line: RefundInput['lines'][number] = quarterly): RefundInput => ({
    currency: 'EUR',
    activatedAt: '2026-01-01T00:00:00+02:00',
    requestedAt,
    lines: [line],
  });

  it('inside the 1-month minimum period: paid 90.00 − used 10 days − rest of the minimum period 21 days = 59.00', () => {
    const result = computeRefund(smartape, request('2026-01-10T12:00:00+02:00'));
    expect(result?.lines.map((l) => [l.amount.amount, l.clause])).toEqual([
      [9000, '003 11.4; 7.11'],
      [-1000, '003 11.4; 7.11'],
      [-2100, '003 Annex 4 1.2; Annex 5 1.2; 003 7.11'],
    ]);
    expect(result?.total).toEqual(EUR('59.00'));
  });

  it('a monthly service ended inside its minimum period gets nothing back', () => {
    const monthly = { ...quarterly, amountPaid: EUR('31.00'), billingCycle: 'monthly', periodEnd: '2026-02-01T00:00:00+02:00' } as const;
    expect(computeRefund(smartape, request('2026-01-10T12:00:00+02:00', monthly))?.total).toEqual(EUR('0.00'));
  });

  it('after the minimum period: the 44 unused days (16 Feb – 31 Mar) → 44.00', () => {
    expect(computeRefund(smartape, request('2026-02-15T12:00:00+02:00'))?.total).toEqual(EUR('44.00'));
  });

  it('rounds the prorated refund down: 100.00 × 44/90 = 48.888… → 48.88', () => {
    expect(computeRefund(smartape, request('2026-02-15T12:00:00+02:00', { ...quarterly, amountPaid: EUR('100.00') }))?.total).toEqual(EUR('48.88'));
  });

  it('refunds nothing after a block for a violation (003 Annex 10 §5)', () => {
    expect(computeRefund(smartape, { ...request('2026-02-15T12:00:00+02:00'), violation: true })).toMatchObject({ eligible: false, total: EUR('0.00') });
  });
});

describe('secom refund (000 Refund policy)', () => {
  const line = {
    label: 'VPS, monthly',
    productKind: 'vps',
    amountPaid: UAH('300.00'),
    billingCycle: 'monthly',
    periodStart: '2026-06-01T00:00:00+03:00',
    periodEnd: '2026-07-01T00:00:00+03:00',
  } as const;
  const request = (requestedAt: string, patch: Partial<RefundInput> = {}): RefundInput => ({
    currency: 'UAH',
    activatedAt: '2026-06-01T00:00:00+03:00',
    endOfWorkAt: '2026-06-10T12:00:00+03:00',
    requestedAt,
    lines: [line],
    ...patch,
  });

  it('refunds the 20 unused days minus bonuses and both commissions: 200.00 − 10.00 − 6.00 − 3.00 = 181.00', () => {
    const result = computeRefund(
      secom,
      request('2026-06-13T18:00:00+03:00', { bonusesAndDiscounts: UAH('10.00'), paymentSystemCommission: UAH('6.00'), returnCommission: UAH('3.00') }),
    );
    expect(result?.lines.map((l) => l.amount.amount)).toEqual([20000, -1000, -600, -300]);
    expect(result?.total).toEqual(UAH('181.00'));
  });

  it('refuses a request more than 3 days after the end of the work', () => {
    expect(computeRefund(secom, request('2026-06-14T00:00:00+03:00'))).toMatchObject({ eligible: false, total: UAH('0.00') });
  });

  it('needs the end of the work to open the window', () => {
    expect(() => computeRefund(secom, request('2026-06-13T18:00:00+03:00', { endOfWorkAt: undefined }))).toThrow(ValidationError);
  });
});

describe('refund processing deadline', () => {
  it('hostico: 15 working days, past Christmas, New Year and 6–7 Jan (004 IV. Vračilo denarja)', () => {
    expect(refundProcessingDeadline(hostico, '2026-12-14T10:00:00+02:00')).toEqual({ at: '2027-01-08T21:59:59.999Z', clause: VRACILO, creditNote: true });
  });
  it('secom: about 10 working days, past Ukrainian Independence Day (000 Refund policy)', () => {
    expect(refundProcessingDeadline(secom, '2026-08-17T10:00:00+03:00')?.at).toBe('2026-09-01T20:59:59.999Z');
  });
  it('smartape: none in the contract', () => {
    expect(refundProcessingDeadline(smartape, '2026-08-17T10:00:00+03:00')).toBeNull();
  });
});
