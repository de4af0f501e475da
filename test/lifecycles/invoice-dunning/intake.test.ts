/**
 * The payment webhook matches money to the customer's open invoices (issue 4, "Intake"): by the
 * invoice it names, else oldest due date first; a partial payment leaves the rest owed; what exceeds
 * everything owed stays unallocated for staff. Nothing is recorded for a payment it cannot place.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestRuntime } from '../../support/runtime';
import { invoiceScenario, paymentEvent, startRuntime, uid } from './support';

let rt: TestRuntime;
beforeAll(async () => {
  rt = await startRuntime('hostico', '2026-03-02T09:00:00Z');
});
afterAll(async () => rt.stop());

/** A customer with two invoices: the first due on 16 March, the second (issued a day later) on 17 March. */
async function customerWithTwoInvoices() {
  const customerId = uid('cust');
  const older = await invoiceScenario({ preset: 'hostico', start: '2026-03-02T09:00:00Z', rt, customerId, items: [{ kind: 'shared_hosting', amount: 10_000 }] });
  const newer = await invoiceScenario({ preset: 'hostico', start: '2026-03-02T09:00:00Z', issuedAt: '2026-03-03T09:00:00Z', rt, customerId, items: [{ kind: 'vps', amount: 3_000 }] });
  return { customerId, older: older.invoiceId, newer: newer.invoiceId, s: older };
}

const amountPaid = async (invoiceId: string) => {
  const invoice = await rt.repo.get('invoice', invoiceId);
  return [invoice.state, invoice.amountPaid.amount];
};

describe('matching a payment to open invoices', () => {
  it('without an invoice reference, pays the oldest due date first and splits the rest onto the next', async () => {
    const { older, newer, s } = await customerWithTwoInvoices();
    const answer = await rt.webhook(paymentEvent(s, { amount: 11_000 }));
    await rt.advance(0);
    expect(answer.status).toBe(202);
    expect(await amountPaid(older)).toEqual(['paid', 10_000]);
    expect(await amountPaid(newer)).toEqual(['partially_paid', 1_000]);
    const payments = (await rt.repo.customerTimeline(s.customerId)).filter((e) => e.type === 'payment').map((e) => e.record.id);
    expect(payments).toHaveLength(2);
  });

  it('with a reference, pays the named invoice even when another is older', async () => {
    const { older, newer, s } = await customerWithTwoInvoices();
    await rt.webhook(paymentEvent(s, { invoiceId: newer, amount: 3_000 }));
    await rt.advance(0);
    expect(await amountPaid(newer)).toEqual(['paid', 3_000]);
    expect(await amountPaid(older)).toEqual(['issued', 0]);
  });

  it('a partial payment leaves the rest owed and the invoice partially paid', async () => {
    const { older, s } = await customerWithTwoInvoices();
    await rt.webhook(paymentEvent(s, { invoiceId: older, amount: 2_500 }));
    await rt.advance(0);
    expect(await amountPaid(older)).toEqual(['partially_paid', 2_500]);
  });

  it('more than everything owed: the invoices are paid and the excess is kept, unallocated, with the payment', async () => {
    const { older, newer, s } = await customerWithTwoInvoices();
    const event = paymentEvent(s, { amount: 15_000 });
    await rt.webhook(event);
    await rt.advance(0);
    expect(await amountPaid(older)).toEqual(['paid', 10_000]);
    expect(await amountPaid(newer)).toEqual(['paid', 3_000]);
    const allocation = await rt.repo.get('sideEffect', `payment#${event.data.paymentId}#allocation`);
    expect(allocation.details).toMatchObject({ unallocated: { amount: 2_000, currency: 'EUR' } });
  });

  it('answers 4xx and records nothing for a payment in another currency', async () => {
    const { older, s } = await customerWithTwoInvoices();
    const foreign = await rt.webhook(paymentEvent(s, { invoiceId: older, amount: 10_000, currency: 'USD' }));
    expect(foreign.status).toBeGreaterThanOrEqual(400);
    expect(foreign.status).toBeLessThan(500);
    expect(await amountPaid(older)).toEqual(['issued', 0]);
    expect((await rt.repo.customerTimeline(s.customerId)).filter((e) => e.type === 'payment')).toEqual([]);
  });

  it('records a payment whose method is `other` as method other and applies it to the invoice', async () => {
    const { older, s } = await customerWithTwoInvoices();
    const event = paymentEvent(s, { invoiceId: older, amount: 10_000 });
    const answer = await rt.webhook({ ...event, data: { ...event.data, method: 'other' } });
    expect(answer.status, JSON.stringify(answer.body)).toBe(202);
    expect(await rt.repo.get('payment', event.data.paymentId)).toMatchObject({ method: 'other', invoiceId: older, amount: { amount: 10_000 } });
    expect(await amountPaid(older)).toEqual(['paid', 10_000]);
  });
});
