/**
 * ARCHITECTURE.md invariant 2: a payment that lands while a suspension step runs must end with the
 * service active and nothing lost; a suspension never lands on a paid invoice.
 *
 * The suspension step suspends the service in a transaction conditioned on the invoice still being
 * overdue at the version it read. The payment records itself in a transaction conditioned on the
 * service being at the version it read, and reactivates the service in that same transaction when
 * it was suspended for this invoice. Either order is possible; "paid and suspended" is not.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TransactionConflictError } from '../../functions/data/errors';
import type { Repository } from '../../functions/data/repository';
import { StaleStateError } from '../../functions/domain/errors';
import type { Payment } from '../../functions/domain/model';
import { createTestTable, type TestTable } from '../support/dynamodb';
import { aCustomer, aPayment, aService, anInvoice } from '../unit/model/fixtures';
import { bySystem, createActiveService, repositoryOn, steppingClock, uid } from './support';

let table: TestTable;
let repo: Repository;
beforeAll(async () => {
  table = await createTestTable('race');
  repo = repositoryOn(table, steppingClock());
});
afterAll(async () => {
  await table.drop();
});

const SUSPEND_RULE = 'hostico:IV.Preložitev (suspension 7 days after the due date)';
const PAY_RULE = 'hostico:IV.Preložitev (reactivation after full payment)';
const MAX_ATTEMPTS = 100;

/** A customer with an active service and its overdue invoice (version 3: draft → issued → overdue). */
async function overdueInvoiceWithActiveService() {
  const [customerId, serviceId, invoiceId] = [uid('c'), uid('svc'), uid('INV')];
  await repo.create('customer', aCustomer({ id: customerId }), bySystem('signup'));
  await createActiveService(repo, aService({ id: serviceId, customerId }));
  const lines = [{ ...anInvoice().lines[0]!, serviceId }];
  await repo.create('invoice', anInvoice({ id: invoiceId, customerId, lines, state: 'draft' }), bySystem('billing-run'));
  await repo.transition('invoice', invoiceId, { expectedState: 'draft', expectedVersion: 1, to: 'issued', audit: bySystem('billing-run') });
  await repo.transition('invoice', invoiceId, { expectedState: 'issued', expectedVersion: 2, to: 'overdue', audit: bySystem('dunning') });
  return { customerId, serviceId, invoiceId };
}

type SuspendOutcome = 'suspended' | 'invoice no longer overdue' | 'already suspended';
type PayOutcome = 'recorded' | 'recorded and reactivated' | 'duplicate';

/** The dunning step: re-reads and decides again whenever it loses a race. */
async function suspendForNonPayment(serviceId: string, invoiceId: string, counters: { stale: number }): Promise<SuspendOutcome> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const invoice = await repo.get('invoice', invoiceId);
    if (invoice.state !== 'overdue') return 'invoice no longer overdue';
    const service = await repo.get('service', serviceId);
    if (service.state !== 'active') return 'already suspended';
    try {
      await repo.transition('service', serviceId, {
        expectedState: 'active',
        expectedVersion: service.version,
        to: 'suspended',
        patch: { suspension: { reason: 'non_payment', invoiceId, since: '2026-12-08T00:00:00.000Z' } },
        audit: bySystem(SUSPEND_RULE),
        requires: [{ type: 'invoice', id: invoiceId, state: 'overdue', version: invoice.version }],
      });
      return 'suspended';
    } catch (error) {
      if (!(error instanceof StaleStateError || error instanceof TransactionConflictError)) throw error;
      counters.stale++;
    }
  }
  throw new Error('suspension never settled');
}

/** The payment webhook handler: every delivery of the same payment re-reads and retries until it lands. */
async function deliverPayment(payment: Payment, serviceId: string, counters: { stale: number }): Promise<PayOutcome> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const invoice = await repo.get('invoice', payment.invoiceId);
    const service = await repo.get('service', serviceId);
    try {
      const result = await repo.recordPayment({
        payment,
        invoice: { expectedState: invoice.state, expectedVersion: invoice.version },
        services: [{ id: serviceId, expectedVersion: service.version }],
        audit: { actor: { type: 'customer', id: payment.customerId }, rule: PAY_RULE },
      });
      if (result.status === 'duplicate') return 'duplicate';
      return result.reactivated.length > 0 ? 'recorded and reactivated' : 'recorded';
    } catch (error) {
      if (!(error instanceof StaleStateError || error instanceof TransactionConflictError)) throw error;
      counters.stale++;
    }
  }
  throw new Error('payment never landed');
}

function tally<T extends string>(outcomes: T[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const o of outcomes) counts[o] = (counts[o] ?? 0) + 1;
  return counts;
}

