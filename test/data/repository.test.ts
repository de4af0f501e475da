import { PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlreadyExistsError, TransactionConflictError } from '../../functions/data/errors';
import type { Repository } from '../../functions/data/repository';
import { IllegalTransitionError, NotFoundError, StaleStateError, ValidationError } from '../../functions/domain/errors';
import type { Service } from '../../functions/domain/model';
import { createTestTable, type TestTable } from '../support/dynamodb';
import { T0, aCustomer, aPayment, aService, anApproval, anInvoice } from '../unit/model/fixtures';
import { bySystem, createActiveService, repositoryOn, steppingClock, uid, type SteppingClock } from './support';

let table: TestTable;
let clock: SteppingClock;
let repo: Repository;
beforeAll(async () => {
  table = await createTestTable('repository');
  clock = steppingClock();
  repo = repositoryOn(table, clock);
});
afterAll(async () => {
  await table.drop();
});

const eur = (amount: number) => ({ amount, currency: 'EUR' });
const HOUR = 3_600_000;

/** Every item stored under an entity's partition: its record and its audit events. */
async function itemsOf(type: string, id: string) {
  const { Items = [] } = await table.client.send(
    new QueryCommand({ TableName: table.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: marshall({ ':pk': `${type}#${id}` }) }),
  );
  return Items;
}

describe('create and get', () => {
  it('stores a new entity at version 1 with the clock’s timestamps, and logs its creation', async () => {
    const id = uid('c');
    const created = await repo.create('customer', aCustomer({ id }), bySystem('storefront:signup'));
    expect(created).toMatchObject({ id, version: 1, createdAt: clock.now().toISOString(), updatedAt: clock.now().toISOString() });
    expect(await repo.get('customer', id)).toEqual(created);
    const [event, ...more] = await repo.history('customer', id);
    expect(more).toEqual([]);
    expect(event).toMatchObject({ id: `customer#${id}#v1`, entity: { type: 'customer', id }, from: null, to: 'active', customerId: id, rule: 'storefront:signup' });
  });

  it('refuses to create an id that exists, naming what it found', async () => {
    const id = uid('INV');
    await repo.create('invoice', anInvoice({ id, state: 'draft' }), bySystem('billing-run'));
    const attempt = repo.create('invoice', anInvoice({ id, state: 'draft' }), bySystem('billing-run'));
    await expect(attempt).rejects.toThrow(AlreadyExistsError);
    await expect(attempt).rejects.toThrow(`invoice ${id} already exists (state draft at version 1)`);
    expect(await repo.history('invoice', id)).toHaveLength(1);
  });

  it('creates entities only in their initial state', async () => {
    const id = uid('INV');
    await expect(repo.create('invoice', anInvoice({ id, state: 'paid', amountPaid: eur(1000), paidAt: T0 }), bySystem('x'))).rejects.toThrow(
      new ValidationError('invoice.state', 'a new invoice starts as draft, not paid'),
    );
    // Even one allowed step away from the initial state: its audit event would be missing.
    await expect(repo.create('invoice', anInvoice({ id, state: 'issued' }), bySystem('x'))).rejects.toMatchObject({ field: 'invoice.state' });
    expect(await itemsOf('invoice', id)).toEqual([]);
  });

  it('validates on write: an invalid entity is refused with the field named and nothing is written', async () => {
    const id = uid('INV');
    const attempt = repo.create('invoice', anInvoice({ id, state: 'draft', issueDate: '2026-12-05', dueDate: '2026-12-01' }), bySystem('x'));
    await expect(attempt).rejects.toThrow(ValidationError);
    await expect(attempt).rejects.toMatchObject({ field: 'invoice.dueDate' });
    expect(await itemsOf('invoice', id)).toEqual([]);
  });

  it('validates on read: a record that no longer satisfies its schema is not handed out', async () => {
    const id = uid('INV');
    const corrupt = { ...anInvoice({ id }), amountPaid: eur(-5), pk: `invoice#${id}`, sk: 'invoice', entityType: 'invoice' };
    await table.client.send(new PutItemCommand({ TableName: table.tableName, Item: marshall(corrupt) }));
    await expect(repo.get('invoice', id)).rejects.toMatchObject({ name: 'ValidationError', field: 'invoice.amountPaid.amount' });
  });

  it('get throws NotFoundError for a missing entity; find returns undefined', async () => {
    await expect(repo.get('service', 'svc-missing')).rejects.toThrow(NotFoundError);
    expect(await repo.find('service', 'svc-missing')).toBeUndefined();
  });
});

