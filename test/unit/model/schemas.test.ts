import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { ValidationError } from '../../../functions/domain/errors';
import {
  approvalSchema,
  auditEventSchema,
  countrySchema,
  customerSchema,
  deferralSchema,
  invoiceSchema,
  notificationId,
  notificationSchema,
  orderSchema,
  parseWith,
  paymentSchema,
  refundSchema,
  serviceSchema,
  sideEffectClaimSchema,
  utcTimestampSchema,
  withdrawalSchema,
} from '../../../functions/domain/model';
import {
  T0,
  aCustomer,
  aDeferral,
  aNotification,
  aPayment,
  aRefund,
  aService,
  aWithdrawal,
  anApproval,
  anInvoice,
  anOrder,
} from './fixtures';

/** The ValidationError a schema raises for a value; fails the test if the value is accepted. */
function rejection(schema: z.ZodType, value: unknown): ValidationError {
  try {
    parseWith(schema, value);
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error(`accepted: ${JSON.stringify(value)}`);
}

const eur = (amount: number) => ({ amount, currency: 'EUR' });

describe('shared fields', () => {
  it('accepts UTC timestamps only, so every stored instant compares as a string', () => {
    expect(utcTimestampSchema.safeParse('2026-12-01T09:30:00Z').success).toBe(true);
    expect(utcTimestampSchema.safeParse('2026-12-01T09:30:00.123Z').success).toBe(true);
    expect(utcTimestampSchema.safeParse('2026-12-01T10:30:00+01:00').success).toBe(false);
    expect(utcTimestampSchema.safeParse('2026-12-01').success).toBe(false);
  });

  it('accepts ISO 3166-1 alpha-2 countries and refuses pseudo-regions and lower case', () => {
    for (const ok of ['SI', 'EE', 'RO', 'UA', 'DE']) expect(countrySchema.safeParse(ok).success).toBe(true);
    for (const bad of ['EU', 'UN', 'XX', 'si', 'SVN', 'UK']) expect(countrySchema.safeParse(bad).success).toBe(false);
  });

  it('names the dotted path of the offending field, prefixed by where it was parsed', () => {
    const error = (() => {
      try {
        parseWith(invoiceSchema, anInvoice({ total: { amount: 1000, currency: 'XYZ' } }), 'invoice');
      } catch (e) {
        return e as ValidationError;
      }
      throw new Error('accepted');
    })();
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.field).toBe('invoice.total.currency');
    expect(error.reason).toMatch(/ISO 4217/);
  });
});

describe('customer', () => {
  it('accepts consumers and businesses', () => {
    expect(customerSchema.parse(aCustomer()).type).toBe('consumer');
    const business = aCustomer({ type: 'business', companyName: 'Novak d.o.o.', vatId: 'SI12345678', language: 'en' } as never);
    expect(customerSchema.parse(business)).toMatchObject({ type: 'business', companyName: 'Novak d.o.o.' });
  });

  it.each([
    ['email', { email: 'not-an-address' }],
    ['language', { language: 'de' }],
    ['country', { country: 'XX' }],
    ['state', { state: 'suspended' }],
    ['version', { version: 0 }],
    ['createdAt', { createdAt: '2026-11-01 09:00' }],
    ['type', { type: 'reseller' }],
  ])('rejects a bad %s', (field, change) => {
    expect(rejection(customerSchema, { ...aCustomer(), ...change }).field).toBe(field);
  });

  it('requires the company name of a business', () => {
    expect(rejection(customerSchema, { ...aCustomer(), type: 'business' }).field).toBe('companyName');
  });
});

