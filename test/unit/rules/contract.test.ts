import { describe, expect, it } from 'vitest';
import { getPreset } from '../../../functions/domain/policy';
import { dataRestoreHours, noticeEarliestEffective, priceChangeEarliestEffective } from '../../../functions/domain/rules';

const hostico = getPreset('hostico');
const smartape = getPreset('smartape');

describe('customer notices: 10 working days', () => {
  it('a cancellation noticed on Monday 14 Dec 2026 takes effect on 30 Dec at the earliest, skipping 24–27 Dec (003 2.4.10)', () => {
    expect(noticeEarliestEffective(smartape, 'customer_cancellation', '2026-12-14T10:00:00+02:00')).toEqual({ at: '2026-12-29T22:00:00.000Z', clause: '003 2.4.10' });
  });
  it('a change in the number of services noticed on Friday 20 Feb 2026 applies from 9 Mar, skipping 24 Feb (003 2.4.9)', () => {
    expect(noticeEarliestEffective(smartape, 'service_count_change', '2026-02-20T10:00:00+02:00')?.at).toBe('2026-03-08T22:00:00.000Z');
  });
  it('hostico sets no notice period', () => {
    expect(noticeEarliestEffective(hostico, 'customer_cancellation', '2026-12-14T10:00:00+02:00')).toBeNull();
  });
});

describe('price changes (004 IV. Spremembe tarif)', () => {
  it('apply to existing customers 30 calendar days after notice, across the DST change', () => {
    expect(priceChangeEarliestEffective(hostico, '2026-03-01T10:00:00+02:00', 'existing_customers')?.at).toBe('2026-03-30T21:00:00.000Z');
  });
  it('apply to new orders 7 calendar days after notice', () => {
    expect(priceChangeEarliestEffective(hostico, '2026-03-01T10:00:00+02:00', 'new_orders')?.at).toBe('2026-03-07T22:00:00.000Z');
  });
});

describe('restoring data after deletion is billed in support hours (004 IV. Neplačilo)', () => {
  it.each([
    ['shared hosting, backup 19 days old → 2 h', 'shared_hosting', '2026-01-20T10:00:00+02:00', 2],
    ['reseller, backup exactly 30 days old → 4 h', 'reseller', '2026-01-31T10:00:00+02:00', 4],
    ['shared hosting, 45 days → 2 h + 1 h for the started second 30 days', 'shared_hosting', '2026-02-15T10:00:00+02:00', 3],
    ['VPS, 61 days → 4 h + 2 h', 'vps', '2026-03-03T10:00:00+02:00', 6],
  ] as const)('%s', (_name, productKind, requestedAt, hours) => {
    expect(dataRestoreHours(hostico, { productKind, deletedAt: '2026-01-01T10:00:00+02:00', requestedAt })?.hours).toBe(hours);
  });
  it('has no account to restore for a domain', () => {
    expect(() => dataRestoreHours(hostico, { productKind: 'domain', deletedAt: '2026-01-01T10:00:00Z', requestedAt: '2026-01-02T10:00:00Z' })).toThrow(
      expect.objectContaining({ field: 'productKind' }),
    );
  });
});