describe('transition', () => {
  it('moves the state, bumps the version, applies the patch and appends one audit event, in one write', async () => {
    const id = uid('svc');
    await repo.create('service', aService({ id, state: 'pending', activatedAt: undefined }), bySystem('order'));
    clock.advance(HOUR);
    const activated = await repo.transition('service', id, {
      expectedState: 'pending',
      expectedVersion: 1,
      to: 'active',
      patch: { activatedAt: clock.now().toISOString() },
      audit: { actor: { type: 'staff', id: 'staff-7' }, rule: 'smartape:Annex 2 1.3', details: { note: 'provisioned' } },
    });
    expect(activated).toMatchObject({ state: 'active', version: 2, activatedAt: clock.now().toISOString(), updatedAt: clock.now().toISOString() });
    expect(await repo.get('service', id)).toEqual(activated);
    const events = await repo.history('service', id);
    expect(events.map((e) => [e.from, e.to, e.entityVersion])).toEqual([
      [null, 'pending', 1],
      ['pending', 'active', 2],
    ]);
    expect(events[1]).toMatchObject({ actor: { type: 'staff', id: 'staff-7' }, rule: 'smartape:Annex 2 1.3', at: clock.now().toISOString(), details: { note: 'provisioned' } });
  });

  it('refuses a transition the lifecycle table does not list, before touching the table', async () => {
    const id = uid('svc');
    await repo.create('service', aService({ id, state: 'pending' }), bySystem('order'));
    await expect(repo.transition('service', id, { expectedState: 'pending', expectedVersion: 1, to: 'deleted', audit: bySystem('x') })).rejects.toThrow(
      IllegalTransitionError,
    );
    expect(await repo.get('service', id)).toMatchObject({ state: 'pending', version: 1 });
    expect(await repo.history('service', id)).toHaveLength(1);
  });

  it('refuses a patch that breaks the schema, and writes nothing', async () => {
    const id = uid('svc');
    await repo.create('service', aService({ id, state: 'pending' }), bySystem('order'));
    const attempt = repo.transition('service', id, { expectedState: 'pending', expectedVersion: 1, to: 'active', patch: { price: eur(-1) }, audit: bySystem('x') });
    await expect(attempt).rejects.toMatchObject({ name: 'ValidationError', field: 'service.price.amount' });
    expect(await repo.get('service', id)).toMatchObject({ state: 'pending', version: 1 });
  });

  it('a caller holding an old version gets StaleStateError naming the expected and the found state', async () => {
    const id = uid('svc');
    await repo.create('service', aService({ id, state: 'pending' }), bySystem('order'));
    await repo.transition('service', id, { expectedState: 'pending', expectedVersion: 1, to: 'active', audit: bySystem('x') });
    await expect(repo.transition('service', id, { expectedState: 'pending', expectedVersion: 1, to: 'cancelled', audit: bySystem('x') })).rejects.toThrow(
      new StaleStateError(`service ${id}: expected state pending at version 1, found state active at version 2`),
    );
  });

  it('of two concurrent transitions from the same version exactly one commits; the other is stale', async () => {
    const id = uid('svc');
    await createActiveService(repo, aService({ id }));
    const results = await Promise.allSettled([
      repo.transition('service', id, { expectedState: 'active', expectedVersion: 2, to: 'cancelled', audit: bySystem('customer cancels') }),
      repo.transition('service', id, {
        expectedState: 'active',
        expectedVersion: 2,
        to: 'suspended',
        patch: { suspension: { reason: 'violation', since: T0 } },
        audit: bySystem('smartape:2.2.8'),
      }),
    ]);
    const committed = results.filter((r) => r.status === 'fulfilled');
    const rejected = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
    expect(committed).toHaveLength(1);
    expect(rejected).toHaveLength(1);
    expect(rejected[0]).toBeInstanceOf(StaleStateError);
    expect(String(rejected[0].message)).toMatch(/expected state active at version 2, found state (cancelled|suspended) at version 3/);
    const stored = await repo.get('service', id);
    expect(stored.version).toBe(3);
    expect((await repo.history('service', id)).map((e) => e.to)).toEqual(['pending', 'active', stored.state]);
  });

  it('a transaction whose requirement fails leaves nothing written and says which record moved', async () => {
    const [serviceId, invoiceId] = [uid('svc'), uid('INV')];
    await createActiveService(repo, aService({ id: serviceId }));
    await repo.create('invoice', anInvoice({ id: invoiceId, state: 'draft' }), bySystem('billing-run'));
    await repo.transition('invoice', invoiceId, { expectedState: 'draft', expectedVersion: 1, to: 'issued', audit: bySystem('billing-run') });

    const attempt = repo.transition('service', serviceId, {
      expectedState: 'active',
      expectedVersion: 2,
      to: 'suspended',
      patch: { suspension: { reason: 'non_payment', invoiceId, since: T0 } },
      audit: bySystem('hostico:IV.Preložitev'),
      requires: [{ type: 'invoice', id: invoiceId, state: 'overdue', version: 2 }],
    });
    await expect(attempt).rejects.toThrow(new StaleStateError(`invoice ${invoiceId}: expected state overdue at version 2, found state issued at version 2`));
    expect(await repo.get('service', serviceId)).toMatchObject({ state: 'active', version: 2 });
    expect(await repo.history('service', serviceId)).toHaveLength(2);
  });

  it('throws NotFoundError for a missing entity', async () => {
    await expect(repo.transition('invoice', 'INV-missing', { expectedState: 'draft', expectedVersion: 1, to: 'issued', audit: bySystem('x') })).rejects.toThrow(
      NotFoundError,
    );
  });
});

