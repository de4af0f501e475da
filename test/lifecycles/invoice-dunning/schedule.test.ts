/**
 * The dunning timeline as pure data (no network): which actions an invoice leads to under each preset,
 * and how a deferral moves them. The scenario tests run the same timeline on the engine.
 */
import { describe, expect, it } from 'vitest';
import type { Deferral, Invoice, Service } from '../../../functions/domain/model';
import { getPreset } from '../../../functions/domain/policy';
import type { ProductKind } from '../../../functions/domain/product';
import { createInvoiceDunningHandler } from '../../../functions/lifecycles/invoice-dunning/handler';
import { dunningTimeline } from '../../../functions/lifecycles/invoice-dunning/schedule';
import { ValidationError } from '../../../functions/domain/errors';
import type { AppDeps } from '../../../functions/app/ports';
import { aDeferral, aService, anInvoice } from '../../unit/model/fixtures';

const service = (id: string, productKind: ProductKind): Service => aService({ id, productKind });
const invoice = (services: Service[], dates: Pick<Invoice, 'issueDate' | 'dueDate'>): Invoice =>
  anInvoice({
    ...dates,
    lines: services.map((s) =>
      s.productKind === 'domain'
        ? { kind: 'third_party', description: 'novak.si', serviceId: s.id, productKind: 'domain', amount: { amount: 1_000, currency: 'EUR' } }
        : { kind: 'service_period', description: 'hosting', serviceId: s.id, periodStart: dates.issueDate, periodEnd: dates.issueDate, amount: { amount: 1_000, currency: 'EUR' } },
    ),
    total: { amount: 1_000 * services.length, currency: 'EUR' },
  });
const keysAndInstants = (t: ReturnType<typeof dunningTimeline>) => t.actions.map((a) => [a.key, a.at]);

describe('the dunning timeline', () => {
  const hosting = service('svc-h', 'shared_hosting');
  const domain = service('svc-d', 'domain');
  const hostico = getPreset('hostico');

  it('hostico: reminders at 09:00 local, overdue and suspension as the due day and the 7th day after it end, deletion after 30 days', () => {
    const t = dunningTimeline(hostico, invoice([hosting], { issueDate: '2026-03-02', dueDate: '2026-03-16' }), [hosting]);
    expect(keysAndInstants(t)).toEqual([
      ['reminder-1', '2026-03-13T07:00:00.000Z'],
      ['overdue', '2026-03-16T21:59:59.999Z'],
      ['reminder-2', '2026-03-17T07:00:00.000Z'],
      ['reminder-3', '2026-03-21T07:00:00.000Z'],
      ['suspend', '2026-03-23T21:59:59.999Z'],
      ['final-warning', '2026-03-31T06:00:00.000Z'],
      ['end-contract', '2026-04-15T20:59:59.999Z'],
    ]);
    expect(t.end).toMatchObject({ kind: 'deletion', days: 30, from: 'due_date', clause: '004 IV. Neplačilo' });
  });

  it('hostico: a domain expires at the due date and is never suspended or deleted; the hosting beside it is', () => {
    const t = dunningTimeline(hostico, invoice([hosting, domain], { issueDate: '2026-03-02', dueDate: '2026-03-16' }), [hosting, domain]);
    expect(t.expiring.map((s) => s.id)).toEqual(['svc-d']);
    expect(t.suspendable.map((s) => s.id)).toEqual(['svc-h']);
    const domainOnly = dunningTimeline(hostico, invoice([domain], { issueDate: '2026-03-02', dueDate: '2026-03-16' }), [domain]);
    expect(domainOnly.actions.map((a) => a.kind)).toEqual(['reminder', 'overdue', 'reminder']);
  });

  it('hostico: a deferral to 26 March moves the suspension and everything after the due date by the same 3 days', () => {
    const inv = invoice([hosting], { issueDate: '2026-03-02', dueDate: '2026-03-16' });
    const deferral: Deferral = aDeferral({ invoiceId: inv.id, state: 'granted', originalDueDate: '2026-03-16', requestedUntil: '2026-03-26', grantedUntil: '2026-03-26' });
    const before = dunningTimeline(hostico, inv, [hosting]);
    const after = dunningTimeline(hostico, inv, [hosting], deferral);
    const shift = (key: string) => Date.parse(after.actions.find((a) => a.key === key)!.at) - Date.parse(before.actions.find((a) => a.key === key)!.at);
    expect(after.suspendAt).toBe('2026-03-26T21:59:59.999Z');
    expect(['suspend', 'final-warning', 'end-contract', 'reminder-2', 'reminder-3'].map(shift)).toEqual(Array(5).fill(3 * 24 * 3600 * 1000));
    expect(['reminder-1', 'overdue'].map(shift)).toEqual([0, 0]);
  });

  it('smartape: suspension at the due date itself (no grace, 2.2.5) and termination 20 days from the invoice date', () => {
    const t = dunningTimeline(getPreset('smartape'), invoice([hosting], { issueDate: '2026-03-02', dueDate: '2026-03-09' }), [hosting]);
    const at = (key: string) => t.actions.find((a) => a.key === key)?.at;
    expect(at('suspend')).toBe(at('overdue'));
    expect(t.actions.map((a) => a.key).indexOf('overdue')).toBeLessThan(t.actions.map((a) => a.key).indexOf('suspend'));
    expect(t.end).toMatchObject({ kind: 'termination', at: '2026-03-22T21:59:59.999Z', from: 'invoice_date' });
  });

  it('secom: reminders and the due date only', () => {
    const t = dunningTimeline(getPreset('secom'), invoice([hosting], { issueDate: '2026-03-02', dueDate: '2026-03-10' }), [hosting]);
    expect(t.actions.map((a) => a.kind)).toEqual(['reminder', 'reminder', 'overdue', 'reminder']);
    expect(t.suspension).toBeNull();
    expect(t.end).toBeNull();
  });
});

describe('the steps handler', () => {
  it('refuses a task input it does not know, naming the field, before touching anything', async () => {
    const handler = createInvoiceDunningHandler({} as AppDeps);
    await expect(handler({ step: 'SuspendService', invoiceId: 'INV-1', done: [] })).rejects.toThrow(ValidationError);
    await expect(handler({ step: 'Teleport', invoiceId: 'INV-1' })).rejects.toMatchObject({ field: expect.stringContaining('step') });
  });
});
