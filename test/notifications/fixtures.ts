/**
 * Variables for every template, as a workflow would pass them for a Hostico customer (RON, Bucharest
 * time), and the dates and amounts each rendering must show. Dates are chosen so that the provider's
 * time zone matters: 21:30 UTC on 1 Dec is 23:30 in Bucharest, and 22:30 UTC is already the next day.
 */
import type { TemplateName, TemplateVars } from '../../functions/notifications/templates';

export const provider = { name: 'Hostico', timeZone: 'Europe/Bucharest', supportEmail: 'support@hostico.example' };
const base = { customerName: 'Ana Novak', provider };
const ron = (amount: number) => ({ amount, currency: 'RON' });
const HOSTICO_DUNNING = 'IV. Preložitev/Zaustavitev/Reaktivacija';

export const fixtures: { [N in TemplateName]: { vars: TemplateVars<N>; en: string[]; sl: string[] } } = {
  order_received: {
    vars: { ...base, orderId: 'ORD-1', receivedAt: '2026-11-30T22:30:00Z', items: [{ description: 'Hosting Start', amount: ron(12000) }], total: ron(12000), reviewClause: 'II. Pogodba' },
    en: ['ORD-1', '1 Dec 2026, 00:30 (Europe/Bucharest)', 'RON 120.00', 'clause II. Pogodba'],
    sl: ['ORD-1', '1. dec. 2026, 00:30 (Europe/Bucharest)', '120,00 RON', 'točko II. Pogodba'],
  },
  review_approved: {
    vars: { ...base, orderId: 'ORD-1', approvedAt: '2026-12-01T08:00:00Z', invoiceId: 'INV-1', amountDue: ron(12000), dueAt: '2026-12-01T21:30:00Z', cancelAt: '2026-12-08T21:30:00Z', paymentUrl: 'https://pay.hostico.example/INV-1' },
    en: ['ORD-1', 'INV-1', 'RON 120.00', '1 Dec 2026, 23:30 (Europe/Bucharest)', '8 Dec 2026, 23:30', 'https://pay.hostico.example/INV-1'],
    sl: ['ORD-1', 'INV-1', '120,00 RON', '1. dec. 2026, 23:30 (Europe/Bucharest)', '8. dec. 2026, 23:30', 'Plačajte račun'],
  },
  review_rejected: {
    vars: { ...base, orderId: 'ORD-2', rejectedAt: '2026-12-01T08:00:00Z', clause: 'II. Pogodba', reason: 'The billing country does not match the card.', refund: ron(5000) },
    en: ['ORD-2', '1 Dec 2026', 'clause II. Pogodba', 'The billing country does not match the card.', 'RON 50.00', 'reply to this e-mail'],
    sl: ['ORD-2', '1. dec. 2026', 'točko II. Pogodba', 'Razlog', '50,00 RON', 'odgovorite na to sporočilo'],
  },
  order_cancelled: {
    vars: { ...base, orderId: 'ORD-5', cancelledAt: '2026-12-01T21:30:00Z', cause: 'not_delivered', clause: 'hostcycle default', reason: 'hardware out of stock', refund: ron(12000) },
    en: ['ORD-5', '1 Dec 2026, 23:30 (Europe/Bucharest)', 'could not set up', 'hardware out of stock', 'clause hostcycle default', 'RON 120.00'],
    sl: ['ORD-5', '1. dec. 2026, 23:30 (Europe/Bucharest)', 'nismo mogli vzpostaviti', 'Razlog', 'točka hostcycle default', '120,00 RON'],
  },
  provisioning_failed: {
    vars: { ...base, orderId: 'ORD-1', serviceName: 'Hosting Start', failedAt: '2026-12-01T21:30:00Z', activateBy: '2026-12-02T21:30:00Z' },
    en: ['Hosting Start', 'ORD-1', '1 Dec 2026, 23:30 (Europe/Bucharest)', '2 Dec 2026, 23:30 (Europe/Bucharest)'],
    sl: ['Hosting Start', 'ORD-1', '1. dec. 2026, 23:30 (Europe/Bucharest)', '2. dec. 2026, 23:30 (Europe/Bucharest)'],
  },
  service_activated: {
    vars: { ...base, orderId: 'ORD-1', serviceName: 'Hosting Start', activatedAt: '2026-12-01T21:30:00Z', nextDueAt: '2027-12-01T21:30:00Z', panelUrl: 'https://panel.hostico.example/' },
    en: ['Hosting Start', '1 Dec 2026, 23:30 (Europe/Bucharest)', '1 Dec 2027', 'https://panel.hostico.example/'],
    sl: ['Hosting Start', '1. dec. 2026, 23:30 (Europe/Bucharest)', '1. dec. 2027', 'nadzorno ploščo'],
  },
  invoice_issued: {
    vars: { ...base, invoiceId: 'INV-7', issuedAt: '2026-11-24T10:00:00Z', dueAt: '2026-12-01T21:30:00Z', lines: [{ description: 'Hosting Start, 12 months', amount: ron(12345) }], total: ron(12345), paymentUrl: 'https://pay.hostico.example/INV-7' },
    en: ['INV-7', '24 Nov 2026', 'RON 123.45', '1 Dec 2026, 23:30 (Europe/Bucharest)', 'Pay the invoice'],
    sl: ['INV-7', '24. nov. 2026', '123,45 RON', '1. dec. 2026, 23:30 (Europe/Bucharest)', 'Plačajte račun'],
  },
  payment_reminder: {
    vars: {
      ...base,
      invoiceId: 'INV-7',
      reminderNumber: 2,
      dueAt: '2026-12-01T21:30:00Z',
      amountDue: ron(12345),
      suspension: { clause: HOSTICO_DUNNING, graceDays: 7, at: '2026-12-08T21:30:00Z' },
      deferral: { clause: HOSTICO_DUNNING, until: '2026-12-15T21:30:00Z' },
    },
    en: ['Reminder 2', 'INV-7', 'RON 123.45', '1 Dec 2026, 23:30 (Europe/Bucharest)', '8 Dec 2026, 23:30', 'suspended 7 days after', `clause ${HOSTICO_DUNNING}`, 'payment deferral', '15 Dec 2026, 23:30', 'proof of payment'],
    sl: ['Opomin 2', 'INV-7', '123,45 RON', '1. dec. 2026, 23:30 (Europe/Bucharest)', '8. dec. 2026, 23:30', 'začasno ustavi 7 dni po datumu zapadlosti', `točko ${HOSTICO_DUNNING}`, 'odlog plačila', '15. dec. 2026, 23:30', 'potrdilo o plačilu'],
  },
  invoice_overdue: {
    vars: {
      ...base,
      provider: { ...provider, name: 'SmartApe' },
      invoiceId: 'INV-8',
      dueAt: '2026-12-01T21:30:00Z',
      amountDue: { amount: 5000, currency: 'EUR' },
      suspension: { clause: '2.2.5', graceDays: 0, at: '2026-12-01T21:30:00Z' },
      penalty: { clause: '7.9', percentPerDay: '0.1', accrued: { amount: 15, currency: 'EUR' } },
    },
    en: ['INV-8', 'EUR 50.00', '1 Dec 2026, 23:30', 'as soon as its invoice is overdue', 'clause 2.2.5', '0.1% of the unpaid amount', 'EUR 0.15', 'clause 7.9'],
    sl: ['INV-8', '50,00 EUR', '1. dec. 2026, 23:30', 'takoj, ko račun zapade', 'točko 2.2.5', '0,1 % neplačanega zneska', '0,15 EUR', 'točko 7.9'],
  },
  service_suspended: {
    vars: {
      ...base,
      serviceName: 'Hosting Start',
      invoiceId: 'INV-7',
      dueAt: '2026-12-01T21:30:00Z',
      amountDue: ron(12345),
      suspendedAt: '2026-12-08T21:30:00Z',
      suspension: { clause: HOSTICO_DUNNING, graceDays: 7 },
      reactivation: { clause: HOSTICO_DUNNING, condition: 'all_amounts_owed', amountToPay: ron(24690) },
      next: { kind: 'deletion', clause: 'IV. Neplačilo', days: 30, from: 'due_date', at: '2026-12-31T21:30:00Z' },
    },
    en: ['Hosting Start', 'INV-7', 'RON 123.45', '8 Dec 2026, 23:30', '1 Dec 2026, 23:30', 'everything you owe', 'RON 246.90', '31 Dec 2026, 23:30', 'more than 30 days after its due date', 'clause IV. Neplačilo'],
    sl: ['Hosting Start', 'INV-7', '123,45 RON', '8. dec. 2026, 23:30', '1. dec. 2026, 23:30', 'vsi dolgovani zneski', '246,90 RON', '31. dec. 2026, 23:30', 'več kot 30 dni po datumu zapadlosti', 'točko IV. Neplačilo'],
  },
  final_warning: {
    vars: {
      ...base,
      serviceName: 'Hosting Start',
      invoiceId: 'INV-7',
      amountDue: ron(12345),
      next: { kind: 'deletion', clause: 'IV. Neplačilo', days: 30, from: 'due_date', at: '2026-12-31T21:30:00Z' },
      restore: { clause: 'IV. Neplačilo', minimumHours: 2 },
    },
    en: ['Final warning', 'INV-7', 'RON 123.45', '31 Dec 2026, 23:30 (Europe/Bucharest)', 'deleted', 'at least 2 hours', 'clause IV. Neplačilo'],
    sl: ['Zadnje opozorilo', 'INV-7', '123,45 RON', '31. dec. 2026, 23:30 (Europe/Bucharest)', 'izbrisali', 'najmanj 2 uri', 'točko IV. Neplačilo'],
  },
  service_terminated: {
    vars: {
      ...base,
      provider: { ...provider, name: 'SmartApe', timeZone: 'Europe/Tallinn' },
      serviceName: 'VPS S',
      invoiceId: 'INV-9',
      terminatedAt: '2026-12-21T21:30:00Z',
      amountOwed: { amount: 5075, currency: 'EUR' },
      rule: { clause: '2.2.5', days: 20, from: 'invoice_date' },
    },
    en: ['VPS S', 'INV-9', '21 Dec 2026, 23:30 (Europe/Tallinn)', 'EUR 50.75', 'more than 20 days late, counted from the invoice date', 'clause 2.2.5', 'remains owed'],
    sl: ['VPS S', 'INV-9', '21. dec. 2026, 23:30 (Europe/Tallinn)', '50,75 EUR', 'preseže 20 dni po datumu izdaje računa', 'točko 2.2.5', 'dolga ne izbriše'],
  },
  data_deleted: {
    vars: {
      ...base,
      serviceName: 'Hosting Start',
      invoiceId: 'INV-7',
      deletedAt: '2026-12-31T21:30:00Z',
      amountOwed: ron(12345),
      rule: { clause: 'IV. Neplačilo', days: 30, from: 'due_date' },
      restore: { clause: 'IV. Neplačilo', minimumHours: 4 },
    },
    en: ['Hosting Start', 'INV-7', '31 Dec 2026, 23:30 (Europe/Bucharest)', 'RON 123.45', 'more than 30 days', 'at least 4 hours', 'not refundable'],
    sl: ['Hosting Start', 'INV-7', '31. dec. 2026, 23:30 (Europe/Bucharest)', '123,45 RON', 'več kot 30 dni', 'najmanj 4 ure', 'stroškov obnovitve pa ne vračamo'],
  },
  service_reactivated: {
    vars: { ...base, serviceName: 'Hosting Start', invoiceId: 'INV-7', amountPaid: ron(24690), reactivatedAt: '2026-12-10T22:15:00Z', nextDueAt: '2027-12-01T21:30:00Z' },
    en: ['Hosting Start', 'RON 246.90', '11 Dec 2026, 00:15 (Europe/Bucharest)', '1 Dec 2027'],
    sl: ['Hosting Start', '246,90 RON', '11. dec. 2026, 00:15 (Europe/Bucharest)', '1. dec. 2027'],
  },
  refund_approved: {
    vars: {
      ...base,
      refundId: 'REF-3',
      approvedAt: '2026-12-01T21:30:00Z',
      lines: [
        { description: 'Hosting Start, paid', amount: ron(12000) },
        { description: 'Free domain included in the offer', amount: ron(-4500) },
      ],
      refund: ron(7500),
      clause: 'IV. Vračilo denarja',
      destination: 'original_payment_method',
      payBy: '2026-12-22T21:59:59Z',
    },
    en: ['REF-3', '1 Dec 2026', 'RON 120.00', '-RON 45.00', 'RON 75.00', 'clause IV. Vračilo denarja', '22 Dec 2026, 23:59 (Europe/Bucharest)', 'credit note'],
    sl: ['REF-3', '1. dec. 2026', '120,00 RON', '−45,00 RON', '75,00 RON', 'točko IV. Vračilo denarja', '22. dec. 2026, 23:59 (Europe/Bucharest)', 'dobropis'],
  },
  refund_paid: {
    vars: { ...base, refundId: 'REF-3', paidAt: '2026-12-10T08:00:00Z', refund: ron(7500), creditNoteId: 'CN-3', destination: 'account_you_named' },
    en: ['REF-3', '10 Dec 2026', 'RON 75.00', 'CN-3', 'the account you named'],
    sl: ['REF-3', '10. dec. 2026', '75,00 RON', 'CN-3', 'na račun, ki ste ga navedli'],
  },
  refund_rejected: {
    vars: {
      ...base,
      provider: { ...provider, name: 'Secom', timeZone: 'Europe/Kyiv' },
      refundId: 'REF-4',
      requestedAt: '2026-12-05T21:30:00Z',
      reason: { code: 'window_expired', windowEndedAt: '2026-12-03T21:59:59Z' },
      clause: 'Refund policy',
    },
    en: ['REF-4', '3 Dec 2026, 23:59 (Europe/Kyiv)', '5 Dec 2026, 23:30 (Europe/Kyiv)', 'clause Refund policy', 'cancel it'],
    sl: ['REF-4', '3. dec. 2026, 23:59 (Europe/Kyiv)', '5. dec. 2026, 23:30 (Europe/Kyiv)', 'točka Refund policy', 'odpoveste'],
  },
  withdrawal_accepted: {
    vars: {
      ...base,
      provider: { ...provider, name: 'SmartApe', timeZone: 'Europe/Tallinn' },
      withdrawalId: 'WD-1',
      serviceName: 'VPS S',
      contractConcludedAt: '2026-12-01T10:00:00Z',
      acceptedAt: '2026-12-06T10:00:00Z',
      paid: { amount: 3000, currency: 'EUR' },
      charge: { amount: { amount: 500, currency: 'EUR' }, clause: '11.6.1' },
      refund: { amount: 2500, currency: 'EUR' },
      refundBy: '2026-12-20T21:59:59Z',
      serviceEndsAt: '2026-12-06T21:59:59Z',
    },
    en: ['WD-1', 'VPS S', '1 Dec 2026', '6 Dec 2026', 'EUR 30.00', 'EUR 5.00', 'EUR 25.00', 'clause 11.6.1', '20 Dec 2026, 23:59 (Europe/Tallinn)'],
    sl: ['WD-1', 'VPS S', '1. dec. 2026', '6. dec. 2026', '30,00 EUR', '5,00 EUR', '25,00 EUR', 'točko 11.6.1', '20. dec. 2026, 23:59 (Europe/Tallinn)'],
  },
  withdrawal_rejected: {
    vars: {
      ...base,
      provider: { ...provider, name: 'SmartApe', timeZone: 'Europe/Tallinn' },
      withdrawalId: 'WD-2',
      serviceName: 'VPS S',
      requestedAt: '2026-12-20T10:00:00Z',
      reason: { code: 'period_expired', periodDays: 14, periodEndedAt: '2026-12-15T21:59:59Z' },
      clause: '11.6',
      cancellation: { clause: '2.4.10', noticeWorkingDays: 10 },
    },
    en: ['WD-2', 'within 14 days', '15 Dec 2026, 23:59 (Europe/Tallinn)', '20 Dec 2026, 12:00 (Europe/Tallinn)', 'clause 11.6', '10 working days', 'clause 2.4.10'],
    sl: ['WD-2', 'v 14 dneh', '15. dec. 2026, 23:59 (Europe/Tallinn)', '20. dec. 2026, 12:00 (Europe/Tallinn)', 'točka 11.6', '10 delovnih dni', 'točka 2.4.10'],
  },
};
