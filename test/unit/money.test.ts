import { describe, expect, it } from 'vitest';
import { add, convert, formatMoney, fromMajor, money, multiplyRatio, percentOf } from '../../functions/domain/money';
import { CurrencyMismatchError, ValidationError } from '../../functions/domain/errors';

describe('money', () => {
  it('parses major units exactly and refuses more decimals than the currency has', () => {
    expect(fromMajor('10.05', 'EUR')).toEqual({ amount: 1005, currency: 'EUR' });
    expect(fromMajor('500', 'JPY')).toEqual({ amount: 500, currency: 'JPY' });
    expect(() => fromMajor('1.005', 'EUR')).toThrow(ValidationError);
    expect(() => fromMajor('1,00', 'EUR')).toThrow(/not a decimal number/);
  });

  it('rejects unknown currencies and fractional minor units', () => {
    expect(() => money(100, 'XYZ')).toThrow(/ISO 4217/);
    expect(() => money(10.5, 'EUR')).toThrow(/integer/);
  });

  it('never adds different currencies', () => {
    expect(() => add(money(1, 'EUR'), money(1, 'RON'))).toThrow(CurrencyMismatchError);
  });

  it('rounds proportions once, with the named mode', () => {
    // 1000 × 1/3 = 333.33…: half-up 333, up 334
    expect(multiplyRatio(money(1000, 'EUR'), 1, 3, 'half-up').amount).toBe(333);
    expect(multiplyRatio(money(1000, 'EUR'), 1, 3, 'up').amount).toBe(334);
    // 0.1 % of 12.35 EUR = 1.235 cents: half-up 1, half-even 1; of 15.00 = 1.5: half-up 2, half-even 2
    expect(percentOf(money(1235, 'EUR'), '0.1', 'half-up').amount).toBe(1);
    expect(percentOf(money(2500, 'EUR'), '0.1', 'half-even').amount).toBe(2);
    expect(percentOf(money(1500, 'EUR'), '0.1', 'half-even').amount).toBe(2);
    expect(percentOf(money(2500, 'EUR'), '0.1', 'half-up').amount).toBe(3);
  });

  it('converts between currencies with different minor digits', () => {
    expect(convert(money(1000, 'EUR'), '5.0912', 'RON', 'half-up')).toEqual({ amount: 5091, currency: 'RON' });
    expect(convert(money(1000, 'EUR'), '160.5', 'JPY', 'half-up')).toEqual({ amount: 1605, currency: 'JPY' });
    expect(formatMoney(money(123456, 'RON'))).toBe('1234.56 RON');
  });
});
