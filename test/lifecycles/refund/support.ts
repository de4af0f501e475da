/**
 * Arrange and read back for the refund and withdrawal scenarios. A paid service is written through
 * the repository exactly as the order and dunning workflows leave it (customer, order, active
 * service, paid invoice with its payment), so a scenario can start on any day of a service's life
 * without replaying its order. Every call makes fresh ids, so scenarios can share one runtime.
 */
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { expect } from 'vitest';
import type { WorkflowName } from '../../../functions/app/ports';
import { localDateOf } from '../../../functions/domain/calendar';
import type { Money } from '../../../functions/domain/money';
import type { OrderItem } from '../../../functions/domain/model';
import type { BillingCycle, ProductKind } from '../../../functions/domain/product';
import type { TestRuntime } from '../../support/runtime';

let counter = 0;
export const uid = (prefix: string) => `${prefix}-${++counter}${Math.random().toString(36).slice(2, 6)}`;

const SYSTEM = { actor: { type: 'system' as const, id: 'test-arrange' }, rule: 'test arrangement' };

export interface PaidServiceSpec {
  customerType?: 'consumer' | 'business';
  language?: 'en' | 'sl';
  productKind?: ProductKind;
  productCode?: string;
  billingCycle?: BillingCycle;
  price: Money;
  domain?: string;
  /** When the order was placed (the contract concluded) and the service activated and paid. */
  activatedAt: string;
  /** Items free with the offer (hostico IV. Vračilo denarja), stored on the order at their value. */
  freeItems?: { productCode: string; domain?: string; value: Money }[];
  consentToEarlyStart?: boolean;
}

export interface PaidService {
  customerId: string;
  email: string;
  orderId: string;
  serviceId: string;
  invoiceId: string;
  paymentId: string;
}

export async function seedPaidService(rt: TestRuntime, spec: PaidServiceSpec): Promise<PaidService> {
  const repo = rt.repo;
  const customerId = uid('CUS');
  const email = `${customerId.toLowerCase()}@example.com`;
  const provider = rt.deps.presetName;
  const base = { id: customerId, state: 'active' as const, email, name: 'Ana Novak', language: spec.language ?? 'en', country: 'SI' };
  await repo.create('customer', spec.customerType === 'business' ? { ...base, type: 'business', companyName: 'Novak d.o.o.' } : { ...base, type: 'consumer' }, SYSTEM);

  const orderId = uid('ORD');
  const productKind = spec.productKind ?? 'shared_hosting';
  const productCode = spec.productCode ?? 'web-s';
  const billingCycle = spec.billingCycle ?? 'annual';
  const items: OrderItem[] = [
    {
      id: 'i1',
      productKind,
      productCode,
      billingCycle,
      price: spec.price,
      quantity: 1,
      ...(spec.domain ? { domain: spec.domain } : {}),
      ...(spec.consentToEarlyStart ? { consentToEarlyStart: true } : {}),
    },
    ...(spec.freeItems ?? []).map((f, i) => ({
      id: `free${i + 1}`,
      productKind: 'domain' as const,
      productCode: f.productCode,
      billingCycle: 'annual' as const,
      price: f.value,
      quantity: 1,
      freeOfOffer: true,
      ...(f.domain ? { domain: f.domain } : {}),
    })),
  ];
  let order = await repo.create('order', { id: orderId, state: 'received', customerId, provider, items, total: spec.price, placedAt: spec.activatedAt }, SYSTEM);
  for (const to of ['awaiting_payment', 'paid', 'fulfilled'] as const) {
    order = await repo.transition('order', orderId, { expectedState: order.state, expectedVersion: order.version, to, audit: SYSTEM });
  }

  const serviceId = `${orderId}-i1`;
  const service = await repo.create(
    'service',
    { id: serviceId, state: 'pending', customerId, orderId, provider, productKind, productCode, billingCycle, price: spec.price, ...(spec.domain ? { domain: spec.domain } : {}) },
    SYSTEM,
  );
  await repo.transition('service', serviceId, { expectedState: 'pending', expectedVersion: service.version, to: 'active', patch: { activatedAt: spec.activatedAt }, audit: SYSTEM });

  const invoiceId = `INV-${orderId}`;
  const day = localDateOf(rt.deps.policy.calendar, spec.activatedAt);
  const thirdParty = productKind === 'domain' || productKind === 'ssl' || productKind === 'software_licence';
  const line = thirdParty
    ? { kind: 'third_party' as const, description: productCode, serviceId, productKind, amount: spec.price }
    : { kind: 'service_period' as const, description: productCode, serviceId, periodStart: day, periodEnd: day, amount: spec.price };
  const invoice = await repo.create(
    'invoice',
    { id: invoiceId, state: 'draft', customerId, provider, kind: 'invoice', lines: [line], total: spec.price, amountPaid: { amount: 0, currency: spec.price.currency }, issueDate: day, dueDate: day },
    SYSTEM,
  );
  const issued = await repo.transition('invoice', invoiceId, { expectedState: 'draft', expectedVersion: invoice.version, to: 'issued', audit: SYSTEM });
  const paymentId = uid('PAY');
  await repo.recordPayment({
    payment: { id: paymentId, state: 'received', customerId, invoiceId, amount: spec.price, method: 'card', receivedAt: spec.activatedAt },
    invoice: { expectedState: 'issued', expectedVersion: issued.version },
    audit: SYSTEM,
  });
  return { customerId, email, orderId, serviceId, invoiceId, paymentId };
}

