/**
 * The variables of the dunning e-mails, built from the same timeline the workflow acts on, so a
 * letter never states a date or a rule the workflow does not apply.
 */
import type { AppDeps } from '../../app/ports';
import { subtract, type Money } from '../../domain/money';
import type { Customer, Invoice, Service } from '../../domain/model';
import type { LatePenalty } from '../../domain/rules';
import { serviceIdsOf, type ContractEndStep, type DunningTimeline } from './schedule';

export type LetterDeps = Pick<AppDeps, 'policy' | 'provider'>;

export function letterHead(deps: LetterDeps, customer: Customer) {
  return {
    customerName: customer.type === 'business' ? customer.companyName : customer.name,
    provider: { name: deps.provider.name, timeZone: deps.policy.calendar.timeZone, supportEmail: deps.provider.supportEmail },
  };
}

/** Templates take only https links; a local runtime serving plain http gets letters without the button. */
export function paymentUrl(deps: LetterDeps, invoice: Invoice): { paymentUrl?: string } {
  const url = `${deps.provider.billingUrl.replace(/\/$/, '')}/invoices/${encodeURIComponent(invoice.id)}`;
  return url.startsWith('https://') ? { paymentUrl: url } : {};
}

export const amountDue = (invoice: Invoice): Money => subtract(invoice.total, invoice.amountPaid);

export function serviceName(service: Service): string {
  return service.domain === undefined ? service.productCode : `${service.productCode} (${service.domain})`;
}

export function penaltyVars(penalty: LatePenalty | null) {
  if (!penalty) return {};
  return { penalty: { clause: penalty.clause, percentPerDay: penalty.percentPerDay, ...(penalty.total.amount > 0 ? { accrued: penalty.total } : {}) } };
}

export function endVars(end: ContractEndStep) {
  return { kind: end.kind, clause: end.clause, days: end.days, from: end.from };
}

/** The deferral the customer may still ask for (hostico IV. Preložitev…), up to the policy's limit. */
export function deferralOffer(deps: LetterDeps, limitAt: string | undefined) {
  const rule = deps.policy.dunning.deferral;
  return rule && limitAt ? { deferral: { until: limitAt, clause: rule.clause } } : {};
}

/**
 * What the unpaid-invoice letters (payment_reminder, invoice_overdue) need beyond the letter head. They
 * state the suspension the invoice leads to when the terms set one, the expiry of third-party items
 * renewed only on payment (hostico IV. Preložitev…), or neither (secom: no suspension), never a date
 * the workflow does not act on. An invoice billing no service (a late penalty) gets a copy instead.
 */
export function unpaidInvoiceVars(deps: LetterDeps, invoice: Invoice, timeline: DunningTimeline, penalty: LatePenalty | null, deferralLimitAt: string | undefined) {
  if (serviceIdsOf(invoice).length === 0) return undefined;
  const thirdParty = deps.policy.dunning.thirdPartyRenewal;
  return {
    invoiceId: invoice.id,
    dueAt: timeline.dueAt,
    amountDue: amountDue(invoice),
    ...(timeline.suspension && timeline.suspendAt
      ? { suspension: { clause: timeline.suspension.suspendAt.clause, graceDays: timeline.suspension.graceDays, at: timeline.suspendAt } }
      : {}),
    ...(thirdParty && timeline.expiring.length > 0 ? { expiry: { clause: thirdParty.clause, at: timeline.dueAt, items: timeline.expiring.map(serviceName) } } : {}),
    ...penaltyVars(penalty),
    ...deferralOffer(deps, deferralLimitAt),
    ...paymentUrl(deps, invoice),
  };
}

export function invoiceIssuedVars(deps: LetterDeps, invoice: Invoice, timeline: Pick<DunningTimeline, 'issuedAt' | 'dueAt'>) {
  return {
    invoiceId: invoice.id,
    issuedAt: timeline.issuedAt,
    dueAt: timeline.dueAt,
    lines: invoice.lines.map((l) => ({ description: l.description, amount: l.amount })),
    total: invoice.total,
    ...paymentUrl(deps, invoice),
  };
}