/** Asserts the one consistent end state and an audit trail that explains it; returns whether a suspension happened. */
async function expectPaidAndActive(ids: { serviceId: string; invoiceId: string }, payment: Payment): Promise<boolean> {
  const invoice = await repo.get('invoice', ids.invoiceId);
  const service = await repo.get('service', ids.serviceId);
  expect(invoice).toMatchObject({ state: 'paid', version: 4, amountPaid: invoice.total });
  expect(service.state).toBe('active');
  expect(service.suspension).toBeUndefined();
  expect(await repo.get('payment', payment.id)).toMatchObject({ amount: payment.amount, invoiceId: ids.invoiceId });
  expect((await repo.history('payment', payment.id)).map((e) => e.to)).toEqual(['received']);

  const invoiceTrail = await repo.history('invoice', ids.invoiceId);
  expect(invoiceTrail.map((e) => `${e.from}→${e.to}`)).toEqual(['null→draft', 'draft→issued', 'issued→overdue', 'overdue→paid']);
  const paidAt = invoiceTrail.at(-1)!.at;

  const serviceTrail = await repo.history('service', ids.serviceId);
  const steps = serviceTrail.map((e) => `${e.from}→${e.to}`);
  if (steps.length === 2) {
    expect(steps).toEqual(['null→pending', 'pending→active']);
    expect(service.version).toBe(2);
    return false;
  }
  expect(steps).toEqual(['null→pending', 'pending→active', 'active→suspended', 'suspended→active']);
  expect(service.version).toBe(4);
  const [, , suspension, reactivation] = serviceTrail;
  expect(suspension).toMatchObject({ rule: SUSPEND_RULE });
  // The reactivation was written by the payment's own transaction: same instant, same payment.
  expect(reactivation).toMatchObject({ rule: PAY_RULE, at: paidAt, details: { paymentId: payment.id, invoiceId: ids.invoiceId } });
  return true;
}

describe('suspension racing a payment of the same invoice', () => {
  it('a payment that lands after the suspension read makes the suspension stale; the service stays active', async () => {
    const ids = await overdueInvoiceWithActiveService();
    const invoiceAsRead = await repo.get('invoice', ids.invoiceId);
    const payment = aPayment({ id: uid('pay'), invoiceId: ids.invoiceId, customerId: invoiceAsRead.customerId });
    await deliverPayment(payment, ids.serviceId, { stale: 0 });

    const suspendOnOldRead = repo.transition('service', ids.serviceId, {
      expectedState: 'active',
      expectedVersion: 2,
      to: 'suspended',
      patch: { suspension: { reason: 'non_payment', invoiceId: ids.invoiceId, since: '2026-12-08T00:00:00.000Z' } },
      audit: bySystem(SUSPEND_RULE),
      requires: [{ type: 'invoice', id: ids.invoiceId, state: 'overdue', version: invoiceAsRead.version }],
    });
    await expect(suspendOnOldRead).rejects.toThrow(`invoice ${ids.invoiceId}: expected state overdue at version 3, found state paid at version 4`);
    expect(await expectPaidAndActive(ids, payment)).toBe(false);
  });

  it('a suspension that lands after the payment read makes the payment stale; on retry it pays and reactivates', async () => {
    const ids = await overdueInvoiceWithActiveService();
    const payment = aPayment({ id: uid('pay'), invoiceId: ids.invoiceId, customerId: (await repo.get('invoice', ids.invoiceId)).customerId });
    const serviceAsRead = await repo.get('service', ids.serviceId);
    expect(await suspendForNonPayment(ids.serviceId, ids.invoiceId, { stale: 0 })).toBe('suspended');

    const payOnOldRead = repo.recordPayment({
      payment,
      invoice: { expectedState: 'overdue', expectedVersion: 3 },
      services: [{ id: ids.serviceId, expectedVersion: serviceAsRead.version }],
      audit: bySystem(PAY_RULE),
    });
    await expect(payOnOldRead).rejects.toThrow(StaleStateError);
    expect(await repo.find('payment', payment.id)).toBeUndefined();

    expect(await deliverPayment(payment, ids.serviceId, { stale: 0 })).toBe('recorded and reactivated');
    expect(await expectPaidAndActive(ids, payment)).toBe(true);
  });

  it('50 concurrent suspension attempts and 50 deliveries of the payment end paid and active, every time', { timeout: 120_000 }, async () => {
    // Suspenders need fewer round trips than payers, so they would always win a level start. Each
    // round gives the payers a head start of a few DynamoDB round trips (not a sleep) to vary the order.
    const HEAD_STARTS = [0, 1, 2, 0, 1, 2];
    const summary = { rounds: HEAD_STARTS.length, suspendedFirst: 0, paidFirst: 0, staleRetries: 0, suspend: {} as Record<string, number>, pay: {} as Record<string, number> };
    for (const headStart of HEAD_STARTS) {
      const ids = await overdueInvoiceWithActiveService();
      const payment = aPayment({ id: uid('pay'), invoiceId: ids.invoiceId, customerId: (await repo.get('invoice', ids.invoiceId)).customerId });
      const counters = { stale: 0 };
      const payers = Array.from({ length: 50 }, () => deliverPayment(payment, ids.serviceId, counters));
      for (let trip = 0; trip < headStart; trip++) await repo.find('customer', ids.customerId);
      const suspenders = Array.from({ length: 50 }, () => suspendForNonPayment(ids.serviceId, ids.invoiceId, counters));
      const [pays, suspends] = await Promise.all([Promise.all(payers), Promise.all(suspenders)]);

      const suspend = tally(suspends);
      const pay = tally(pays);
      expect(suspend.suspended ?? 0).toBeLessThanOrEqual(1);
      expect((pay.recorded ?? 0) + (pay['recorded and reactivated'] ?? 0)).toBe(1);
      expect(pay.duplicate).toBe(49);
      expect(pay['recorded and reactivated'] ?? 0).toBe(suspend.suspended ?? 0);

      const suspendedFirst = await expectPaidAndActive(ids, payment);
      expect(suspendedFirst).toBe(suspend.suspended === 1);
      summary[suspendedFirst ? 'suspendedFirst' : 'paidFirst']++;
      summary.staleRetries += counters.stale;
      for (const [k, v] of Object.entries(suspend)) summary.suspend[k] = (summary.suspend[k] ?? 0) + v;
      for (const [k, v] of Object.entries(pay)) summary.pay[k] = (summary.pay[k] ?? 0) + v;
    }
    console.info('race summary', JSON.stringify(summary));
  });
});
