/**
 * A service activated on Jan 31 renews on Feb 28 and Mar 31 (its anchor day, clamped), on the local
 * runtime with the billing run on the virtual clock; paying a renewal in full moves paidUntil to the
 * end of the period it bills, a partial payment does not.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../../support/runtime';
import { paymentEvent, uid } from './support';

const SETUP = { actor: { type: 'system' as const, id: 'test-setup' }, rule: 'test arrangement' };
let rt: TestRuntime | undefined;
afterEach(async () => {
  await rt?.stop();
  rt = undefined;
});

describe('hostico: a monthly service activated on Jan 31', () => {
  it('is billed on Feb 28 and Mar 31; the paid renewal moves paidUntil, the partly paid one does not', async () => {
    rt = await startTestRuntime({ preset: 'hostico', start: '2026-02-27T12:00:00Z', billingRun: true });
    const customerId = uid('cust');
    await rt.repo.create('customer', { id: customerId, state: 'active', type: 'consumer', email: `${customerId}@example.com`, name: 'Ana Novak', language: 'en', country: 'SI' }, SETUP);
    const id = uid('svc');
    // As activation left it on Jan 31, before services stored an anchor: paid one month, next due Feb 28.
    await rt.repo.create(
      'service',
      { id, state: 'pending', customerId, orderId: uid('ord'), provider: 'hostico', productKind: 'shared_hosting', productCode: 'starter', billingCycle: 'monthly', price: { amount: 10_000, currency: 'EUR' } },
      SETUP,
    );
    await rt.repo.transition('service', id, {
      expectedState: 'pending', expectedVersion: 1, to: 'active', audit: SETUP,
      patch: { activatedAt: '2026-01-31T10:00:00Z', paidUntil: '2026-02-27', nextDueDate: '2026-02-28' },
    });

    await rt.advance('1d'); // the billing run of Feb 28
    expect(rt.backgroundErrors).toEqual([]);
    const feb = await rt.repo.get('invoice', `${id}-2026-02-28`);
    expect(feb.lines).toEqual([expect.objectContaining({ kind: 'service_period', periodStart: '2026-02-28', periodEnd: '2026-03-30' })]);
    expect(await rt.repo.get('service', id)).toMatchObject({ nextDueDate: '2026-03-31', billingAnchorDay: 31, paidUntil: '2026-02-27' });

    const paid = await rt.webhook(paymentEvent({ rt, customerId }, { invoiceId: feb.id, amount: 10_000 }));
    expect(paid.status, JSON.stringify(paid.body)).toBe(202);
    await rt.advance(0);
    expect((await rt.repo.get('invoice', feb.id)).state).toBe('paid');
    expect((await rt.repo.get('service', id)).paidUntil).toBe('2026-03-30');
    const move = (await rt.repo.history('service', id)).find((e) => e.details?.paidUntil === '2026-03-30');
    expect(move).toMatchObject({ from: 'active', to: 'active', rule: rt.deps.policy.order.advancePayment!.clause, details: { invoiceId: feb.id } });

    await rt.advance('31d'); // through the billing run of Mar 31
    expect(rt.backgroundErrors).toEqual([]);
    const mar = await rt.repo.get('invoice', `${id}-2026-03-31`);
    expect(mar.lines).toEqual([expect.objectContaining({ periodStart: '2026-03-31', periodEnd: '2026-04-29' })]);
    expect(await rt.repo.find('invoice', `${id}-2026-03-28`)).toBeUndefined();
    expect((await rt.repo.get('service', id)).nextDueDate).toBe('2026-04-30');

    const partial = await rt.webhook(paymentEvent({ rt, customerId }, { invoiceId: mar.id, amount: 4_000 }));
    expect(partial.status, JSON.stringify(partial.body)).toBe(202);
    await rt.advance(0);
    expect((await rt.repo.get('invoice', mar.id)).state).toBe('partially_paid');
    expect((await rt.repo.get('service', id)).paidUntil).toBe('2026-03-30');

    const rest = await rt.webhook(paymentEvent({ rt, customerId }, { invoiceId: mar.id, amount: 6_000 }));
    expect(rest.status, JSON.stringify(rest.body)).toBe(202);
    await rt.advance(0);
    expect((await rt.repo.get('service', id)).paidUntil).toBe('2026-04-29');
  });
});
