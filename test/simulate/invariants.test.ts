/**
 * The invariant checker on states built directly in the repository: a healthy customer passes, and each
 * broken state the simulator must refuse to call a success is named.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditInput } from '../../functions/data/repository';
import { findViolations } from '../../functions/simulate/invariants';
import { observe, type Observation } from '../../functions/simulate/observe';
import { startTestRuntime, type TestRuntime } from '../support/runtime';

const SETUP: AuditInput = { actor: { type: 'system', id: 'test-setup' }, rule: 'test arrangement' };
const RON = (amount: number) => ({ amount, currency: 'RON' });
let rt: TestRuntime;
let n = 0;

beforeAll(async () => {
  rt = await startTestRuntime({ preset: 'hostico', start: '2026-03-02T08:00:00Z' });
});
afterAll(async () => rt?.stop());

/** A customer with an active service and an issued invoice for it; `paid` pays the invoice in full. */
async function customerWithInvoice(options: { paid: boolean }) {
  const id = `inv-${++n}`;
  const customerId = `C-${id}`;
  const serviceId = `S-${id}`;
  const invoiceId = `I-${id}`;
  await rt.repo.create('customer', { id: customerId, state: 'active', type: 'consumer', name: 'Ana', email: `${id}@example.ro`, language: 'en', country: 'RO' }, SETUP);
  await rt.repo.create(
    'service',
    { id: serviceId, state: 'pending', customerId, orderId: `O-${id}`, provider: 'hostico', productKind: 'shared_hosting', productCode: 'web-s', billingCycle: 'monthly', price: RON(5000) },
    SETUP,
  );
  await rt.repo.transition('service', serviceId, { expectedState: 'pending', expectedVersion: 1, to: 'active', audit: SETUP });
  const line = { kind: 'service_period' as const, description: 'web-s', serviceId, periodStart: '2026-03-02', periodEnd: '2026-04-01', amount: RON(5000) };
  await rt.repo.create(
    'invoice',
    { id: invoiceId, state: 'draft', customerId, provider: 'hostico', kind: 'proforma', lines: [line], total: RON(5000), amountPaid: RON(0), issueDate: '2026-03-02', dueDate: '2026-03-16' },
    SETUP,
  );
  await rt.repo.transition('invoice', invoiceId, { expectedState: 'draft', expectedVersion: 1, to: 'issued', audit: SETUP });
  if (options.paid) {
    await rt.repo.recordPayment({
      payment: { id: `P-${id}`, state: 'received', customerId, invoiceId, amount: RON(5000), method: 'card', receivedAt: rt.clock.now().toISOString() },
      invoice: { expectedState: 'issued', expectedVersion: 2 },
      audit: SETUP,
    });
  }
  return { customerId, serviceId, invoiceId };
}

/** Suspends the service for the invoice, as a buggy dunning step would, regardless of the payment. */
async function suspend(serviceId: string, invoiceId: string) {
  const service = await rt.repo.get('service', serviceId);
  await rt.repo.transition('service', serviceId, {
    expectedState: 'active',
    expectedVersion: service.version,
    to: 'suspended',
    patch: { suspension: { reason: 'non_payment', invoiceId, since: rt.clock.now().toISOString() } },
    audit: { ...SETUP, details: { invoiceId } },
  });
}

const names = (o: Observation) => findViolations(o, rt.deps.policy).map((v) => `${v.invariant} ${v.subject}`);

describe('the invariant checker', () => {
  it('finds nothing wrong with an unpaid invoice whose service is suspended for it', async () => {
    const c = await customerWithInvoice({ paid: false });
    await suspend(c.serviceId, c.invoiceId);
    expect(names(await observe(rt, [c.customerId]))).toEqual([]);
  });

  it('names a service suspended for an invoice paid an hour earlier, with nothing owed', async () => {
    const c = await customerWithInvoice({ paid: true });
    await rt.advance('1h');
    await suspend(c.serviceId, c.invoiceId);
    expect(names(await observe(rt, [c.customerId]))).toEqual([
      `suspended-with-nothing-owed service ${c.serviceId}`,
      `paid-but-suspended-for-it service ${c.serviceId}`,
      `suspended-after-payment service ${c.serviceId}`,
    ]);
  });

  it('keeps hostico’s rule: a service suspended for a paid invoice while another is still owed is not broken', async () => {
    const c = await customerWithInvoice({ paid: false });
    await suspend(c.serviceId, c.invoiceId);
    const other = `${c.invoiceId}-b`;
    const line = { kind: 'service_period' as const, description: 'web-s', serviceId: c.serviceId, periodStart: '2026-04-02', periodEnd: '2026-05-01', amount: RON(5000) };
    await rt.repo.create(
      'invoice',
      { id: other, state: 'draft', customerId: c.customerId, provider: 'hostico', kind: 'proforma', lines: [line], total: RON(5000), amountPaid: RON(0), issueDate: '2026-03-02', dueDate: '2026-03-30' },
      SETUP,
    );
    await rt.repo.transition('invoice', other, { expectedState: 'draft', expectedVersion: 1, to: 'issued', audit: SETUP });
    const invoice = await rt.repo.get('invoice', c.invoiceId);
    await rt.repo.recordPayment({
      payment: { id: `P-${c.invoiceId}`, state: 'received', customerId: c.customerId, invoiceId: c.invoiceId, amount: RON(5000), method: 'card', receivedAt: rt.clock.now().toISOString() },
      invoice: { expectedState: invoice.state, expectedVersion: invoice.version },
      // No service passed to reactivate: hostico brings it back only once everything owed is paid.
      audit: SETUP,
    });
    expect((await rt.repo.get('service', c.serviceId)).state).toBe('suspended');
    expect(names(await observe(rt, [c.customerId]))).toEqual([]);
  });

  it('names an e-mail id the SES emulator accepted twice', async () => {
    const c = await customerWithInvoice({ paid: false });
    const o = await observe(rt, [c.customerId]);
    expect(names({ ...o, sentReferences: ['invoice#I-1#issued', 'invoice#I-1#reminder#1', 'invoice#I-1#issued'] })).toEqual(['email-sent-twice e-mail invoice#I-1#issued']);
  });

  it('names a paid invoice whose dunning execution still waits, unless it waits to reactivate in business hours', async () => {
    const c = await customerWithInvoice({ paid: true });
    const o = await observe(rt, [c.customerId]);
    const running = (currentState: string) => ({ ...o, executions: [{ workflow: 'invoice-dunning' as const, name: c.invoiceId, status: 'RUNNING', startedAt: '2026-03-02T08:00:00.000Z', currentState }] });
    expect(names(running('WaitForPaymentOrDeadline'))).toEqual([`paid-invoice-still-in-dunning invoice ${c.invoiceId}`]);
    expect(names(running('WaitForReactivationHours'))).toEqual([]);
  });
});