describe('update', () => {
  it('changes fields in the same state, bumps the version and logs from = to with the fields changed, in one write', async () => {
    const id = uid('svc');
    await createActiveService(repo, aService({ id, nextDueDate: '2026-12-01' }));
    clock.advance(HOUR);
    const updated = await repo.update('service', id, {
      expectedVersion: 2,
      patch: { nextDueDate: '2027-01-01' },
      audit: bySystem('hostico:IV. Preložitev', { invoiceId: 'INV-9' }),
    });
    expect(updated).toMatchObject({ state: 'active', version: 3, nextDueDate: '2027-01-01', updatedAt: clock.now().toISOString() });
    expect(await repo.get('service', id)).toEqual(updated);
    const events = await repo.history('service', id);
    expect(events.map((e) => [e.from, e.to, e.entityVersion])).toEqual([
      [null, 'pending', 1],
      ['pending', 'active', 2],
      ['active', 'active', 3],
    ]);
    expect(events[2]).toMatchObject({ id: `service#${id}#v3`, rule: 'hostico:IV. Preložitev', details: { invoiceId: 'INV-9', fields: ['nextDueDate'] } });
    // The due-date index follows the new date.
    expect((await repo.dueOn('2027-01-01')).services.map((s) => s.id)).toContain(id);
    expect((await repo.dueOn('2026-12-01')).services.map((s) => s.id)).not.toContain(id);
  });

  it('a caller holding an old version gets StaleStateError and writes nothing', async () => {
    const id = uid('svc');
    await createActiveService(repo, aService({ id, nextDueDate: '2026-12-01' }));
    await expect(repo.update('service', id, { expectedVersion: 1, patch: { nextDueDate: '2027-01-01' }, audit: bySystem('x') })).rejects.toThrow(
      new StaleStateError(`service ${id}: expected version 1, found state active at version 2`),
    );
    expect(await repo.get('service', id)).toMatchObject({ version: 2, nextDueDate: '2026-12-01' });
    expect(await repo.history('service', id)).toHaveLength(2);
  });

  it('of two concurrent updates from the same version exactly one commits, with one audit event', async () => {
    const id = uid('svc');
    await createActiveService(repo, aService({ id, nextDueDate: '2026-12-01' }));
    const results = await Promise.allSettled(
      ['2027-01-01', '2027-02-01'].map((nextDueDate) => repo.update('service', id, { expectedVersion: 2, patch: { nextDueDate }, audit: bySystem('x') })),
    );
    const committed = results.filter((r) => r.status === 'fulfilled');
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(committed).toHaveLength(1);
    expect(failed.map((r) => r.reason)).toEqual([expect.any(StaleStateError)]);
    const stored = await repo.get('service', id);
    expect(stored).toEqual((committed[0] as PromiseFulfilledResult<Service>).value);
    expect(await repo.history('service', id)).toHaveLength(3);
  });

  it('is stale after a transition in between, even one back to the state read', async () => {
    const id = uid('svc');
    await createActiveService(repo, aService({ id }));
    await repo.transition('service', id, { expectedState: 'active', expectedVersion: 2, to: 'suspended', patch: { suspension: { reason: 'violation', since: T0 } }, audit: bySystem('x') });
    await repo.transition('service', id, { expectedState: 'suspended', expectedVersion: 3, to: 'active', patch: { suspension: undefined }, audit: bySystem('x') });
    await expect(repo.update('service', id, { expectedVersion: 2, patch: { nextDueDate: '2027-01-01' }, audit: bySystem('x') })).rejects.toThrow(StaleStateError);
  });

  it.each(['state', 'id', 'version', 'createdAt', 'updatedAt'])('refuses a patch that touches %s, naming it, and writes nothing', async (field) => {
    const id = uid('svc');
    await createActiveService(repo, aService({ id }));
    const patch = { [field]: field === 'version' ? 7 : field === 'state' ? 'cancelled' : field === 'id' ? 'svc-other' : T0 };
    await expect(repo.update('service', id, { expectedVersion: 2, patch: patch as never, audit: bySystem('x') })).rejects.toMatchObject({
      name: 'ValidationError',
      field: `service.${field}`,
    });
    expect(await repo.get('service', id)).toMatchObject({ state: 'active', version: 2 });
    expect(await repo.history('service', id)).toHaveLength(2);
  });

  it('refuses an empty patch: an audit event would log a change that did not happen', async () => {
    const id = uid('svc');
    await createActiveService(repo, aService({ id }));
    await expect(repo.update('service', id, { expectedVersion: 2, patch: {}, audit: bySystem('x') })).rejects.toMatchObject({ name: 'ValidationError', field: 'patch' });
    expect(await repo.history('service', id)).toHaveLength(2);
  });

  it('refuses a patch that breaks the schema, and writes nothing', async () => {
    const id = uid('svc');
    await createActiveService(repo, aService({ id }));
    await expect(repo.update('service', id, { expectedVersion: 2, patch: { nextDueDate: '1.1.2027' }, audit: bySystem('x') })).rejects.toMatchObject({
      name: 'ValidationError',
      field: 'service.nextDueDate',
    });
    expect(await repo.get('service', id)).toMatchObject({ version: 2 });
  });
});

