/**
 * The daily billing run: only what falls due on the day is read (one Query on the due-date index,
 * never a scan), each renewal is billed once under a deterministic invoice id, and each invoice gets
 * one dunning execution named by its id.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createRepository } from '../../../functions/data/repository';
import type { AppDeps } from '../../../functions/app/ports';
import type { Invoice, Service } from '../../../functions/domain/model';
import { runBilling } from '../../../functions/lifecycles/invoice-dunning/billing-run';
import { localClient, recordCommands } from '../../support/dynamodb';
import { startTestRuntime, type TestRuntime } from '../../support/runtime';
import { execution, letters, uid } from './support';

const SETUP = { actor: { type: 'system' as const, id: 'test-setup' }, rule: 'test arrangement' };
let rt: TestRuntime | undefined;
afterEach(async () => {
  await rt?.stop();
  rt = undefined;
});

async function activeService(runtime: TestRuntime, customerId: string, overrides: Partial<Service>): Promise<string> {
  const id = uid('svc');
  await runtime.repo.create(
    'service',
    {
      id,
      state: 'pending',
      customerId,
      orderId: uid('ord'),
      provider: runtime.deps.policy.name,
      productKind: 'shared_hosting',
      productCode: 'starter',
      billingCycle: 'monthly',
      price: { amount: 10_000, currency: 'EUR' },
      ...overrides,
    } as Omit<Service, 'version' | 'createdAt' | 'updatedAt'>,
    SETUP,
  );
  await runtime.repo.transition('service', id, { expectedState: 'pending', expectedVersion: 1, to: 'active', audit: SETUP });
  return id;
}

async function customer(runtime: TestRuntime): Promise<{ id: string; email: string }> {
  const id = uid('cust');
  const email = `${id}@example.com`;
  await runtime.repo.create('customer', { id, state: 'active', type: 'consumer', email, name: 'Ana Novak', language: 'en', country: 'SI' }, SETUP);
  return { id, email };
}

/** The run's deps with the clock standing at `at`: a billing day without moving the engine (and the dunning it runs). */
const on = (runtime: TestRuntime, at: string): AppDeps => ({ ...runtime.deps, clock: { now: () => new Date(at) } });

async function dueInvoice(runtime: TestRuntime, customerId: string, id: string, dueDate: string): Promise<Invoice> {
  const serviceId = await activeService(runtime, customerId, {});
  const amount = { amount: 10_000, currency: 'EUR' };
  await runtime.repo.create(
    'invoice',
    {
      id,
      state: 'draft',
      customerId,
      provider: runtime.deps.policy.name,
      kind: 'proforma',
      lines: [{ kind: 'service_period', description: 'Starter hosting', serviceId, periodStart: dueDate, periodEnd: dueDate, amount }],
      total: amount,
      amountPaid: { amount: 0, currency: 'EUR' },
      issueDate: dueDate,
      dueDate,
    },
    SETUP,
  );
  return runtime.repo.transition('invoice', id, { expectedState: 'draft', expectedVersion: 1, to: 'issued', audit: SETUP });
}

async function dunningExecutions(runtime: TestRuntime): Promise<string[]> {
  const listed = await runtime.sfn.listExecutions({ stateMachineArn: runtime.stateMachineArns['invoice-dunning']! });
  return (listed.executions ?? []).map((e) => e.name ?? '').sort();
}

