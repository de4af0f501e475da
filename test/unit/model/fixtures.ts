/**
 * Valid entities to start each test from; a test states only what it changes. Shared by the model
 * tests and the data-layer tests.
 */
import type { Approval, Customer, Deferral, Invoice, Notification, Order, Payment, Refund, Service, Withdrawal } from '../../../functions/domain/model';

export const T0 = '2026-11-01T09:00:00.000Z';
const stamps = { version: 1, createdAt: T0, updatedAt: T0 };
const eur = (amount: number) => ({ amount, currency: 'EUR' });

export function aCustomer(overrides: Partial<Customer> = {}): Customer {
  return {
    id: 'c-1',
    state: 'active',
    type: 'consumer',
    email: 'ana@example.si',
    name: 'Ana Novak',
    language: 'sl',
    country: 'SI',
    ...stamps,
    ...overrides,
  } as Customer;
}

export function anOrder(overrides: Partial<Order> = {}): Order {
  return {
    id: 'ORD-1',
    state: 'received',
    customerId: 'c-1',
    provider: 'hostico',
    items: [
      { id: 'i-1', productKind: 'shared_hosting', productCode: 'starter', billingCycle: 'annual', price: eur(6000), quantity: 1, consentToEarlyStart: true },
      { id: 'i-2', productKind: 'domain', productCode: '.si', billingCycle: 'annual', price: eur(1200), quantity: 1, domain: 'novak.si', freeOfOffer: true },
    ],
    total: eur(6000),
    placedAt: T0,
    ...stamps,
    ...overrides,
  };
}

export function aService(overrides: Partial<Service> = {}): Service {
  return {
    id: 'svc-1',
    state: 'active',
    customerId: 'c-1',
    orderId: 'ORD-1',
    provider: 'hostico',
    productKind: 'shared_hosting',
    productCode: 'starter',
    billingCycle: 'monthly',
    price: eur(1000),
    activatedAt: T0,
    nextDueDate: '2026-12-01',
    ...stamps,
    ...overrides,
  };
}

export function anInvoice(overrides: Partial<Invoice> = {}): Invoice {
  return {
    id: 'INV-7',
    state: 'issued',
    customerId: 'c-1',
    provider: 'hostico',
    kind: 'proforma',
    lines: [
      { kind: 'service_period', description: 'Starter hosting, December', serviceId: 'svc-1', periodStart: '2026-12-01', periodEnd: '2026-12-31', amount: eur(1000) },
    ],
    total: eur(1000),
    amountPaid: eur(0),
    issueDate: '2026-11-24',
    dueDate: '2026-12-01',
    ...stamps,
    ...overrides,
  };
}

export function aPayment(overrides: Partial<Payment> = {}): Payment {
  return {
    id: 'pay-1',
    state: 'received',
    customerId: 'c-1',
    invoiceId: 'INV-7',
    amount: eur(1000),
    method: 'card',
    receivedAt: T0,
    ...stamps,
    ...overrides,
  };
}

export function aRefund(overrides: Partial<Refund> = {}): Refund {
  return {
    id: 'REF-1',
    state: 'requested',
    customerId: 'c-1',
    provider: 'hostico',
    serviceIds: ['svc-1'],
    requestedAt: T0,
    amount: eur(4800),
    breakdown: [
      { label: 'Full refund within 30 days of activation', amount: eur(6000), clause: 'hostico:IV.Vračilo denarja' },
      { label: 'Free domain of the offer', amount: eur(-1200), clause: 'hostico:IV.Vračilo denarja' },
    ],
    destination: { kind: 'original_method' },
    ...stamps,
    ...overrides,
  };
}

export function aWithdrawal(overrides: Partial<Withdrawal> = {}): Withdrawal {
  return {
    id: 'WD-1',
    state: 'requested',
    customerId: 'c-1',
    orderId: 'ORD-1',
    serviceIds: ['svc-1'],
    contractConcludedAt: T0,
    requestedAt: '2026-11-05T10:00:00.000Z',
    channel: 'email',
    ...stamps,
    ...overrides,
  };
}

export function aDeferral(overrides: Partial<Deferral> = {}): Deferral {
  return {
    id: 'DEF-1',
    state: 'requested',
    customerId: 'c-1',
    invoiceId: 'INV-7',
    requestedAt: T0,
    originalDueDate: '2026-12-01',
    requestedUntil: '2026-12-10',
    ...stamps,
    ...overrides,
  };
}

export function anApproval(overrides: Partial<Approval> = {}): Approval {
  return {
    id: 'APR-1',
    state: 'pending',
    kind: 'deferral',
    customerId: 'c-1',
    context: { subject: { type: 'deferral', id: 'DEF-1' }, summary: 'Deferral of INV-7 by 30 days, beyond the 14-day limit' },
    deadline: '2026-11-04T09:00:00.000Z',
    defaultOutcome: 'rejected',
    ...stamps,
    ...overrides,
  };
}

export function aNotification(overrides: Partial<Notification> = {}): Notification {
  return {
    id: 'invoice#INV-7#reminder#2',
    state: 'queued',
    customerId: 'c-1',
    subject: { type: 'invoice', id: 'INV-7' },
    template: 'payment_reminder',
    language: 'sl',
    to: 'ana@example.si',
    data: { invoiceId: 'INV-7' },
    ...stamps,
    ...overrides,
  };
}
