/**
 * Storefront events and read-backs shared by the order-activation scenarios. Every call makes fresh
 * ids, so scenarios can share one runtime without seeing each other's records or e-mails.
 */
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { expect } from 'vitest';
import type { TestRuntime } from '../../support/runtime';

let counter = 0;
export const uid = (prefix: string) => `${prefix}-${++counter}${Math.random().toString(36).slice(2, 6)}`;

export interface ItemSpec {
  kind?: string;
  productCode?: string;
  billingCycle?: string;
  amount?: number;
  freeTrial?: boolean;
  domainName?: string;
}

export interface OrderSpec {
  customerId?: string;
  email?: string;
  country?: string;
  language?: string;
  currency?: string;
  items?: ItemSpec[];
}

/** An order.placed event; by default one monthly shared-hosting item of 12.00. */
export function orderPlaced(rt: TestRuntime, spec: OrderSpec = {}) {
  const orderId = uid('ORD');
  const customerId = spec.customerId ?? uid('CUS');
  const currency = spec.currency ?? 'EUR';
  const items = (spec.items ?? [{}]).map((item, i) => ({
    itemId: `i${i + 1}`,
    kind: item.kind ?? 'shared_hosting',
    productCode: item.productCode ?? 'web-s',
    billingCycle: item.billingCycle ?? 'monthly',
    price: { amount: item.amount ?? 1200, currency },
    ...(item.domainName ? { domainName: item.domainName } : {}),
    ...(item.freeTrial ? { flags: { freeTrial: true } } : {}),
  }));
  const total = items.reduce((sum, i) => sum + i.price.amount, 0);
  return {
    orderId,
    customerId,
    email: spec.email ?? `${customerId.toLowerCase()}@example.com`,
    event: {
      eventId: uid('evt-order'),
      type: 'order.placed',
      occurredAt: rt.clock.now().toISOString(),
      data: {
        orderId,
        customer: {
          type: 'consumer',
          customerId,
          name: 'Ana Novak',
          email: spec.email ?? `${customerId.toLowerCase()}@example.com`,
          language: spec.language ?? 'en',
          country: spec.country ?? 'SI',
        },
        items,
        total: { amount: total, currency },
      },
    },
  };
}

/** Places the order over the signed webhook and lets the workflow run until it waits. */
export async function place(rt: TestRuntime, order: ReturnType<typeof orderPlaced>) {
  const answer = await rt.webhook(order.event);
  expect(answer.status, JSON.stringify(answer.body)).toBe(202);
  await rt.advance('1s');
  return answer;
}

/** Pays the order's invoice in full through the payment webhook (invoice-dunning's intake). */
export async function pay(rt: TestRuntime, orderId: string) {
  const invoice = await rt.repo.get('invoice', `INV-${orderId}`);
  const answer = await rt.webhook({
    eventId: uid('evt-pay'),
    type: 'payment.received',
    occurredAt: rt.clock.now().toISOString(),
    data: { paymentId: uid('PAY'), invoiceId: invoice.id, amount: invoice.total, method: 'card', receivedAt: rt.clock.now().toISOString() },
  });
  expect(answer.status, JSON.stringify(answer.body)).toBe(202);
  await rt.advance('1s');
}

/** Staff decide an approval over the staff API, as a person would. */
export async function decide(rt: TestRuntime, approvalId: string, decision: 'approve' | 'reject', reason = 'checked by phone') {
  const answer = await rt.staff(`/staff/approvals/${encodeURIComponent(approvalId)}/decision`, { method: 'POST', body: { decision, reason } });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  await rt.advance('1s');
  return answer;
}

/** The names of the states the execution entered, in order. */
export async function statesEntered(rt: TestRuntime, orderId: string): Promise<string[]> {
  const events: HistoryEvent[] = await rt.history('order-activation', orderId);
  return events.flatMap((e) => (e.type?.endsWith('StateEntered') && e.stateEnteredEventDetails?.name ? [e.stateEnteredEventDetails.name] : []));
}

export async function executionStatus(rt: TestRuntime, orderId: string): Promise<string | undefined> {
  return (await rt.deps.workflows.describe('order-activation', orderId))?.status;
}

/** The subjects of the e-mails sent to one address, oldest first; Intl's no-break spaces read as spaces. */
export async function subjectsTo(rt: TestRuntime, email: string): Promise<string[]> {
  return (await rt.mail()).filter((m) => m.destination.to.includes(email)).map((m) => m.subject.replace(/[\u00a0\u202f]/g, ' '));
}

/** The plain-text bodies of the e-mails sent to one address whose subject contains `subject`. */
export async function bodiesTo(rt: TestRuntime, email: string, subject: string): Promise<string[]> {
  return (await rt.mail())
    .filter((m) => m.destination.to.includes(email) && m.subject.includes(subject))
    .map((m) => (m.body.text ?? '').replace(/[\u00a0\u202f]/g, ' '));
}

/** The order's audit trail as `from → to` steps. */
export async function orderTrail(rt: TestRuntime, orderId: string): Promise<string[]> {
  return (await rt.repo.history('order', orderId)).map((e) => `${e.from ?? '∅'} → ${e.to}`);
}