describe('recordPayment', () => {
  async function issuedInvoice(total = 1000) {
    const id = uid('INV');
    const customerId = uid('c');
    const lines = [{ ...anInvoice().lines[0]!, amount: eur(total) }];
    await repo.create('invoice', anInvoice({ id, customerId, state: 'draft', lines, total: eur(total) }), bySystem('billing-run'));
    return repo.transition('invoice', id, { expectedState: 'draft', expectedVersion: 1, to: 'issued', audit: bySystem('billing-run') });
  }

  it('a partial payment makes the invoice partially paid; the rest makes it paid', async () => {
    const invoice = await issuedInvoice(1000);
    const first = await repo.recordPayment({
      payment: aPayment({ id: uid('pay'), customerId: invoice.customerId, invoiceId: invoice.id, amount: eur(400) }),
      invoice: { expectedState: 'issued', expectedVersion: 2 },
      audit: bySystem('storefront:payment'),
    });
    expect(first).toMatchObject({ status: 'recorded', invoice: { state: 'partially_paid', amountPaid: eur(400), version: 3 } });
    const second = await repo.recordPayment({
      payment: aPayment({ id: uid('pay'), customerId: invoice.customerId, invoiceId: invoice.id, amount: eur(600), receivedAt: '2026-11-02T08:00:00.000Z' }),
      invoice: { expectedState: 'partially_paid', expectedVersion: 3 },
      audit: bySystem('storefront:payment'),
    });
    expect(second).toMatchObject({ status: 'recorded', invoice: { state: 'paid', amountPaid: eur(1000), paidAt: '2026-11-02T08:00:00.000Z', version: 4 } });
    expect((await repo.history('invoice', invoice.id)).map((e) => `${e.from}→${e.to}`)).toEqual([
      'null→draft',
      'draft→issued',
      'issued→partially_paid',
      'partially_paid→paid',
    ]);
  });

  it('a partial payment of an overdue invoice leaves it overdue, with the amount recorded', async () => {
    const invoice = await issuedInvoice(1000);
    await repo.transition('invoice', invoice.id, { expectedState: 'issued', expectedVersion: 2, to: 'overdue', audit: bySystem('dunning') });
    const result = await repo.recordPayment({
      payment: aPayment({ id: uid('pay'), customerId: invoice.customerId, invoiceId: invoice.id, amount: eur(300) }),
      invoice: { expectedState: 'overdue', expectedVersion: 3 },
      audit: bySystem('storefront:payment'),
    });
    expect(result).toMatchObject({ status: 'recorded', invoice: { state: 'overdue', amountPaid: eur(300), version: 4 } });
    expect((await repo.history('invoice', invoice.id)).at(-1)).toMatchObject({ from: 'overdue', to: 'overdue', details: { amount: '3.00 EUR', amountPaid: '3.00 EUR' } });
  });

  it('ten concurrent partial payments of an overdue invoice are all counted: none overwrites another', async () => {
    const invoice = await issuedInvoice(1000);
    await repo.transition('invoice', invoice.id, { expectedState: 'issued', expectedVersion: 2, to: 'overdue', audit: bySystem('dunning') });
    let staleRetries = 0;
    const pay = async (paymentId: string) => {
      for (;;) {
        const current = await repo.get('invoice', invoice.id);
        try {
          return await repo.recordPayment({
            payment: aPayment({ id: paymentId, customerId: invoice.customerId, invoiceId: invoice.id, amount: eur(100) }),
            invoice: { expectedState: current.state, expectedVersion: current.version },
            audit: bySystem('webhook'),
          });
        } catch (error) {
          if (!(error instanceof StaleStateError || error instanceof TransactionConflictError)) throw error;
          staleRetries++;
        }
      }
    };
    const results = await Promise.all(Array.from({ length: 10 }, () => pay(uid('pay'))));
    expect(results.every((r) => r.status === 'recorded')).toBe(true);
    expect(await repo.get('invoice', invoice.id)).toMatchObject({ state: 'paid', amountPaid: eur(1000), version: 3 + 10 });
    const trail = (await repo.history('invoice', invoice.id)).slice(3).map((e) => e.details?.amountPaid);
    expect(trail).toEqual(['1.00', '2.00', '3.00', '4.00', '5.00', '6.00', '7.00', '8.00', '9.00', '10.00'].map((a) => `${a} EUR`));
    expect(staleRetries).toBeGreaterThan(0);
  });

  it('a repeated delivery of the same payment is recognised and changes nothing', async () => {
    const invoice = await issuedInvoice(1000);
    const payment = aPayment({ id: uid('pay'), customerId: invoice.customerId, invoiceId: invoice.id, amount: eur(400) });
    await repo.recordPayment({ payment, invoice: { expectedState: 'issued', expectedVersion: 2 }, audit: bySystem('webhook') });
    const again = await repo.recordPayment({ payment, invoice: { expectedState: 'issued', expectedVersion: 2 }, audit: bySystem('webhook') });
    expect(again).toMatchObject({ status: 'duplicate', payment: { id: payment.id } });
    expect(await repo.get('invoice', invoice.id)).toMatchObject({ amountPaid: eur(400), version: 3 });
  });

  it('refuses more than is owed, and a payment for another customer', async () => {
    const invoice = await issuedInvoice(1000);
    const base = { invoice: { expectedState: 'issued' as const, expectedVersion: 2 }, audit: bySystem('webhook') };
    await expect(
      repo.recordPayment({ ...base, payment: aPayment({ id: uid('pay'), customerId: invoice.customerId, invoiceId: invoice.id, amount: eur(1001) }) }),
    ).rejects.toMatchObject({ name: 'ValidationError', field: 'payment.amount' });
    await expect(repo.recordPayment({ ...base, payment: aPayment({ id: uid('pay'), customerId: 'someone-else', invoiceId: invoice.id }) })).rejects.toMatchObject({
      field: 'payment.customerId',
    });
    expect(await repo.get('invoice', invoice.id)).toMatchObject({ state: 'issued', version: 2 });
  });

  it('a payment whose transaction fails writes no payment, no invoice change and no audit event', async () => {
    const invoice = await issuedInvoice(1000);
    const serviceId = uid('svc');
    await createActiveService(repo, aService({ id: serviceId, customerId: invoice.customerId }));
    await repo.transition('service', serviceId, {
      expectedState: 'active',
      expectedVersion: 2,
      to: 'suspended',
      patch: { suspension: { reason: 'violation', since: T0 } },
      audit: bySystem('smartape:2.2.8'),
    });
    const paymentId = uid('pay');
    const attempt = repo.recordPayment({
      payment: aPayment({ id: paymentId, customerId: invoice.customerId, invoiceId: invoice.id }),
      invoice: { expectedState: 'issued', expectedVersion: 2 },
      services: [{ id: serviceId, expectedVersion: 2 }],
      audit: bySystem('webhook'),
    });
    await expect(attempt).rejects.toThrow(StaleStateError);
    expect(await repo.find('payment', paymentId)).toBeUndefined();
    expect(await itemsOf('payment', paymentId)).toEqual([]);
    expect(await repo.get('invoice', invoice.id)).toMatchObject({ state: 'issued', version: 2, amountPaid: eur(0) });
    expect(await repo.history('invoice', invoice.id)).toHaveLength(2);
  });

  it('does not reactivate a service suspended for another reason', async () => {
    const invoice = await issuedInvoice(1000);
    const serviceId = uid('svc');
    await createActiveService(repo, aService({ id: serviceId, customerId: invoice.customerId }));
    await repo.transition('service', serviceId, {
      expectedState: 'active',
      expectedVersion: 2,
      to: 'suspended',
      patch: { suspension: { reason: 'violation', since: T0 } },
      audit: bySystem('smartape:2.2.8'),
    });
    const result = await repo.recordPayment({
      payment: aPayment({ id: uid('pay'), customerId: invoice.customerId, invoiceId: invoice.id }),
      invoice: { expectedState: 'issued', expectedVersion: 2 },
      services: [{ id: serviceId, expectedVersion: 3 }],
      audit: bySystem('webhook'),
    });
    expect(result).toMatchObject({ status: 'recorded', reactivated: [] });
    expect(await repo.get('service', serviceId)).toMatchObject({ state: 'suspended', version: 3 });
  });
});

