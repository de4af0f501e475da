import { z } from 'zod';
import { isThirdParty, productKindSchema } from '../product';
import { moneySchema, nonNegativeMoneySchema } from '../money';
import { entityFields, idSchema, isoDateSchema, utcTimestampSchema } from './common';
import { stateSchema } from './states';

const lineFields = { description: z.string().min(1, 'must not be empty') };

const nonPositiveMoneySchema = moneySchema.refine((m) => m.amount <= 0, { path: ['amount'], message: 'must not be positive' });

export const invoiceLineSchema = z.discriminatedUnion('kind', [
  z
    .object({
      ...lineFields,
      kind: z.literal('service_period'),
      serviceId: idSchema,
      periodStart: isoDateSchema,
      periodEnd: isoDateSchema,
      amount: nonNegativeMoneySchema,
    })
    .refine((l) => l.periodEnd >= l.periodStart, { path: ['periodEnd'], message: 'must not be before periodStart' }),
  z.object({
    ...lineFields,
    // Renewed only on payment and never refunded (hostico IV. Preložitev…, IV. Vračilo denarja).
    kind: z.literal('third_party'),
    serviceId: idSchema,
    productKind: productKindSchema.refine(isThirdParty, 'must be a third-party product (domain, SSL, licence)'),
    /** The period the renewal covers; paying it in full extends the service's paidUntil to periodEnd. Absent on older lines. */
    periodStart: isoDateSchema.optional(),
    periodEnd: isoDateSchema.optional(),
    amount: nonNegativeMoneySchema,
  }).refine((l) => l.periodStart === undefined || l.periodEnd === undefined || l.periodEnd >= l.periodStart, { path: ['periodEnd'], message: 'must not be before periodStart' })
    .refine((l) => (l.periodStart === undefined) === (l.periodEnd === undefined), { path: ['periodEnd'], message: 'must be given together with periodStart' }),
  z.object({
    ...lineFields,
    // 0.1 % of the unpaid amount per day of delay (smartape 7.9).
    kind: z.literal('late_penalty'),
    penalisedInvoiceId: idSchema,
    days: z.number().int('must be a whole number of days').min(1, 'must be at least 1'),
    amount: nonNegativeMoneySchema,
  }),
  z.object({
    ...lineFields,
    // A storno line of a credit note confirms a refund (hostico IV. Vračilo denarja).
    kind: z.literal('credit'),
    creditedInvoiceId: idSchema,
    amount: nonPositiveMoneySchema,
  }),
]);
export type InvoiceLine = z.infer<typeof invoiceLineSchema>;

/** States in which an invoice is still owed: the open-invoices index and the billing run carry these. */
export const OPEN_INVOICE_STATES = ['issued', 'partially_paid', 'overdue'] as const;

export const invoiceSchema = z
  .object({
    ...entityFields,
    state: stateSchema('invoice'),
    customerId: idSchema,
    provider: z.string().min(1, 'must name the policy preset'),
    /** Hostico issues a proforma and the fiscal invoice only once the money is in the bank (IV. Preložitev…). */
    kind: z.enum(['proforma', 'invoice', 'credit_note']),
    /** The invoice a credit note reverses. */
    creditsInvoiceId: idSchema.optional(),
    lines: z.array(invoiceLineSchema).min(1, 'must have at least one line'),
    total: moneySchema,
    amountPaid: nonNegativeMoneySchema,
    issueDate: isoDateSchema,
    dueDate: isoDateSchema,
    paidAt: utcTimestampSchema.optional(),
  })
  .superRefine((inv, ctx) => {
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    const currency = inv.total.currency;
    inv.lines.forEach((line, i) => {
      if (line.amount.currency !== currency) issue(['lines', i, 'amount', 'currency'], `must be the invoice currency ${currency}`);
      if ((line.kind === 'credit') !== (inv.kind === 'credit_note')) {
        issue(['lines', i, 'kind'], inv.kind === 'credit_note' ? 'a credit note holds only credit lines' : 'credit lines belong on a credit note');
      }
    });
    if (inv.amountPaid.currency !== currency) issue(['amountPaid', 'currency'], `must be the invoice currency ${currency}`);
    const lineSum = inv.lines.reduce((acc, l) => acc + l.amount.amount, 0);
    if (lineSum !== inv.total.amount) issue(['total', 'amount'], `must equal the sum of the lines, ${lineSum}`);
    if (inv.dueDate < inv.issueDate) issue(['dueDate'], 'must not be before issueDate');

    if (inv.kind === 'credit_note') {
      if (inv.creditsInvoiceId === undefined) issue(['creditsInvoiceId'], 'is required on a credit note');
      if (inv.total.amount > 0) issue(['total', 'amount'], 'must not be positive on a credit note');
      if (inv.amountPaid.amount !== 0) issue(['amountPaid', 'amount'], 'must be zero on a credit note');
      if (inv.state === 'paid' || inv.state === 'partially_paid' || inv.state === 'overdue') {
        issue(['state'], 'a credit note is never paid or overdue');
      }
      return;
    }
    if (inv.total.amount < 0) issue(['total', 'amount'], 'must not be negative');
    if (inv.amountPaid.amount > inv.total.amount) issue(['amountPaid', 'amount'], 'must not exceed the total');
    const paid = inv.amountPaid.amount;
    if (inv.state === 'paid' && paid !== inv.total.amount) issue(['amountPaid', 'amount'], 'must equal the total on a paid invoice');
    if (inv.state === 'partially_paid' && (paid === 0 || paid >= inv.total.amount)) {
      issue(['amountPaid', 'amount'], 'must be between zero and the total on a partially paid invoice');
    }
    if ((inv.state === 'draft' || inv.state === 'issued') && paid !== 0) issue(['amountPaid', 'amount'], `must be zero on an ${inv.state} invoice`);
    if (inv.state === 'paid' && inv.paidAt === undefined) issue(['paidAt'], 'is required on a paid invoice');
  });
export type Invoice = z.infer<typeof invoiceSchema>;