describe('runBilling', () => {
  it('bills each service due that day once, starts one dunning execution per invoice, and reads by one Query', async () => {
    rt = await startTestRuntime({ preset: 'hostico', start: '2026-03-02T09:00:00Z' });
    const c = await customer(rt);
    const due = [
      await activeService(rt, c.id, { nextDueDate: '2026-03-02', paidUntil: '2026-03-01' }),
      await activeService(rt, c.id, { nextDueDate: '2026-03-02', productKind: 'domain', productCode: '.si', billingCycle: 'annual', domain: 'novak.si', price: { amount: 1_500, currency: 'EUR' } }),
    ];
    await activeService(rt, c.id, { nextDueDate: '2026-03-03' });
    await activeService(rt, c.id, { nextDueDate: '2026-03-01' });

    const client = localClient();
    const recorder = recordCommands(client);
    const deps = { ...rt.deps, repo: createRepository({ client, tableName: rt.tableName, clock: rt.clock }) };
    const result = await runBilling(deps, '2026-03-02');
    recorder.stop();
    client.destroy();
    await rt.advance(0);

    expect(result).toEqual({ date: '2026-03-02', itemsRead: 2, itemsDue: 2, invoicesIssued: 2, executionsStarted: 2, executionsEnded: 0 });
    const reads = recorder.calls.filter((c) => c.command === 'QueryCommand' || c.command === 'ScanCommand');
    expect(reads.map((r) => [r.command, r.input.IndexName])).toEqual([['QueryCommand', 'byDueDate']]);

    const [hosting, domain] = due as [string, string];
    const renewal = await rt.repo.get('invoice', `${hosting}-2026-03-02`);
    expect(renewal).toMatchObject({
      state: 'issued',
      issueDate: '2026-03-02',
      dueDate: '2026-03-16',
      total: { amount: 10_000, currency: 'EUR' },
      lines: [expect.objectContaining({ kind: 'service_period', periodStart: '2026-03-02', periodEnd: '2026-04-01' })],
    });
    expect((await rt.repo.get('invoice', `${domain}-2026-03-02`)).lines).toEqual([expect.objectContaining({ kind: 'third_party', productKind: 'domain' })]);
    const run = await execution({ rt, customerId: c.id, email: c.email, invoiceId: renewal.id, serviceIds: [hosting], executionArn: `${rt.stateMachineArns['invoice-dunning']!.replace(':stateMachine:', ':execution:')}:${renewal.id}` });
    expect(run.status).toBe('RUNNING');
    expect((await letters({ rt, email: c.email })).map((l) => l.id).sort()).toEqual([`invoice#${domain}-2026-03-02#issued`, `invoice#${hosting}-2026-03-02#issued`].sort());

    // Both services moved on to their next renewal, so a second run of the day (a retried schedule)
    // finds nothing due: it bills nothing new and starts no second execution.
    expect(await rt.repo.get('service', hosting)).toMatchObject({ nextDueDate: '2026-04-02' });
    expect(await rt.repo.get('service', domain)).toMatchObject({ nextDueDate: '2027-03-02' });
    const again = await runBilling(rt.deps, '2026-03-02');
    expect(again).toMatchObject({ itemsRead: 0, itemsDue: 0, invoicesIssued: 0 });
    const executions = await rt.sfn.listExecutions({ stateMachineArn: rt.stateMachineArns['invoice-dunning']! });
    expect(executions.executions?.map((e) => e.name).sort()).toEqual([`${domain}-2026-03-02`, `${hosting}-2026-03-02`].sort());
  });

  it('runs at the provider\'s local midnight on the clock and dunning starts for the renewal', async () => {
    rt = await startTestRuntime({ preset: 'smartape', start: '2026-03-02T09:00:00Z', billingRun: true });
    const c = await customer(rt);
    const service = await activeService(rt, c.id, { nextDueDate: '2026-03-03' });
    await rt.advance('1d');
    expect(rt.backgroundErrors).toEqual([]);
    expect(await rt.repo.get('invoice', `${service}-2026-03-03`)).toMatchObject({ state: 'issued', issueDate: '2026-03-03' });
    expect((await letters({ rt, email: c.email })).map((l) => [l.id, l.day])).toEqual([[`invoice#${service}-2026-03-03#issued`, '2026-03-03']]);
  });

  it('bills a monthly service on three consecutive billing days for consecutive periods; re-running a day changes nothing', async () => {
    rt = await startTestRuntime({ preset: 'hostico', start: '2026-03-02T09:00:00Z' });
    const c = await customer(rt);
    const service = await activeService(rt, c.id, { nextDueDate: '2026-03-02', paidUntil: '2026-03-01' });

    for (const day of ['2026-03-02', '2026-04-02', '2026-05-02']) {
      expect(await runBilling(on(rt, `${day}T09:00:00Z`), day)).toMatchObject({ itemsDue: 1, invoicesIssued: 1, executionsStarted: 1 });
    }
    const periods = [];
    for (const start of ['2026-03-02', '2026-04-02', '2026-05-02']) {
      const invoice = await rt.repo.get('invoice', `${service}-${start}`);
      const [line] = invoice.lines;
      periods.push(line?.kind === 'service_period' ? [line.periodStart, line.periodEnd] : line?.kind);
    }
    expect(periods).toEqual([
      ['2026-03-02', '2026-04-01'],
      ['2026-04-02', '2026-05-01'],
      ['2026-05-02', '2026-06-01'],
    ]);
    const after = await rt.repo.get('service', service);
    expect(after).toMatchObject({ state: 'active', nextDueDate: '2026-06-02' });
    const moves = (await rt.repo.history('service', service)).filter((e) => e.from === e.to);
    expect(moves.map((e) => [e.to, e.details?.nextDueDate, e.details?.invoiceId])).toEqual([
      ['active', '2026-04-02', `${service}-2026-03-02`],
      ['active', '2026-05-02', `${service}-2026-04-02`],
      ['active', '2026-06-02', `${service}-2026-05-02`],
    ]);

    const executions = await dunningExecutions(rt);
    expect(await runBilling(on(rt, '2026-04-02T09:00:00Z'), '2026-04-02')).toMatchObject({ itemsDue: 0, invoicesIssued: 0, executionsStarted: 0 });
    expect(await rt.repo.get('service', service)).toEqual(after);
    expect(await rt.repo.find('invoice', `${service}-2026-06-02`)).toBeUndefined();
    expect(await dunningExecutions(rt)).toEqual(executions);
  });

  it('a run that stopped between the invoice and the move makes the move on its re-run, once', async () => {
    rt = await startTestRuntime({ preset: 'hostico', start: '2026-03-02T09:00:00Z' });
    const c = await customer(rt);
    const service = await activeService(rt, c.id, { nextDueDate: '2026-03-02' });
    const crashing = { ...rt.deps, repo: { ...rt.repo, update: () => Promise.reject(new Error('Lambda timed out')) } };
    await expect(runBilling(crashing, '2026-03-02')).rejects.toThrow('Lambda timed out');
    expect(await rt.repo.get('service', service)).toMatchObject({ nextDueDate: '2026-03-02', version: 2 });

    expect(await runBilling(rt.deps, '2026-03-02')).toMatchObject({ itemsDue: 1, invoicesIssued: 0, executionsStarted: 1 });
    expect(await rt.repo.get('service', service)).toMatchObject({ nextDueDate: '2026-04-02', version: 3 });
  });

  it('clamps a renewal due on a month end to the next month\'s last day', async () => {
    rt = await startTestRuntime({ preset: 'hostico', start: '2027-01-31T09:00:00Z' });
    const c = await customer(rt);
    const service = await activeService(rt, c.id, { nextDueDate: '2027-01-31' });
    await runBilling(rt.deps, '2027-01-31');
    expect((await rt.repo.get('invoice', `${service}-2027-01-31`)).lines).toEqual([
      expect.objectContaining({ periodStart: '2027-01-31', periodEnd: '2027-02-27' }),
    ]);
    expect(await rt.repo.get('service', service)).toMatchObject({ nextDueDate: '2027-02-28' });
  });

  it('leaves an order\'s first invoice to order-activation while the order is open, and duns a renewal due the same day', async () => {
    rt = await startTestRuntime({ preset: 'hostico', start: '2026-03-02T09:00:00Z' });
    const c = await customer(rt);
    const orderId = uid('ord');
    const price = { amount: 10_000, currency: 'EUR' };
    await rt.repo.create(
      'order',
      {
        id: orderId,
        state: 'received',
        customerId: c.id,
        provider: rt.deps.policy.name,
        items: [{ id: 'item-1', productKind: 'shared_hosting', productCode: 'starter', billingCycle: 'monthly', price, quantity: 1 }],
        total: price,
        placedAt: '2026-02-27T09:00:00Z',
      },
      SETUP,
    );
    await rt.repo.transition('order', orderId, { expectedState: 'received', expectedVersion: 1, to: 'awaiting_payment', audit: SETUP });
    const first = await dueInvoice(rt, c.id, `INV-${orderId}`, '2026-03-02');
    const renewal = await dueInvoice(rt, c.id, uid('INV'), '2026-03-02');

    const result = await runBilling(rt.deps, '2026-03-02');
    expect(result).toMatchObject({ itemsRead: 2, itemsDue: 1, executionsStarted: 1 });
    expect(await dunningExecutions(rt)).toEqual([renewal.id]);
    expect(await rt.repo.get('invoice', first.id)).toEqual(first);
  });
});
