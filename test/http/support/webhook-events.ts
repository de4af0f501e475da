/** One valid delivery of each storefront event type, as a storefront would send it. */
export const NOW = '2026-11-22T09:00:00Z';

export const orderPlaced = {
  eventId: 'evt-order-1001',
  type: 'order.placed',
  occurredAt: '2026-11-22T08:59:30Z',
  data: {
    orderId: 'ORD-1001',
    customer: {
      type: 'consumer',
      customerId: 'CUS-77',
      name: 'Ana Novak',
      email: 'ana@example.si',
      language: 'sl',
      country: 'SI',
    },
    items: [
      {
        itemId: 'ORD-1001-1',
        kind: 'shared_hosting',
        productCode: 'web-m',
        billingCycle: 'annual',
        price: { amount: 5988, currency: 'EUR' },
        domainName: 'novak.si',
      },
      {
        itemId: 'ORD-1001-2',
        kind: 'domain',
        productCode: 'si-domain',
        billingCycle: 'annual',
        price: { amount: 0, currency: 'EUR' },
        domainName: 'novak.si',
        flags: { freeWithOffer: true },
      },
    ],
    total: { amount: 5988, currency: 'EUR' },
    earlyStartConsent: true,
  },
};

export const paymentReceived = {
  eventId: 'evt-pay-5001',
  type: 'payment.received',
  occurredAt: '2026-11-22T08:58:00Z',
  data: {
    paymentId: 'PAY-5001',
    invoiceId: 'INV-7',
    amount: { amount: 2500, currency: 'EUR' },
    method: 'bank_transfer',
    receivedAt: '2026-11-22T08:00:00+01:00',
  },
};

export const refundRequested = {
  eventId: 'evt-refund-9',
  type: 'refund.requested',
  occurredAt: NOW,
  data: { refundRequestId: 'RR-9', customerId: 'CUS-77', serviceId: 'SVC-3', requestedAt: NOW, reason: 'moving provider' },
};

export const withdrawalRequested = {
  eventId: 'evt-wd-4',
  type: 'withdrawal.requested',
  occurredAt: NOW,
  data: {
    withdrawalRequestId: 'WD-4',
    customerId: 'CUS-77',
    orderId: 'ORD-1001',
    requestedAt: NOW,
    statement: 'I withdraw from the contract concluded on 20 November 2026.',
  },
};

export const deferralRequested = {
  eventId: 'evt-def-2',
  type: 'deferral.requested',
  occurredAt: NOW,
  data: { deferralRequestId: 'DEF-2', customerId: 'CUS-77', invoiceId: 'INV-7', payBy: '2026-12-06', requestedAt: NOW },
};

export const provisioningResult = {
  eventId: 'evt-prov-31',
  type: 'provisioning.result',
  occurredAt: NOW,
  data: {
    outcome: 'failed',
    commandId: 'CMD-31',
    serviceId: 'SVC-3',
    completedAt: NOW,
    errorCode: 'PANEL_TIMEOUT',
    message: 'cPanel did not answer',
    retryable: true,
  },
};

export const EXAMPLE_EVENTS = {
  'order.placed': orderPlaced,
  'payment.received': paymentReceived,
  'refund.requested': refundRequested,
  'withdrawal.requested': withdrawalRequested,
  'deferral.requested': deferralRequested,
  'provisioning.result': provisioningResult,
} as const;
