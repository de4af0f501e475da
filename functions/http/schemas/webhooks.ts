/**
 * Storefront webhook envelopes: `{ eventId, type, occurredAt, data }`, discriminated by `type`.
 * Objects are not strict: a storefront may add fields before we use them, and unknown keys are dropped
 * at parse time rather than stored.
 */
import { z } from 'zod';
import { billingCycleSchema, productKindSchema } from '../../domain/product';
import { calendarDate, countryCode, id, instant, languageTag, money, nonNegativeMoney, positiveMoney } from './common';
import { named } from './registry';

const customerCommon = {
  customerId: id,
  email: z.email('must be an e-mail address'),
  language: languageTag.describe('E-mails go out in this language (at least en and sl are supported by the templates).'),
  country: countryCode,
};

export const customerSchema = named(
  'Customer',
  z.discriminatedUnion('type', [
    z.object({ type: z.literal('consumer'), name: z.string().trim().min(1).max(200), ...customerCommon }),
    z.object({
      type: z.literal('business'),
      companyName: z.string().trim().min(1).max(200),
      vatId: z.string().regex(/^[A-Z]{2}[A-Za-z0-9]{2,13}$/, 'must be a VAT id with its country prefix, e.g. SI12345678').optional(),
      ...customerCommon,
    }),
  ]).describe('Who ordered. Only a consumer has the statutory withdrawal right; a business cancels instead.'),
);

export const orderItemSchema = named(
  'OrderItem',
  z.object({
    itemId: id,
    kind: productKindSchema,
    productCode: id.describe('The storefront\'s product or plan code, e.g. `vps-s2`.'),
    billingCycle: billingCycleSchema,
    quantity: z.number().int('must be an integer').min(1, 'must be at least 1').default(1),
    price: nonNegativeMoney.describe('Price of one unit for one billing cycle, before the order\'s discounts.'),
    domainName: z.string().min(3).max(253).optional().describe('The domain name a domain, SSL or hosting item is for.'),
    flags: z
      .object({
        freeTrial: z.boolean().default(false).describe('A free test period (e.g. smartape VPS, once per customer).'),
        freeWithOffer: z.boolean().default(false).describe('A free item of an offer (domain, licence, SSL): deducted at its value from a refund.'),
        madeToSpecification: z.boolean().default(false).describe('Made to the customer\'s specification: excluded from withdrawal.'),
      })
      .default({ freeTrial: false, freeWithOffer: false, madeToSpecification: false }),
  }),
);

export const orderPlacedSchema = named(
  'OrderPlacedData',
  z
    .object({
      orderId: id,
      customer: customerSchema,
      items: z.array(orderItemSchema).min(1, 'must contain at least one item'),
      total: nonNegativeMoney.describe('What the customer was charged for the whole order, after coupons.'),
      couponCode: z.string().min(1).max(64).optional(),
      earlyStartConsent: z.boolean().default(false).describe('The consumer explicitly asked for the service to start before the withdrawal period ends.'),
      customerIp: z.union([z.ipv4(), z.ipv6()]).optional().describe('IP address of the customer when ordering, kept for review rules and the audit trail.'),
    })
    .superRefine((order, ctx) => {
      order.items.forEach((item, index) => {
        if (item.price.currency !== order.total.currency) {
          ctx.addIssue({
            code: 'custom',
            path: ['items', index, 'price', 'currency'],
            message: `must equal the order total's currency ${order.total.currency}`,
          });
        }
      });
    })
    .describe('Every item price is in the currency of the order total.'),
);

export const paymentReceivedSchema = named(
  'PaymentReceivedData',
  z
    .object({
      paymentId: id,
      invoiceId: id.optional().describe('The invoice the customer paid, when the payment names one.'),
      customerId: id.optional().describe('Without an invoice id, the payment is matched to this customer\'s open invoices, oldest first.'),
      amount: positiveMoney.describe('May be less than what is owed: a partial payment.'),
      method: z.enum(['card', 'bank_transfer', 'paypal', 'account_credit', 'other']),
      receivedAt: instant.describe('When the funds were received, which is the payment date that deadlines compare with.'),
    })
    .refine((p) => p.invoiceId !== undefined || p.customerId !== undefined, {
      path: ['invoiceId'],
      message: 'either invoiceId or customerId is required',
    })
    .describe('A payment names the invoice it pays (invoiceId), or the customer whose open invoices it pays (customerId), or both.'),
);