describe('side-effect claims', () => {
  it('of 20 concurrent claims of one effect exactly one wins; the rest see the winner’s claim', async () => {
    const id = `invoice#${uid('INV')}#reminder#2`;
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => repo.claimSideEffect(id, { attempt: i })));
    const winners = results.filter((r) => r.claimed);
    expect(winners).toHaveLength(1);
    const winner = winners[0]!.claim;
    for (const loser of results.filter((r) => !r.claimed)) expect(loser.claim).toEqual(winner);
    expect(await repo.get('sideEffect', id)).toEqual(winner);
  });

  it('completes once; completing again returns the stored outcome, and the effect stays claimed', async () => {
    const id = `invoice#${uid('INV')}#penalty#1`;
    await repo.claimSideEffect(id, { amount: '1.00 EUR' });
    const done = await repo.completeSideEffect(id, { invoiceLine: 3 });
    expect(done).toMatchObject({ state: 'completed', version: 2, result: { invoiceLine: 3 } });
    expect(await repo.completeSideEffect(id, { invoiceLine: 4 })).toEqual(done);
    expect(await repo.claimSideEffect(id, { amount: '1.00 EUR' })).toEqual({ claimed: false, claim: done });
  });

  it('completing an effect nobody claimed is NotFoundError', async () => {
    await expect(repo.completeSideEffect('refund#none#payout', {})).rejects.toThrow(NotFoundError);
  });
});

