/**
 * Product kinds and billing cycles shared by the model, the policy presets and the rule functions.
 * Third-party kinds are resold from a registrar or vendor: hostico renews them only on payment and
 * never refunds them (004 IV. Preložitev…, IV. Vračilo denarja).
 */
import { z } from 'zod';

export const productKindSchema = z.enum([
  'shared_hosting',
  'reseller',
  'vps',
  'dedicated_server',
  'colocation',
  'domain',
  'ssl',
  'software_licence',
]);
export type ProductKind = z.infer<typeof productKindSchema>;

export const THIRD_PARTY_KINDS: readonly ProductKind[] = ['domain', 'ssl', 'software_licence'];
export const isThirdParty = (kind: ProductKind): boolean => THIRD_PARTY_KINDS.includes(kind);

/** Billing cycles in whole months; `one_time` is for setup fees and data-restore work. */
export const billingCycleSchema = z.enum(['monthly', 'quarterly', 'semiannual', 'annual', 'biennial', 'triennial', 'one_time']);
export type BillingCycle = z.infer<typeof billingCycleSchema>;

export const CYCLE_MONTHS: Record<Exclude<BillingCycle, 'one_time'>, number> = {
  monthly: 1,
  quarterly: 3,
  semiannual: 6,
  annual: 12,
  biennial: 24,
  triennial: 36,
};