export const refundRequestedSchema = named(
  'RefundRequestedData',
  z.object({
    refundRequestId: id,
    customerId: id,
    serviceId: id,
    reason: z.string().trim().max(2000).optional(),
    requestedAt: instant,
    /** Where the money goes: back to where it came from, or an account the customer names. */
    payoutTo: z
      .discriminatedUnion('kind', [
        z.object({ kind: z.literal('original_method') }),
        z.object({ kind: z.literal('bank_account'), iban: z.string().regex(/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/, 'must be an IBAN without spaces') }),
      ])
      .default({ kind: 'original_method' }),
  }),
);

export const withdrawalRequestedSchema = named(
  'WithdrawalRequestedData',
  z.object({
    withdrawalRequestId: id,
    customerId: id,
    orderId: id,
    serviceIds: z.array(id).min(1).optional().describe('Services of the order to withdraw from; all of them when omitted.'),
    requestedAt: instant,
    statement: z.string().trim().min(1, 'must not be empty').max(5000).describe('The customer\'s statement as written, so that the request can be reproduced in writing.'),
  }),
);

export const deferralRequestedSchema = named(
  'DeferralRequestedData',
  z.object({
    deferralRequestId: id,
    customerId: id,
    invoiceId: id,
    payBy: calendarDate.describe('The day the customer promises to pay by, in the provider\'s time zone.'),
    reason: z.string().trim().max(2000).optional(),
    requestedAt: instant,
  }),
);

export const provisioningResultSchema = named(
  'ProvisioningResultData',
  z.discriminatedUnion('outcome', [
    z.object({
      outcome: z.literal('succeeded'),
      commandId: id,
      serviceId: id,
      completedAt: instant,
      details: z.record(z.string(), z.string()).default({}).describe('Panel account name, server hostname and the like, shown to staff and in the activation e-mail.'),
    }),
    z.object({
      outcome: z.literal('failed'),
      commandId: id,
      serviceId: id,
      completedAt: instant,
      errorCode: z.string().min(1).max(128),
      message: z.string().max(2000),
      retryable: z.boolean(),
    }),
  ]),
);

function envelope<T extends string, D extends z.ZodType>(schemaName: string, type: T, data: D) {
  return named(
    schemaName,
    z.object({
      eventId: id.describe('Unique per event; redeliveries of the same event carry the same id and body.'),
      type: z.literal(type),
      occurredAt: instant,
      data,
    }),
  );
}

export const webhookEventSchema = named(
  'WebhookEvent',
  z.discriminatedUnion('type', [
    envelope('OrderPlacedEvent', 'order.placed', orderPlacedSchema),
    envelope('PaymentReceivedEvent', 'payment.received', paymentReceivedSchema),
    envelope('RefundRequestedEvent', 'refund.requested', refundRequestedSchema),
    envelope('WithdrawalRequestedEvent', 'withdrawal.requested', withdrawalRequestedSchema),
    envelope('DeferralRequestedEvent', 'deferral.requested', deferralRequestedSchema),
    envelope('ProvisioningResultEvent', 'provisioning.result', provisioningResultSchema),
  ]),
);

export type WebhookEvent = z.output<typeof webhookEventSchema>;
export type WebhookEventType = WebhookEvent['type'];
export type WebhookEventOf<T extends WebhookEventType> = Extract<WebhookEvent, { type: T }>;

/** What a webhook started or signalled, as the domain reports it. */
export const intakeReceiptSchema = named(
  'IntakeReceipt',
  z.object({
    entity: z.enum(['order', 'payment', 'refund', 'withdrawal', 'deferral', 'provisioning_command']),
    entityId: id,
    execution: z.string().optional().describe('The workflow execution that was started or signalled, named by the business id.'),
  }),
);
export type IntakeReceipt = z.output<typeof intakeReceiptSchema>;

export const webhookAcceptedSchema = named(
  'WebhookAccepted',
  z.object({
    eventId: id,
    type: z.enum(webhookEventSchema.options.map((o) => o.shape.type.value) as [WebhookEventType, ...WebhookEventType[]]),
    receipt: intakeReceiptSchema,
  }),
);