describe('order', () => {
  it('accepts an order whose total is its charged items, a free offer item not counted', () => {
    expect(orderSchema.parse(anOrder()).total).toEqual(eur(6000));
  });

  it('rejects a total that does not add up', () => {
    expect(rejection(orderSchema, anOrder({ total: eur(7200) })).field).toBe('total.amount');
  });

  it('rejects negative prices, unknown currencies and items in another currency', () => {
    const [first, second] = anOrder().items;
    expect(rejection(orderSchema, anOrder({ items: [{ ...first!, price: eur(-1) }] })).field).toBe('items.0.price.amount');
    expect(rejection(orderSchema, anOrder({ items: [{ ...first!, price: { amount: 1, currency: 'EURO' } }] })).field).toBe('items.0.price.currency');
    expect(rejection(orderSchema, anOrder({ items: [first!, { ...second!, price: { amount: 1200, currency: 'RON' } }] })).field).toBe('items.1.price.currency');
  });

  it('rejects an order without items', () => {
    expect(rejection(orderSchema, anOrder({ items: [], total: eur(0) })).field).toBe('items');
  });
});

describe('service', () => {
  it('carries its suspension exactly while suspended, with the invoice for a non-payment one', () => {
    const suspension = { reason: 'non_payment' as const, invoiceId: 'INV-7', since: T0 };
    expect(serviceSchema.parse(aService({ state: 'suspended', suspension })).suspension).toEqual(suspension);
    expect(rejection(serviceSchema, aService({ state: 'suspended' })).field).toBe('suspension');
    expect(rejection(serviceSchema, aService({ suspension })).field).toBe('suspension');
    expect(rejection(serviceSchema, aService({ state: 'suspended', suspension: { reason: 'non_payment', since: T0 } })).field).toBe('suspension.invoiceId');
    expect(serviceSchema.parse(aService({ state: 'suspended', suspension: { reason: 'violation', since: T0 } })).state).toBe('suspended');
  });

  it('rejects a negative price', () => {
    expect(rejection(serviceSchema, aService({ price: eur(-1000) })).field).toBe('price.amount');
  });
});

describe('invoice', () => {
  it('accepts an issued invoice', () => {
    expect(invoiceSchema.parse(anInvoice()).state).toBe('issued');
  });

  it('rejects a due date before the issue date, naming dueDate', () => {
    const error = rejection(invoiceSchema, anInvoice({ issueDate: '2026-12-02', dueDate: '2026-12-01' }));
    expect(error.field).toBe('dueDate');
    expect(error.reason).toBe('must not be before issueDate');
  });

  it('rejects negative lines, unknown currencies and a total that is not the sum of its lines', () => {
    const line = anInvoice().lines[0]!;
    expect(rejection(invoiceSchema, anInvoice({ lines: [{ ...line, amount: eur(-1000) }], total: eur(-1000) })).field).toBe('lines.0.amount.amount');
    expect(rejection(invoiceSchema, anInvoice({ total: { amount: 1000, currency: 'ABC' } })).field).toBe('total.currency');
    expect(rejection(invoiceSchema, anInvoice({ total: eur(999) })).field).toBe('total.amount');
    expect(rejection(invoiceSchema, anInvoice({ amountPaid: eur(-1) })).field).toBe('amountPaid.amount');
  });

  it('accepts the line kinds of a renewal: service period, third party, late penalty', () => {
    const invoice = anInvoice({
      lines: [
        anInvoice().lines[0]!,
        { kind: 'third_party', description: 'novak.si renewal', serviceId: 'svc-2', productKind: 'domain', amount: eur(1200) },
        { kind: 'late_penalty', description: 'Late payment of INV-6, 10 days', penalisedInvoiceId: 'INV-6', days: 10, amount: eur(10) },
      ],
      total: eur(2210),
    });
    expect(invoiceSchema.parse(invoice).lines.map((l) => l.kind)).toEqual(['service_period', 'third_party', 'late_penalty']);
  });

  it('allows third-party lines only for third-party products', () => {
    const invoice = anInvoice({
      lines: [{ kind: 'third_party', description: 'hosting', serviceId: 'svc-1', productKind: 'shared_hosting', amount: eur(1000) }],
    });
    expect(rejection(invoiceSchema, invoice).field).toBe('lines.0.productKind');
  });

  it('keeps storno lines on credit notes, which must name the invoice they reverse', () => {
    const storno = { kind: 'credit' as const, description: 'Storno of INV-7', creditedInvoiceId: 'INV-7', amount: eur(-1000) };
    const creditNote = anInvoice({ id: 'CN-1', kind: 'credit_note', creditsInvoiceId: 'INV-7', lines: [storno], total: eur(-1000) });
    expect(invoiceSchema.parse(creditNote).total).toEqual(eur(-1000));
    expect(rejection(invoiceSchema, { ...creditNote, creditsInvoiceId: undefined }).field).toBe('creditsInvoiceId');
    expect(rejection(invoiceSchema, anInvoice({ lines: [storno], total: eur(-1000) })).field).toBe('lines.0.kind');
    expect(rejection(invoiceSchema, { ...creditNote, lines: [{ ...storno, amount: eur(1000) }], total: eur(1000) }).field).toBe('lines.0.amount.amount');
  });

  it('keeps the amount paid consistent with the state', () => {
    expect(invoiceSchema.parse(anInvoice({ state: 'partially_paid', amountPaid: eur(400) })).amountPaid).toEqual(eur(400));
    expect(invoiceSchema.parse(anInvoice({ state: 'paid', amountPaid: eur(1000), paidAt: T0 })).state).toBe('paid');
    expect(rejection(invoiceSchema, anInvoice({ state: 'paid', amountPaid: eur(400), paidAt: T0 })).field).toBe('amountPaid.amount');
    expect(rejection(invoiceSchema, anInvoice({ state: 'partially_paid', amountPaid: eur(0) })).field).toBe('amountPaid.amount');
    expect(rejection(invoiceSchema, anInvoice({ state: 'overdue', amountPaid: eur(1001) })).field).toBe('amountPaid.amount');
    expect(rejection(invoiceSchema, anInvoice({ state: 'paid', amountPaid: eur(1000) })).field).toBe('paidAt');
  });
});

