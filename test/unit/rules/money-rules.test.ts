import { describe, expect, it } from 'vitest';
import { fromMajor } from '../../../functions/domain/money';
import { getPreset } from '../../../functions/domain/policy';
import { billingAmount, canApplyCredit, checkCreditTopUp } from '../../../functions/domain/rules';

const hostico = getPreset('hostico');
const EUR = (m: string) => fromMajor(m, 'EUR');

describe('hostico bills in RON at the BNR rate + 2 % (004 IV. Finančni – Splošno)', () => {
  it('10.00 EUR at BNR 4.9750 → rate 5.07450 → 50.745 RON → 50.75 RON (half-up)', () => {
    expect(billingAmount(hostico, { price: EUR('10.00'), centralBankRate: '4.9750' })).toEqual({
      amount: fromMajor('50.75', 'RON'),
      appliedRate: '5.0745',
      clause: '004 IV. Finančni – Splošno',
    });
  });
  it('leaves a RON price unchanged', () => {
    expect(billingAmount(hostico, { price: fromMajor('12.00', 'RON') }).amount).toEqual(fromMajor('12.00', 'RON'));
  });
  it('needs the BNR rate as an input', () => {
    expect(() => billingAmount(hostico, { price: EUR('10.00') })).toThrow(expect.objectContaining({ field: 'centralBankRate' }));
  });
  it('smartape bills only euros (003 4.3)', () => {
    expect(() => billingAmount(getPreset('smartape'), { price: fromMajor('10.00', 'USD') })).toThrow(expect.objectContaining({ field: 'price.currency' }));
  });
});

describe('hostico credit top-ups: 10.00 € to 1000.00 €, balance at most 1000.00 € (004 IV. Kredit / Sredstva)', () => {
  it.each([
    ['9.99 → below the minimum', '0.00', '9.99', false],
    ['10.00 → allowed', '0.00', '10.00', true],
    ['1000.00 → allowed', '0.00', '1000.00', true],
    ['1000.01 → above the maximum', '0.00', '1000.01', false],
    ['950.00 + 50.00 = 1000.00 → allowed', '950.00', '50.00', true],
    ['950.00 + 60.00 = 1010.00 → over the balance cap', '950.00', '60.00', false],
  ])('%s', (_name, balance, topUp, allowed) => {
    expect(checkCreditTopUp(hostico, { balance: EUR(balance), topUp: EUR(topUp) })?.allowed).toBe(allowed);
  });
  it('rejects a top-up in another currency', () => {
    expect(() => checkCreditTopUp(hostico, { balance: EUR('0.00'), topUp: fromMajor('50.00', 'RON') })).toThrow(expect.objectContaining({ field: 'topUp.currency' }));
  });
  it('has no credit rules for smartape', () => {
    expect(checkCreditTopUp(getPreset('smartape'), { balance: EUR('0.00'), topUp: EUR('5.00') })).toBeNull();
  });
});

describe('credit pays only an invoice whose pre-VAT value it covers whole (004 IV. Kredit / Sredstva)', () => {
  it.each([
    ['credit 100.00, invoice 100.00 → applies', '100.00', '100.00', true],
    ['credit 100.00, invoice 100.01 → no partial payment', '100.00', '100.01', false],
  ])('%s', (_name, credit, invoice, applicable) => {
    expect(canApplyCredit(hostico, { credit: EUR(credit), invoicePreVat: EUR(invoice) })?.applicable).toBe(applicable);
  });
});
