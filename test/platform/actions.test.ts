/**
 * The domain actions behind the HTTP API, over HTTP on the local runtime: signed webhooks reach the
 * lifecycle intake modules once per event id (their implementations are replaced by recorders here,
 * so this file tests the platform's wiring, not the lifecycles), and the staff actions read and
 * decide approvals and draw a customer's timeline.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createApprovalsHandler } from '../../functions/app/approvals-handler';
import * as invoiceDunning from '../../functions/lifecycles/invoice-dunning/intake';
import * as orderActivation from '../../functions/lifecycles/order-activation/intake';
import * as refund from '../../functions/lifecycles/refund/intake';
import * as withdrawal from '../../functions/lifecycles/withdrawal/intake';
import { fixtures } from '../notifications/fixtures';
import { EXAMPLE_EVENTS } from '../http/support/webhook-events';
import { startTestRuntime, type TestRuntime } from '../support/runtime';
import { approvalWorkflow, createCustomer, refundContext, START } from './fixtures';

vi.mock('../../functions/lifecycles/order-activation/intake', () => ({
  placeOrder: vi.fn(async (_deps, e) => ({ entity: 'order', entityId: e.data.orderId, execution: e.data.orderId })),
  recordProvisioningResult: vi.fn(async (_deps, e) => ({ entity: 'provisioning_command', entityId: e.data.commandId })),
}));
vi.mock('../../functions/lifecycles/invoice-dunning/intake', () => ({
  recordPayment: vi.fn(async (_deps, e) => ({ entity: 'payment', entityId: e.data.paymentId })),
  requestDeferral: vi.fn(async (_deps, e) => ({ entity: 'deferral', entityId: e.data.deferralRequestId })),
}));
vi.mock('../../functions/lifecycles/refund/intake', () => ({
  requestRefund: vi.fn(async (_deps, e) => ({ entity: 'refund', entityId: e.data.refundRequestId })),
}));
vi.mock('../../functions/lifecycles/withdrawal/intake', () => ({
  requestWithdrawal: vi.fn(async (_deps, e) => ({ entity: 'withdrawal', entityId: e.data.withdrawalRequestId })),
}));

const INTAKE = {
  'order.placed': orderActivation.placeOrder,
  'provisioning.result': orderActivation.recordProvisioningResult,
  'payment.received': invoiceDunning.recordPayment,
  'deferral.requested': invoiceDunning.requestDeferral,
  'refund.requested': refund.requestRefund,
  'withdrawal.requested': withdrawal.requestWithdrawal,
} as const;

let rt: TestRuntime;
let workflowsDir: string;

beforeAll(async () => {
  workflowsDir = mkdtempSync(join(tmpdir(), 'hostcycle-workflows-'));
  writeFileSync(join(workflowsDir, 'refund.asl.json'), approvalWorkflow());
  rt = await startTestRuntime({ preset: 'hostico', start: START, workflowsDir });
});
afterAll(async () => {
  await rt.stop();
  rmSync(workflowsDir, { recursive: true, force: true });
});
beforeEach(() => {
  vi.clearAllMocks();
});

describe('storefront webhooks', () => {
  it.each(Object.keys(INTAKE) as (keyof typeof INTAKE)[])('delivers a signed %s to its lifecycle intake with the app deps', async (type) => {
    const event = EXAMPLE_EVENTS[type];
    const answer = await rt.webhook(event);

    expect(answer).toMatchObject({ status: 202, body: { eventId: event.eventId, type } });
    expect(INTAKE[type]).toHaveBeenCalledTimes(1);
    expect(vi.mocked(INTAKE[type]).mock.calls[0]?.[0]).toBe(rt.deps);
    expect(vi.mocked(INTAKE[type]).mock.calls[0]?.[1]).toMatchObject({ eventId: event.eventId, type });
  });

  it('runs the action once for the same webhook delivered five times, answering every redelivery alike', async () => {
    const event = { ...EXAMPLE_EVENTS['payment.received'], eventId: 'evt-five-times' };
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await rt.webhook(event));

    expect(invoiceDunning.recordPayment).toHaveBeenCalledTimes(1);
    expect(answers.map((a) => a.status)).toEqual([202, 200, 200, 200, 200]);
    expect(answers[4]?.headers.get('hostcycle-duplicate')).toBe('true');
    expect(answers[4]?.body).toEqual(answers[0]?.body);
  });

  it('refuses an event id reused with another body', async () => {
    await rt.webhook({ ...EXAMPLE_EVENTS['refund.requested'], eventId: 'evt-reused' });
    const reused = await rt.webhook({ ...EXAMPLE_EVENTS['deferral.requested'], eventId: 'evt-reused' });
    expect(reused.status).toBe(409);
    expect(invoiceDunning.requestDeferral).not.toHaveBeenCalled();
  });

  it('lets the redelivery of a failed event run the action again', async () => {
    vi.mocked(refund.requestRefund).mockRejectedValueOnce(new Error('DynamoDB was throttled'));
    const event = { ...EXAMPLE_EVENTS['refund.requested'], eventId: 'evt-failed-once' };
    vi.spyOn(console, 'error').mockImplementation(() => undefined);

    expect((await rt.webhook(event)).status).toBe(500);
    expect((await rt.webhook(event)).status).toBe(202);
    expect(refund.requestRefund).toHaveBeenCalledTimes(2);
  });
});

describe('staff actions', () => {
  const substitutions = { ApprovalsFunction: 'hostcycle-approvals' };
  let machine: string;
  beforeAll(async () => {
    machine = (await rt.sfn.registerStateMachine('staff-approval-probe', approvalWorkflow(), substitutions)).stateMachineArn as string;
    await createCustomer(rt.repo, 'C-staff', { name: 'Ana Novak', email: 'ana.novak@example.si' });
  });

  async function requestApproval(approvalId: string, hours: number, kind: 'refund' | 'deferral' = 'refund') {
    const deadline = new Date(rt.clock.nowMs() + hours * 3_600_000).toISOString();
    if (kind === 'refund') {
      await rt.sfn.startExecution({ stateMachineArn: machine, name: approvalId, input: JSON.stringify({ approvalId, customerId: 'C-staff', context: refundContext, deadline }) });
      await rt.sfn.whenIdle();
      return;
    }
    await createApprovalsHandler(rt.deps)({
      step: 'RequestApproval',
      approvalId,
      kind,
      customerId: 'C-staff',
      context: { subject: { type: 'invoice', id: 'INV-3' }, summary: 'Deferral of 20 days, beyond the 14 the policy grants' },
      deadline,
      defaultOutcome: 'rejected',
      taskToken: `token-${approvalId}`,
    });
  }

  it('lists pending approvals nearest deadline first, with the refund breakdown, amount, reasons and customer', async () => {
    await requestApproval('L-late', 72);
    await requestApproval('L-soon', 24);
    await requestApproval('L-deferral', 48, 'deferral');

    const page = await rt.staff('/staff/approvals');

    expect(page.status).toBe(200);
    expect(page.body.items.map((a: { approvalId: string }) => a.approvalId)).toEqual(['L-soon', 'L-deferral', 'L-late']);
    expect(page.body.items[0]).toEqual({
      approvalId: 'L-soon',
      kind: 'refund',
      status: 'pending',
      subject: { entity: 'refund', entityId: 'R-1' },
      customer: { customerId: 'C-staff', displayName: 'Ana Novak', type: 'consumer', country: 'SI' },
      requestedAt: START,
      expiresAt: '2026-03-03T09:00:00.000Z',
      outcomeOnTimeout: 'reject',
      reasons: refundContext.details.reasons,
      amount: { amount: 2500, currency: 'EUR' },
      breakdown: refundContext.details.breakdown.map(({ label, amount }) => ({ label, amount })),
    });
    expect(page.body.items[1]).toMatchObject({
      kind: 'deferral',
      reasons: [{ rule: 'deferral', explanation: 'Deferral of 20 days, beyond the 14 the policy grants' }],
    });
    expect(page.body.items[1]).not.toHaveProperty('breakdown');
  });

  it('filters by kind and pages with an opaque cursor', async () => {
    const refunds = await rt.staff('/staff/approvals?kind=refund&limit=1');
    expect(refunds.body.items.map((a: { approvalId: string }) => a.approvalId)).toEqual(['L-soon']);
    expect(refunds.body.nextCursor).toEqual(expect.any(String));

    const next = await rt.staff(`/staff/approvals?kind=refund&limit=1&cursor=${refunds.body.nextCursor}`);
    expect(next.body).toEqual({ items: [expect.objectContaining({ approvalId: 'L-late' })], nextCursor: null });
  });

  it('decides as the staff member of the token, and the approval leaves the list', async () => {
    const answer = await rt.staff('/staff/approvals/L-soon/decision', { method: 'POST', body: { decision: 'approve', reason: 'breakdown is right' }, token: rt.staffToken('staff-bojan') });

    expect(answer).toMatchObject({ status: 200, body: { status: 'approved', decidedBy: { staffId: 'staff-bojan' } } });
    const list = await rt.staff('/staff/approvals');
    expect(list.body.items.map((a: { approvalId: string }) => a.approvalId)).toEqual(['L-deferral', 'L-late']);
  });

  it("draws a customer's timeline newest first: state changes, e-mails and workflow states", async () => {
    await rt.advance('1h');
    await rt.deps.mailer.send({ id: 'refund#R-1#approved', template: 'order_received', language: 'en', to: 'ana.novak@example.si', vars: fixtures.order_received.vars });
    await rt.deps.workflows.start('refund', 'R-1', { approvalId: 'T-refund', customerId: 'C-staff', context: refundContext, deadline: '2026-03-09T09:00:00.000Z' });
    await rt.repo.create(
      'refund',
      {
        id: 'R-1',
        state: 'requested',
        customerId: 'C-staff',
        provider: 'hostico',
        serviceIds: ['S-1'],
        requestedAt: '2026-03-02T10:00:00.000Z',
        amount: { amount: 2500, currency: 'EUR' },
        breakdown: refundContext.details.breakdown,
        destination: { kind: 'original_method' },
      },
      { actor: { type: 'customer', id: 'C-staff' }, rule: 'hostico:IV. Vračilo denarja' },
    );
    await rt.sfn.whenIdle();

    const timeline = await rt.staff('/staff/customers/C-staff/timeline');

    expect(timeline.status).toBe(200);
    const entries = timeline.body.entries as { at: string; kind: string; summary: string; entity: { type: string; id: string }; actor: { id: string }; rule: string | null }[];
    expect([...entries].sort((a, b) => b.at.localeCompare(a.at))).toEqual(entries);
    expect(entries.find((e) => e.kind === 'workflow')).toMatchObject({ entity: { type: 'refund', id: 'R-1' }, summary: 'refund R-1: RUNNING at WaitForStaffDecision' });
    expect(entries.find((e) => e.kind === 'email')).toMatchObject({ at: '2026-03-02T10:00:00.000Z', entity: { type: 'refund', id: 'R-1' } });
    expect(entries.find((e) => e.kind === 'audit' && e.entity.type === 'refund')).toMatchObject({
      summary: 'refund R-1 created as requested; amount 25.00 EUR',
      rule: 'hostico:IV. Vračilo denarja',
    });
    expect(entries.find((e) => e.kind === 'audit' && e.entity.id === 'L-soon' && e.actor.id === 'staff-bojan')).toMatchObject({ summary: 'approval L-soon pending → approved' });
    expect(entries.find((e) => e.entity.type === 'customer')).toMatchObject({ kind: 'audit', summary: 'customer C-staff created as active', at: START });
  });

  it("keeps another customer's e-mails off the timeline when both share one address", async () => {
    await createCustomer(rt.repo, 'C-sibling', { name: 'Ana Novak (company)', email: 'ana.novak@example.si' });
    await rt.deps.mailer.send({ id: 'customer#C-sibling#notice', template: 'order_received', language: 'en', to: 'ana.novak@example.si', vars: fixtures.order_received.vars });

    const mine = (await rt.staff('/staff/customers/C-staff/timeline?limit=100')).body.entries as { kind: string; entity: { id: string } }[];
    const theirs = (await rt.staff('/staff/customers/C-sibling/timeline?limit=100')).body.entries as { kind: string; entity: { id: string } }[];

    expect(mine.filter((e) => e.kind === 'email').map((e) => e.entity.id)).toEqual(['R-1']);
    expect(theirs.filter((e) => e.kind === 'email').map((e) => e.entity.id)).toEqual(['C-sibling']);
  });

  it('pages the timeline with a cursor, one entry at a time if asked, even through entries of the same instant', async () => {
    for (const n of [1, 2]) {
      await rt.deps.mailer.send({ id: `refund#R-1#reminder#${n}`, template: 'order_received', language: 'en', to: 'ana.novak@example.si', vars: fixtures.order_received.vars });
    }
    const all = (await rt.staff('/staff/customers/C-staff/timeline?limit=100')).body.entries;
    const paged = [];
    let cursor: string | null = null;
    do {
      const page = await rt.staff(`/staff/customers/C-staff/timeline?limit=1${cursor === null ? '' : `&cursor=${cursor}`}`);
      paged.push(...page.body.entries);
      cursor = page.body.nextCursor;
    } while (cursor !== null && paged.length <= all.length);
    expect(paged).toEqual(all);
    expect(all.filter((e: { kind: string }) => e.kind === 'email')).toHaveLength(3);
  });

  it('filters the timeline by time', async () => {
    const all = (await rt.staff('/staff/customers/C-staff/timeline?limit=100')).body.entries;

    const recent = await rt.staff('/staff/customers/C-staff/timeline?since=2026-03-02T10:00:00Z');
    expect(recent.body.entries.length).toBeGreaterThan(0);
    expect(recent.body.entries.every((e: { at: string }) => e.at >= '2026-03-02T10:00:00.000Z')).toBe(true);
    expect(recent.body.entries.length).toBeLessThan(all.length);
  });

  it('answers 404 for a customer that does not exist', async () => {
    expect((await rt.staff('/staff/customers/C-nobody/timeline')).status).toBe(404);
  });
});