describe('payment', () => {
  it('accepts a partial payment and refuses zero or negative amounts', () => {
    expect(paymentSchema.parse(aPayment({ amount: eur(400) })).amount).toEqual(eur(400));
    expect(rejection(paymentSchema, aPayment({ amount: eur(0) })).field).toBe('amount.amount');
    expect(rejection(paymentSchema, aPayment({ amount: eur(-5) })).field).toBe('amount.amount');
  });
});

describe('refund', () => {
  it('explains its amount line by line, each line citing its clause', () => {
    expect(refundSchema.parse(aRefund()).breakdown).toHaveLength(2);
    expect(rejection(refundSchema, aRefund({ amount: eur(6000) })).field).toBe('amount.amount');
    const [first, second] = aRefund().breakdown;
    expect(rejection(refundSchema, aRefund({ breakdown: [first!, { ...second!, clause: '' }] })).field).toBe('breakdown.1.clause');
    expect(rejection(refundSchema, aRefund({ breakdown: [] })).field).toBe('breakdown');
  });

  it('never refunds a negative amount', () => {
    const breakdown = [{ label: 'Deductions exceed the refund', amount: eur(-100), clause: 'hostico:IV.Vračilo denarja' }];
    expect(rejection(refundSchema, aRefund({ amount: eur(-100), breakdown })).field).toBe('amount.amount');
  });
});

describe('withdrawal', () => {
  it('cannot be requested before the contract was concluded', () => {
    expect(withdrawalSchema.parse(aWithdrawal()).channel).toBe('email');
    expect(rejection(withdrawalSchema, aWithdrawal({ requestedAt: '2026-10-31T09:00:00.000Z' })).field).toBe('requestedAt');
    expect(rejection(withdrawalSchema, aWithdrawal({ proportionalCharge: eur(-1) })).field).toBe('proportionalCharge.amount');
  });
});