/** An issued, unpaid proforma of the customer: hostico withholds it from a refund (IV. Vračilo denarja). */
export async function seedUnpaidProforma(rt: TestRuntime, paid: PaidService, amount: Money): Promise<string> {
  const id = uid('PF');
  const day = localDateOf(rt.deps.policy.calendar, rt.clock.now());
  const proforma = await rt.repo.create(
    'invoice',
    {
      id,
      state: 'draft',
      customerId: paid.customerId,
      provider: rt.deps.presetName,
      kind: 'proforma',
      lines: [{ kind: 'service_period', description: 'renewal', serviceId: paid.serviceId, periodStart: day, periodEnd: day, amount }],
      total: amount,
      amountPaid: { amount: 0, currency: amount.currency },
      issueDate: day,
      dueDate: day,
    },
    SYSTEM,
  );
  await rt.repo.transition('invoice', id, { expectedState: 'draft', expectedVersion: proforma.version, to: 'issued', audit: SYSTEM });
  return id;
}

/** The refund request as the storefront sends it, over the signed webhook; returns the refund id. */
export async function requestRefund(rt: TestRuntime, paid: PaidService, payoutTo?: { kind: 'bank_account'; iban: string }): Promise<string> {
  const refundId = uid('RF');
  const answer = await rt.webhook({
    eventId: uid('evt-refund'),
    type: 'refund.requested',
    occurredAt: rt.clock.now().toISOString(),
    data: {
      refundRequestId: refundId,
      customerId: paid.customerId,
      serviceId: paid.serviceId,
      requestedAt: rt.clock.now().toISOString(),
      reason: 'not what I needed',
      ...(payoutTo ? { payoutTo } : {}),
    },
  });
  expect(answer.status, JSON.stringify(answer.body)).toBe(202);
  expect(answer.body.receipt).toMatchObject({ entity: 'refund', entityId: refundId });
  await rt.advance('1s');
  return refundId;
}

/** Staff decide an approval over the staff API, as a person would. */
export async function decide(rt: TestRuntime, approvalId: string, decision: 'approve' | 'reject', reason = 'checked the account') {
  const answer = await rt.staff(`/staff/approvals/${encodeURIComponent(approvalId)}/decision`, { method: 'POST', body: { decision, reason } });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  await rt.advance('1s');
  return answer;
}

/** The pending approval as the staff API lists it. */
export async function pendingApproval(rt: TestRuntime, approvalId: string) {
  const answer = await rt.staff('/staff/approvals?limit=100');
  expect(answer.status).toBe(200);
  return (answer.body.items as { approvalId: string }[]).find((a) => a.approvalId === approvalId) as Record<string, any> | undefined;
}

/** The names of the states the execution entered, in order. */
export async function statesEntered(rt: TestRuntime, workflow: WorkflowName, executionName: string): Promise<string[]> {
  const events: HistoryEvent[] = await rt.history(workflow, executionName);
  return events.flatMap((e) => (e.type?.endsWith('StateEntered') && e.stateEnteredEventDetails?.name ? [e.stateEnteredEventDetails.name] : []));
}

/**
 * The states of `path` as the execution entered them: Parallel branches interleave in the history,
 * so each branch's path is checked in its own order.
 */
export async function pathTaken(rt: TestRuntime, workflow: WorkflowName, executionName: string, path: readonly string[]): Promise<string[]> {
  return (await statesEntered(rt, workflow, executionName)).filter((s) => path.includes(s));
}

export async function executionStatus(rt: TestRuntime, workflow: WorkflowName, executionName: string): Promise<string | undefined> {
  return (await rt.deps.workflows.describe(workflow, executionName))?.status;
}

/** The e-mails sent to one address, oldest first, with Intl's no-break spaces read as spaces. */
export async function mailTo(rt: TestRuntime, email: string): Promise<{ subject: string; text: string }[]> {
  const clean = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');
  return (await rt.mail()).filter((m) => m.destination.to.includes(email)).map((m) => ({ subject: clean(m.subject), text: clean(m.body.text ?? '') }));
}
