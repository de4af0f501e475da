/**
 * The daily billing run: only what falls due on the day is read (one Query on the due-date index,
 * never a scan), each renewal is billed once under a deterministic invoice id, and each invoice gets
 * one dunning execution named by its id.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createRepository } from '../../../functions/data/repository';
import type { Service } from '../../../functions/domain/model';
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

    // A second run of the day (a retried schedule) bills nothing new and starts no second execution.
    const again = await runBilling(rt.deps, '2026-03-02');
    expect(again).toMatchObject({ itemsDue: 2, invoicesIssued: 0 });
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
});
