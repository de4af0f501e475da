import { describe, expect, it } from 'vitest';
import { fromMajor } from '../../../functions/domain/money';
import { getPreset } from '../../../functions/domain/policy';
import { withdrawalCharge, withdrawalEligibility } from '../../../functions/domain/rules';

const smartape = getPreset('smartape');
const EUR = (m: string) => fromMajor(m, 'EUR');
const concluded = '2026-03-01T10:00:00+02:00';

describe('withdrawal eligibility (003 11.6)', () => {
  it.each([
    ['a consumer on day 14 may withdraw', 'consumer', '2026-03-15T20:00:00+02:00', null, true],
    ['a consumer on day 15 may not', 'consumer', '2026-03-16T00:30:00+02:00', null, false],
    ['a business client may not (terminates instead)', 'business', '2026-03-02T10:00:00+02:00', null, false],
    ['opened software or media is excluded (003 11.6.2)', 'consumer', '2026-03-02T10:00:00+02:00', 'opened_software_or_media', false],
  ] as const)('%s', (_name, customerType, requestedAt, exclusion, eligible) => {
    expect(withdrawalEligibility(smartape, { customerType, contractConcludedAt: concluded, requestedAt, exclusion }).eligible).toBe(eligible);
  });

  it('ends the window at the end of the 14th local day after conclusion', () => {
    expect(withdrawalEligibility(smartape, { customerType: 'consumer', contractConcludedAt: concluded, requestedAt: '2026-03-02T10:00:00+02:00' })).toEqual({
      eligible: true,
      deadline: '2026-03-15T21:59:59.999Z',
      clause: '003 11.6; 11.6.1; 11.6.2',
    });
  });

  it('grants no withdrawal under hostico, whose terms have none', () => {
    expect(withdrawalEligibility(getPreset('hostico'), { customerType: 'consumer', contractConcludedAt: concluded, requestedAt: concluded })).toMatchObject({
      eligible: false,
      clause: null,
    });
  });

  it('rejects a request before the contract was concluded', () => {
    expect(() => withdrawalEligibility(smartape, { customerType: 'consumer', contractConcludedAt: concluded, requestedAt: '2026-02-01T00:00:00Z' })).toThrow(
      expect.objectContaining({ field: 'requestedAt' }),
    );
  });
});

describe('proportional charge for a service started with consent (003 11.6.1, LOA § 562(5))', () => {
  const base = {
    periodStart: '2026-03-01T00:00:00+02:00',
    periodEnd: '2026-04-01T00:00:00+03:00',
    serviceStartedAt: '2026-03-01T10:00:00+02:00',
    withdrawnAt: '2026-03-10T15:00:00+02:00',
  };
  it('charges 10 of 31 days of 31.00 EUR → 10.00 EUR', () => {
    expect(withdrawalCharge(smartape, { ...base, price: EUR('31.00'), explicitConsent: true })).toMatchObject({ amount: EUR('10.00'), daysProvided: 10, periodDays: 31 });
  });
  it('rounds half-up: 10.00 EUR × 10/31 = 3.2258 → 3.23 EUR', () => {
    expect(withdrawalCharge(smartape, { ...base, price: EUR('10.00'), explicitConsent: true })?.amount).toEqual(EUR('3.23'));
  });
  it('charges nothing without explicit consent to an early start', () => {
    expect(withdrawalCharge(smartape, { ...base, price: EUR('31.00'), explicitConsent: false })?.amount).toEqual(EUR('0.00'));
  });
});
