/** The schema of each entity type, so generic code (the data layer) can validate any record it stores. */
import type { z } from 'zod';
import type { EntityType } from './common';
import { approvalSchema } from './approval';
import { auditEventSchema } from './audit';
import { customerSchema } from './customer';
import { deferralSchema } from './deferral';
import { invoiceSchema } from './invoice';
import { notificationSchema } from './notification';
import { orderSchema } from './order';
import { creditBalanceSchema, paymentSchema } from './payment';
import { refundSchema } from './refund';
import { serviceSchema } from './service';
import { sideEffectClaimSchema } from './side-effect';
import { withdrawalSchema } from './withdrawal';

export const ENTITY_SCHEMAS = {
  customer: customerSchema,
  order: orderSchema,
  service: serviceSchema,
  invoice: invoiceSchema,
  payment: paymentSchema,
  creditBalance: creditBalanceSchema,
  refund: refundSchema,
  withdrawal: withdrawalSchema,
  deferral: deferralSchema,
  approval: approvalSchema,
  notification: notificationSchema,
  auditEvent: auditEventSchema,
  sideEffect: sideEffectClaimSchema,
} as const satisfies Record<EntityType, z.ZodType>;

export type EntityOf<T extends EntityType> = z.infer<(typeof ENTITY_SCHEMAS)[T]>;
