import { z } from 'zod';
import { billingCycleSchema, productKindSchema } from '../product';
import { nonNegativeMoneySchema } from '../money';
import { entityFields, idSchema, utcTimestampSchema } from './common';
import { stateSchema } from './states';

export const orderItemSchema = z.object({
  id: idSchema,
  productKind: productKindSchema,
  productCode: z.string().min(1, 'must not be empty'),
  billingCycle: billingCycleSchema,
  /** For an item that is free as part of an offer, its value: hostico deducts it from a refund (IV. Vračilo denarja). */
  price: nonNegativeMoneySchema,
  quantity: z.number().int('must be a whole number').min(1, 'must be at least 1'),
  domain: z.string().min(1).optional(),
  /** Free as part of an offer (a domain with a hosting plan): not charged, but not refundable either. */
  freeOfOffer: z.boolean().optional(),
  /** The consumer asked for the service to start inside the withdrawal period (smartape 11.6.1). */
  consentToEarlyStart: z.boolean().optional(),
  couponCode: z.string().min(1).optional(),
});
export type OrderItem = z.infer<typeof orderItemSchema>;

export const orderSchema = z
  .object({
    ...entityFields,
    state: stateSchema('order'),
    customerId: idSchema,
    /** The policy preset the order is governed by. */
    provider: z.string().min(1, 'must name the policy preset'),
    items: z.array(orderItemSchema).min(1, 'must have at least one item'),
    /** What the customer pays: the charged items, free offer items excluded. */
    total: nonNegativeMoneySchema,
    placedAt: utcTimestampSchema,
  })
  .superRefine((order, ctx) => {
    order.items.forEach((item, i) => {
      if (item.price.currency !== order.total.currency) {
        ctx.addIssue({ code: 'custom', path: ['items', i, 'price', 'currency'], message: `must be the order currency ${order.total.currency}` });
      }
    });
    const charged = order.items
      .filter((item) => !item.freeOfOffer)
      .reduce((acc, item) => acc + item.price.amount * item.quantity, 0);
    if (charged !== order.total.amount) {
      ctx.addIssue({ code: 'custom', path: ['total', 'amount'], message: `must equal the charged items, ${charged}` });
    }
  });
export type Order = z.infer<typeof orderSchema>;