describe('queries', () => {
  it('a customer’s timeline lists their records and every state change in time order, and nobody else’s', async () => {
    const customerId = uid('c');
    const other = uid('c');
    const [serviceId, invoiceId] = [uid('svc'), uid('INV')];
    await repo.create('customer', aCustomer({ id: customerId }), bySystem('signup'));
    await repo.create('customer', aCustomer({ id: other }), bySystem('signup'));
    clock.advance(HOUR);
    await repo.create('service', aService({ id: serviceId, customerId, state: 'pending' }), bySystem('order'));
    clock.advance(HOUR);
    await repo.create('invoice', anInvoice({ id: invoiceId, customerId, state: 'draft' }), bySystem('billing-run'));
    clock.advance(HOUR);
    await repo.transition('service', serviceId, { expectedState: 'pending', expectedVersion: 1, to: 'active', audit: bySystem('provisioned') });
    clock.advance(HOUR);
    await repo.transition('invoice', invoiceId, { expectedState: 'draft', expectedVersion: 1, to: 'issued', audit: bySystem('billing-run') });

    const timeline = await repo.customerTimeline(customerId);
    const summary = timeline.map((e) => (e.type === 'auditEvent' ? `${e.record.entity.type} ${e.record.from}→${e.record.to}` : `${e.type} record`));
    expect(summary).toEqual([
      'customer null→active',
      'customer record',
      'service null→pending',
      'service record',
      'invoice null→draft',
      'invoice record',
      'service pending→active',
      'invoice draft→issued',
    ]);
    const times = timeline.map((e) => e.at);
    expect(times).toEqual([...times].sort());
    expect(timeline.every((e) => (e.type === 'auditEvent' ? e.record.customerId : 'customerId' in e.record ? e.record.customerId : e.record.id) === customerId)).toBe(true);
  });

  it('a customer’s records of one type come from their own partition, oldest first, without the audit trail', async () => {
    const customerId = uid('c');
    await repo.create('customer', aCustomer({ id: customerId }), bySystem('signup'));
    const services = [uid('svc'), uid('svc'), uid('svc')];
    for (const id of services) {
      clock.advance(HOUR);
      await repo.create('service', aService({ id, customerId, state: 'pending' }), bySystem('order'));
      await repo.transition('service', id, { expectedState: 'pending', expectedVersion: 1, to: 'active', audit: bySystem('provisioned') });
    }
    await repo.create('invoice', anInvoice({ id: uid('INV'), customerId, state: 'draft' }), bySystem('billing-run'));

    expect((await repo.customerRecords(customerId, 'service')).map((s) => [s.id, s.state])).toEqual(services.map((id) => [id, 'active']));
    expect(await repo.customerRecords(customerId, 'payment')).toEqual([]);
    expect(await repo.customerRecords(uid('nobody'), 'service')).toEqual([]);
    // What the index holds for the services: the three records, none of the customer's eight audit events.
    const { Count, ScannedCount } = await table.client.send(
      new QueryCommand({
        TableName: table.tableName,
        IndexName: 'byCustomer',
        KeyConditionExpression: 'gsi2pk = :pk',
        ExpressionAttributeValues: marshall({ ':pk': `CUSTOMER#${customerId}#service` }),
        Select: 'COUNT',
      }),
    );
    expect({ Count, ScannedCount }).toEqual({ Count: 3, ScannedCount: 3 });
    expect((await repo.customerTimeline(customerId)).filter((e) => e.type === 'auditEvent')).toHaveLength(1 + 2 * services.length + 1);
  });

  it('pending approvals come nearest deadline first, and a decided one leaves the list', async () => {
    const [late, early, decided] = [uid('APR'), uid('APR'), uid('APR')];
    await repo.create('approval', anApproval({ id: late, deadline: '2026-11-20T09:00:00.000Z' }), bySystem('deferral'));
    await repo.create('approval', anApproval({ id: early, deadline: '2026-11-03T09:00:00.000Z' }), bySystem('deferral'));
    await repo.create('approval', anApproval({ id: decided, deadline: '2026-11-01T12:00:00.000Z' }), bySystem('deferral'));
    await repo.transition('approval', decided, {
      expectedState: 'pending',
      expectedVersion: 1,
      to: 'approved',
      patch: { decidedBy: 'staff-2', decidedAt: clock.now().toISOString(), reason: 'known customer' },
      audit: { actor: { type: 'staff', id: 'staff-2' }, rule: 'hostico:IV.Preložitev' },
    });
    const pending = (await repo.pendingApprovals()).map((a) => a.id).filter((id) => [late, early, decided].includes(id));
    expect(pending).toEqual([early, late]);
  });

  it('a customer’s open invoices are those still owed, earliest due first', async () => {
    const customerId = uid('c');
    const ids = { later: uid('INV'), sooner: uid('INV'), paid: uid('INV'), draft: uid('INV'), elsewhere: uid('INV') };
    const issue = async (id: string, owner: string, dueDate: string) => {
      await repo.create('invoice', anInvoice({ id, customerId: owner, state: 'draft', dueDate }), bySystem('billing-run'));
      return repo.transition('invoice', id, { expectedState: 'draft', expectedVersion: 1, to: 'issued', audit: bySystem('billing-run') });
    };
    await issue(ids.later, customerId, '2026-12-15');
    await issue(ids.sooner, customerId, '2026-12-01');
    await issue(ids.paid, customerId, '2026-12-01');
    await issue(ids.elsewhere, uid('c'), '2026-12-01');
    await repo.create('invoice', anInvoice({ id: ids.draft, customerId, state: 'draft' }), bySystem('billing-run'));
    await repo.recordPayment({
      payment: aPayment({ id: uid('pay'), customerId, invoiceId: ids.paid }),
      invoice: { expectedState: 'issued', expectedVersion: 2 },
      audit: bySystem('webhook'),
    });
    expect((await repo.openInvoices(customerId)).map((i) => i.id)).toEqual([ids.sooner, ids.later]);
  });
});
