import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Repository } from '../../functions/data/repository';
import { ValidationError } from '../../functions/domain/errors';
import type { Service } from '../../functions/domain/model';
import { createTestTable, recordCommands, type TestTable } from '../support/dynamodb';
import { T0, aPayment, aService, anInvoice } from '../unit/model/fixtures';
import { bySystem, repositoryOn, steppingClock, uid } from './support';

let table: TestTable;
let repo: Repository;
beforeAll(async () => {
  table = await createTestTable('billing-run');
  repo = repositoryOn(table, steppingClock());
});
afterAll(async () => {
  await table.drop();
});

const DAY = '2026-12-01';
const eur = (amount: number) => ({ amount, currency: 'EUR' });

async function invoiceIn(state: 'draft' | 'issued' | 'partially_paid' | 'overdue' | 'paid' | 'cancelled', dueDate: string): Promise<string> {
  const id = uid('INV');
  const customerId = uid('c');
  await repo.create('invoice', anInvoice({ id, customerId, state: 'draft', issueDate: '2026-11-20', dueDate }), bySystem('billing-run'));
  if (state === 'draft') return id;
  if (state === 'cancelled') {
    await repo.transition('invoice', id, { expectedState: 'draft', expectedVersion: 1, to: 'cancelled', audit: bySystem('staff') });
    return id;
  }
  await repo.transition('invoice', id, { expectedState: 'draft', expectedVersion: 1, to: 'issued', audit: bySystem('billing-run') });
  if (state === 'overdue') await repo.transition('invoice', id, { expectedState: 'issued', expectedVersion: 2, to: 'overdue', audit: bySystem('dunning') });
  if (state === 'partially_paid' || state === 'paid') {
    const amount = eur(state === 'paid' ? 1000 : 250);
    await repo.recordPayment({ payment: aPayment({ id: uid('pay'), customerId, invoiceId: id, amount }), invoice: { expectedState: 'issued', expectedVersion: 2 }, audit: bySystem('webhook') });
  }
  return id;
}

async function serviceIn(state: Service['state'], nextDueDate: string): Promise<string> {
  const id = uid('svc');
  const suspension = state === 'suspended' ? { reason: 'violation' as const, since: T0 } : undefined;
  await repo.create('service', aService({ id, state: 'pending', nextDueDate }), bySystem('order'));
  await repo.transition('service', id, { expectedState: 'pending', expectedVersion: 1, to: 'active', audit: bySystem('provisioned') });
  if (state !== 'active') await repo.transition('service', id, { expectedState: 'active', expectedVersion: 2, to: state, patch: { suspension }, audit: bySystem('x') });
  return id;
}

describe('billing run: what falls due on a date', () => {
  it('reads only the open invoices and billable services due that day, by one Query on the due-date index', async () => {
    const dueInvoices = [
      ...(await Promise.all(Array.from({ length: 4 }, () => invoiceIn('issued', DAY)))),
      await invoiceIn('partially_paid', DAY),
      await invoiceIn('overdue', DAY),
    ];
    const dueServices = [
      ...(await Promise.all(Array.from({ length: 4 }, () => serviceIn('active', DAY)))),
      // Suspended time remains payable (smartape 2.2.10): the renewal is still billed.
      await serviceIn('suspended', DAY),
    ];
    await Promise.all([
      invoiceIn('paid', DAY),
      invoiceIn('cancelled', DAY),
      invoiceIn('draft', DAY),
      serviceIn('terminated', DAY),
      serviceIn('cancelled', DAY),
      ...Array.from({ length: 10 }, (_, i) => invoiceIn('issued', i % 2 === 0 ? '2026-11-30' : '2026-12-02')),
      ...Array.from({ length: 10 }, (_, i) => serviceIn('active', i % 2 === 0 ? '2026-11-30' : '2026-12-02')),
    ]);

    const recorder = recordCommands(table.client);
    const due = await repo.dueOn(DAY);
    recorder.stop();

    expect(due.invoices.map((i) => i.id).sort()).toEqual([...dueInvoices].sort());
    expect(due.services.map((s) => s.id).sort()).toEqual([...dueServices].sort());
    expect(recorder.calls.map((c) => c.command)).toEqual(['QueryCommand']);
    const [query] = recorder.calls;
    expect(query?.input).toMatchObject({ IndexName: 'byDueDate' });
    const itemsDue = dueInvoices.length + dueServices.length;
    expect(query?.output).toMatchObject({ Count: itemsDue, ScannedCount: itemsDue });
  });

  it('refuses a date that is not YYYY-MM-DD', async () => {
    await expect(repo.dueOn('1.12.2026')).rejects.toThrow(new ValidationError('date', 'must be an ISO-8601 date (YYYY-MM-DD)'));
  });
});
