/**
 * What a retried step, a repeated start or a second request does to a refund: nothing twice
 * (ARCHITECTURE.md invariants 2 and 3). The steps are called directly with the runtime's deps, as
 * the engine's Retry would call them again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromMajor } from '../../../functions/domain/money';
import { completeRefund, computeRefundStep, issueCreditNote, payOutRefund } from '../../../functions/lifecycles/refund/steps';
import { startTestRuntime, type TestRuntime } from '../../support/runtime';
import { decide, requestRefund, seedPaidService, uid } from './support';

const RON = (m: string) => fromMajor(m, 'RON');

describe('hostico: refund steps run twice', () => {
  let rt: TestRuntime;
  beforeAll(async () => {
    rt = await startTestRuntime({ preset: 'hostico', start: '2026-02-09T13:00:00Z' });
  });
  afterAll(async () => rt.stop());

  it('replays ComputeRefund from the record instead of deciding again', async () => {
    const paid = await seedPaidService(rt, { price: RON('240.00'), activatedAt: '2026-01-10T08:00:00Z' });
    const refundId = await requestRefund(rt, paid);
    const before = await rt.repo.get('refund', refundId);

    const again = await computeRefundStep(rt.deps, { refundId });

    expect(again).toMatchObject({ outcome: 'needs_approval', amount: RON('240.00'), approval: { approvalId: `refund:${refundId}` } });
    expect(await rt.repo.get('refund', refundId)).toEqual(before);
  });

  it('issues one credit note and one payout however often the money steps run', async () => {
    const paid = await seedPaidService(rt, { price: RON('240.00'), activatedAt: '2026-01-10T08:00:00Z' });
    const refundId = await requestRefund(rt, paid);
    await decide(rt, `refund:${refundId}`, 'approve');

    expect(await issueCreditNote(rt.deps, { refundId })).toEqual({ creditNoteId: `CN-${refundId}` });
    const first = rt.payments.payouts.find((p) => p.refundId === refundId);
    expect(await payOutRefund(rt.deps, { refundId })).toEqual({ payoutId: first?.payoutId });
    expect(await completeRefund(rt.deps, { refundId })).toEqual({ state: 'completed' });
    expect(rt.payments.payouts.filter((p) => p.refundId === refundId)).toHaveLength(1);
    expect((await rt.repo.history('invoice', `CN-${refundId}`)).map((e) => e.to)).toEqual(['draft', 'issued']);
    expect((await rt.repo.history('refund', refundId)).filter((e) => e.to === 'completed')).toHaveLength(1);
  });

  it('records a request delivered again under a new event id once and keeps its one execution', async () => {
    const paid = await seedPaidService(rt, { price: RON('240.00'), activatedAt: '2026-01-10T08:00:00Z' });
    const refundId = await requestRefund(rt, paid);
    const again = await rt.webhook({
      eventId: uid('evt-refund'),
      type: 'refund.requested',
      occurredAt: rt.clock.now().toISOString(),
      data: { refundRequestId: refundId, customerId: paid.customerId, serviceId: paid.serviceId, requestedAt: rt.clock.now().toISOString() },
    });
    expect(again.status, JSON.stringify(again.body)).toBe(202);
    await rt.advance('1s');

    expect((await rt.repo.history('refund', refundId)).map((e) => e.to)).toEqual(['requested', 'awaiting_approval']);
    const list = await rt.sfn.listExecutions({ stateMachineArn: rt.stateMachineArns.refund });
    expect((list.executions ?? []).filter((e) => e.name === refundId)).toHaveLength(1);
  });

  it('refuses a request for another customer\'s service and records nothing', async () => {
    const paid = await seedPaidService(rt, { price: RON('240.00'), activatedAt: '2026-01-10T08:00:00Z' });
    const other = await seedPaidService(rt, { price: RON('240.00'), activatedAt: '2026-01-10T08:00:00Z' });
    const refundId = uid('RF');
    const answer = await rt.webhook({
      eventId: uid('evt-refund'),
      type: 'refund.requested',
      occurredAt: rt.clock.now().toISOString(),
      data: { refundRequestId: refundId, customerId: paid.customerId, serviceId: other.serviceId, requestedAt: rt.clock.now().toISOString() },
    });

    expect(answer.status).toBe(400);
    expect(answer.body.issues).toEqual([{ field: 'data.serviceId', reason: `service ${other.serviceId} does not belong to customer ${paid.customerId}` }]);
    expect(await rt.repo.find('refund', refundId)).toBeUndefined();
  });
});