describe('deferral', () => {
  it('extends the due date, and a granted one says until when', () => {
    expect(deferralSchema.parse(aDeferral({ state: 'granted', grantedUntil: '2026-12-10' })).grantedUntil).toBe('2026-12-10');
    expect(rejection(deferralSchema, aDeferral({ requestedUntil: '2026-11-30' })).field).toBe('requestedUntil');
    expect(rejection(deferralSchema, aDeferral({ state: 'granted' })).field).toBe('grantedUntil');
    expect(rejection(deferralSchema, aDeferral({ state: 'needs_staff' })).field).toBe('approvalId');
  });
});

describe('approval', () => {
  it('records who decided, when and why; a timed-out one has no decider', () => {
    const decided = { decidedAt: '2026-11-02T10:00:00.000Z' };
    expect(approvalSchema.parse(anApproval({ state: 'approved', decidedBy: 'staff-3', reason: 'long-standing customer', ...decided })).state).toBe('approved');
    expect(approvalSchema.parse(anApproval({ state: 'timed_out', ...decided })).state).toBe('timed_out');
    expect(rejection(approvalSchema, anApproval({ state: 'rejected', reason: 'no', ...decided })).field).toBe('decidedBy');
    expect(rejection(approvalSchema, anApproval({ state: 'rejected', decidedBy: 'staff-3', ...decided })).field).toBe('reason');
    expect(rejection(approvalSchema, anApproval({ state: 'timed_out', decidedBy: 'staff-3', ...decided })).field).toBe('decidedBy');
    expect(rejection(approvalSchema, anApproval({ decidedBy: 'staff-3' })).field).toBe('decidedBy');
    expect(rejection(approvalSchema, anApproval({ deadline: 'tomorrow' })).field).toBe('deadline');
  });
});

describe('notification', () => {
  it('has a deterministic id built from its subject, purpose and sequence', () => {
    expect(notificationId('invoice', 'INV-7', 'reminder', 2)).toBe('invoice#INV-7#reminder#2');
    expect(notificationSchema.parse(aNotification()).id).toBe('invoice#INV-7#reminder#2');
    expect(rejection(notificationSchema, aNotification({ id: 'a1b2c3' })).field).toBe('id');
  });

  it('is written to an address in a supported language, and a sent one says when', () => {
    expect(rejection(notificationSchema, aNotification({ to: 'nobody' })).field).toBe('to');
    expect(rejection(notificationSchema, aNotification({ language: 'ro' as never })).field).toBe('language');
    expect(rejection(notificationSchema, aNotification({ state: 'sent' })).field).toBe('sentAt');
  });
});

describe('audit event', () => {
  const event = {
    id: 'service#svc-1#v2',
    state: 'recorded',
    version: 1,
    createdAt: T0,
    updatedAt: T0,
    entity: { type: 'service', id: 'svc-1' },
    entityVersion: 2,
    customerId: 'c-1',
    from: 'active',
    to: 'suspended',
    actor: { type: 'system', id: 'dunning' },
    rule: 'hostico:IV.Preložitev',
    at: T0,
  };

  it('names entity, from → to, actor, rule and time; a creation comes from null', () => {
    expect(auditEventSchema.parse(event).to).toBe('suspended');
    expect(auditEventSchema.parse({ ...event, from: null }).from).toBeNull();
  });

  it.each([
    ['actor.type', { actor: { type: 'robot', id: 'x' } }],
    ['rule', { rule: '' }],
    ['at', { at: 'yesterday' }],
    ['entity.type', { entity: { type: 'ticket', id: 'T-1' } }],
  ])('rejects a bad %s', (field, change) => {
    expect(rejection(auditEventSchema, { ...event, ...change }).field).toBe(field);
  });
});

describe('side-effect claim', () => {
  it('records its result once completed', () => {
    const claim = { id: 'invoice#INV-7#reminder#2', state: 'claimed', version: 1, createdAt: T0, updatedAt: T0, details: {} };
    expect(sideEffectClaimSchema.parse(claim).state).toBe('claimed');
    expect(rejection(sideEffectClaimSchema, { ...claim, state: 'completed' }).field).toBe('result');
  });
});
