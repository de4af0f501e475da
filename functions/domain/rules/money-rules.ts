/**
 * Money rules of a preset: the billing currency and exchange markup (hostico bills RON at the central-bank
 * rate plus a markup, 004 IV. Finančni – Splošno), and account-credit limits (004 IV. Kredit / Sredstva).
 */
import Big from 'big.js';
import { z } from 'zod';
import { ValidationError } from '../errors';
import { add, compare, convert, type Money } from '../money';
import type { Policy } from '../policy/schema';
import { amountSchema, parseInput } from './common';

const billingInputSchema = z.object({
  price: amountSchema,
  /** Central-bank rate on the invoice day, units of the billing currency per unit of the price's currency. */
  centralBankRate: z.string().regex(/^\d+(\.\d+)?$/, 'must be a positive decimal string').optional(),
});

export interface BillingAmount {
  amount: Money;
  /** The rate applied, markup included; null when no conversion was needed. */
  appliedRate: string | null;
  clause: string;
}

/** The amount invoiced for a price shown in any currency. The central-bank rate is an input: it needs a live feed. */
export function billingAmount(policy: Policy, input: z.input<typeof billingInputSchema>): BillingAmount {
  const { price, centralBankRate } = parseInput(billingInputSchema, input);
  const rule = policy.currency;
  if (price.currency === rule.billing) return { amount: price, appliedRate: null, clause: rule.clause };
  if (!rule.exchange) throw new ValidationError('price.currency', `must be ${rule.billing} (${rule.clause})`);
  if (!centralBankRate || new Big(centralBankRate).lte(0)) {
    throw new ValidationError('centralBankRate', `the ${rule.exchange.source} rate ${price.currency}→${rule.billing} on the invoice day is required`);
  }
  const applied = new Big(centralBankRate).times(new Big(100).plus(rule.exchange.markupPercent)).div(100).toString();
  return { amount: convert(price, applied, rule.billing, rule.exchange.rounding), appliedRate: applied, clause: rule.clause };
}

const topUpInputSchema = z.object({ balance: amountSchema, topUp: amountSchema });

export type TopUpDecision = { allowed: true; clause: string } | { allowed: false; reason: string; clause: string };

export function checkCreditTopUp(policy: Policy, input: z.input<typeof topUpInputSchema>): TopUpDecision | null {
  const rule = policy.credit;
  if (!rule) return null;
  const { balance, topUp } = parseInput(topUpInputSchema, input);
  const currency = rule.maxBalance.currency;
  if (topUp.currency !== currency) throw new ValidationError('topUp.currency', `must be ${currency}`);
  if (balance.currency !== currency) throw new ValidationError('balance.currency', `must be ${currency}`);
  if (compare(topUp, rule.minTopUp) < 0) return { allowed: false, reason: 'below the minimum top-up', clause: rule.clause };
  if (compare(topUp, rule.maxTopUp) > 0) return { allowed: false, reason: 'above the maximum top-up', clause: rule.clause };
  if (compare(add(balance, topUp), rule.maxBalance) > 0) return { allowed: false, reason: 'the balance would exceed its cap', clause: rule.clause };
  return { allowed: true, clause: rule.clause };
}

const applyInputSchema = z.object({ credit: amountSchema, invoicePreVat: amountSchema });

/** Credit pays an invoice only if it covers the invoice's pre-VAT value whole: no partial payment with credit. */
export function canApplyCredit(policy: Policy, input: z.input<typeof applyInputSchema>): { applicable: boolean; clause: string } | null {
  const rule = policy.credit;
  if (!rule) return null;
  const { credit, invoicePreVat } = parseInput(applyInputSchema, input);
  if (credit.currency !== invoicePreVat.currency) throw new ValidationError('invoicePreVat.currency', `must be ${credit.currency}`);
  return { applicable: !rule.wholeInvoicePreVatOnly || compare(credit, invoicePreVat) >= 0, clause: rule.clause };
}
