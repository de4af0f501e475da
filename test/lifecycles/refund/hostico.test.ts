/**
 * Hostico refunds (004 IV. Vračilo denarja): the amount by the policy with its breakdown, staff
 * approval, the credit note, one payout, and the e-mails, on the virtual clock.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromMajor } from '../../../functions/domain/money';
import { startTestRuntime, type TestRuntime } from '../../support/runtime';
import { decide, executionStatus, mailTo, pathTaken, pendingApproval, requestRefund, seedPaidService, seedUnpaidProforma, statesEntered } from './support';

const VRACILO = '004 IV. Vračilo denarja';
const RON = (m: string) => fromMajor(m, 'RON');
// Monday 9 February 2026, 15:00 in Bucharest: day 30 after an activation on 10 January.
const DAY_30 = '2026-02-09T13:00:00Z';
const ACTIVATED = '2026-01-10T08:00:00Z';

const APPROVED_AND_PAID = [
  'ComputeRefund',
  'IsRefundDue',
  'ProcessRefundWithinDeadline',
  'NeedsApproval',
  'WaitForStaffApproval',
  'RecordApprovalDecision',
  'IsApproved',
  'SendRefundApproved',
  'IssueCreditNote',
  'PayOutRefund',
  'CompleteRefund',
  'SendRefundPaid',
  'RefundClosed',
];
const DEADLINE_MET = ['IsDeadlineTracked', 'WaitUntilDeadlineAlert', 'CheckProcessingDeadline', 'IsDeadlineAtRisk', 'DeadlineMet'];

describe('hostico: a refund requested within 30 days of activation', () => {
  let rt: TestRuntime;
  beforeAll(async () => {
    rt = await startTestRuntime({ preset: 'hostico', start: DAY_30 });
  });
  afterAll(async () => rt.stop());

  it('is refunded in full after staff approve the breakdown, with a credit note, one payout and two e-mails', async () => {
    const paid = await seedPaidService(rt, { price: RON('240.00'), activatedAt: ACTIVATED });
    const refundId = await requestRefund(rt, paid);

    const waiting = await rt.repo.get('refund', refundId);
    expect(waiting).toMatchObject({ state: 'awaiting_approval', amount: RON('240.00'), approvalId: `refund:${refundId}` });
    expect(waiting.breakdown).toEqual([{ label: 'web-s: full refund within 30 days of activation', amount: RON('240.00'), clause: VRACILO }]);
    const approval = await pendingApproval(rt, `refund:${refundId}`);
    expect(approval).toMatchObject({ kind: 'refund', amount: RON('240.00'), outcomeOnTimeout: 'approve' });
    expect(approval?.breakdown).toEqual([{ label: 'web-s: full refund within 30 days of activation', amount: RON('240.00') }]);

    await rt.advance('2h');
    await decide(rt, `refund:${refundId}`, 'approve');

    const refund = await rt.repo.get('refund', refundId);
    expect(refund).toMatchObject({ state: 'completed', creditNoteId: `CN-${refundId}`, destination: { kind: 'original_method', details: `payment ${paid.paymentId}` } });
    expect(await rt.repo.get('invoice', `CN-${refundId}`)).toMatchObject({
      kind: 'credit_note',
      state: 'issued',
      creditsInvoiceId: paid.invoiceId,
      total: RON('-240.00'),
    });
    expect(rt.payments.payouts.filter((p) => p.refundId === refundId)).toEqual([
      expect.objectContaining({ id: `refund#${refundId}#payout`, amount: RON('240.00'), destination: `original method (payment ${paid.paymentId})` }),
    ]);
    const audit = await rt.repo.history('refund', refundId);
    expect(audit.map((e) => [e.from, e.to, e.actor.type, e.rule])).toEqual([
      [null, 'requested', 'customer', VRACILO],
      ['requested', 'awaiting_approval', 'system', 'hostcycle default'],
      ['awaiting_approval', 'approved', 'staff', VRACILO],
      ['approved', 'completed', 'system', VRACILO],
    ]);
    const mail = await mailTo(rt, paid.email);
    expect(mail.map((m) => m.subject)).toEqual([`Refund ${refundId} approved: RON 240.00`, `Refund ${refundId} paid: RON 240.00`]);
    expect(mail[0]?.text).toContain(VRACILO);

    // The deadline watch still runs: on the last working day it finds the refund paid and ends quietly.
    expect(await executionStatus(rt, 'refund', refundId)).toBe('RUNNING');
    await rt.advance('30d');
    expect(await executionStatus(rt, 'refund', refundId)).toBe('SUCCEEDED');
    expect(await pathTaken(rt, 'refund', refundId, APPROVED_AND_PAID)).toEqual(APPROVED_AND_PAID);
    expect(await pathTaken(rt, 'refund', refundId, DEADLINE_MET)).toEqual(DEADLINE_MET);
    expect(await pendingApproval(rt, `refund:${refundId}:deadline-alert`)).toBeUndefined();
  });
});

describe('hostico: a refund requested on day 31', () => {
  let rt: TestRuntime;
  beforeAll(async () => {
    // Tuesday 10 February 2026, 09:00 in Bucharest: an hour before the month day of the 10:00 activation.
    rt = await startTestRuntime({ preset: 'hostico', start: '2026-02-10T07:00:00Z' });
  });
  afterAll(async () => rt.stop());

  it('is computed as the remaining whole months only: 11 of 12 → RON 220.00', async () => {
    const paid = await seedPaidService(rt, { price: RON('240.00'), activatedAt: ACTIVATED });
    const refundId = await requestRefund(rt, paid);

    const refund = await rt.repo.get('refund', refundId);
    expect(refund).toMatchObject({ state: 'awaiting_approval', amount: RON('220.00') });
    expect(refund.breakdown).toEqual([{ label: 'web-s: 11 remaining whole month(s) of 12', amount: RON('220.00'), clause: VRACILO }]);
  });

  it('tells the customer why when staff reject it, quoting their reason and the blocking clause', async () => {
    const paid = await seedPaidService(rt, { price: RON('240.00'), activatedAt: ACTIVATED });
    const refundId = await requestRefund(rt, paid);
    await decide(rt, `refund:${refundId}`, 'reject', 'chargeback abuse on the account');

    const refund = await rt.repo.get('refund', refundId);
    expect(refund.state).toBe('rejected');
    const audit = await rt.repo.history('refund', refundId);
    expect(audit.at(-1)).toMatchObject({ from: 'awaiting_approval', to: 'rejected', actor: { type: 'staff', id: 'staff-local' }, rule: `${VRACILO}; IV. Kampanje` });
    const [mail] = await mailTo(rt, paid.email);
    expect(mail?.subject).toBe(`Refund request ${refundId} declined`);
    // The staff member's reason verbatim (reason code staff_decision), not mapped to a coded policy reason.
    expect(mail?.text).toContain('declined it, stating: "chargeback abuse on the account"');
    expect(mail?.text).not.toContain('violation of our terms');
    expect(mail?.text).toContain(`${VRACILO}; IV. Kampanje`);
    expect(rt.payments.payouts.filter((p) => p.refundId === refundId)).toEqual([]);
    expect(await rt.repo.find('invoice', `CN-${refundId}`)).toBeUndefined();
    expect(await pathTaken(rt, 'refund', refundId, ['WaitForStaffApproval', 'RecordApprovalDecision', 'IsApproved', 'SendRefundRejectedByStaff', 'SendRefundApproved'])).toEqual([
      'WaitForStaffApproval',
      'RecordApprovalDecision',
      'IsApproved',
      'SendRefundRejectedByStaff',
    ]);
  });
});

describe('hostico: what the policy deducts or never refunds', () => {
  let rt: TestRuntime;
  beforeAll(async () => {
    rt = await startTestRuntime({ preset: 'hostico', start: DAY_30 });
  });
  afterAll(async () => rt.stop());

  it('rejects a refund of a domain at once: a third-party service is never refunded', async () => {
    const paid = await seedPaidService(rt, { productKind: 'domain', productCode: 'domain-ro', domain: 'novak.ro', price: RON('50.00'), activatedAt: ACTIVATED });
    const refundId = await requestRefund(rt, paid);

    const refund = await rt.repo.get('refund', refundId);
    expect(refund).toMatchObject({ state: 'rejected', amount: RON('0.00') });
    expect(refund.breakdown).toEqual([{ label: 'domain-ro (novak.ro): third-party service, not refundable', amount: RON('0.00'), clause: VRACILO }]);
    const [mail] = await mailTo(rt, paid.email);
    expect(mail?.subject).toBe(`Refund request ${refundId} declined`);
    expect(mail?.text).toContain('a third-party service bought through us');
    expect(await statesEntered(rt, 'refund', refundId)).toEqual(['ComputeRefund', 'IsRefundDue', 'SendRefundRejected', 'RefundRejected']);
    expect(await pendingApproval(rt, `refund:${refundId}`)).toBeUndefined();
  });

  it('deducts a free item of the offer at its value', async () => {
    const paid = await seedPaidService(rt, {
      price: RON('240.00'),
      activatedAt: ACTIVATED,
      domain: 'novak.ro',
      freeItems: [{ productCode: 'domain-ro', domain: 'novak.ro', value: RON('45.00') }],
    });
    const refundId = await requestRefund(rt, paid);

    const refund = await rt.repo.get('refund', refundId);
    expect(refund.amount).toEqual(RON('195.00'));
    expect(refund.breakdown).toEqual([
      { label: 'web-s (novak.ro): full refund within 30 days of activation', amount: RON('240.00'), clause: VRACILO },
      { label: 'free with the offer: domain-ro (novak.ro)', amount: RON('-45.00'), clause: VRACILO },
    ]);
  });

  it('withholds an unpaid proforma of the customer', async () => {
    const paid = await seedPaidService(rt, { price: RON('240.00'), activatedAt: ACTIVATED });
    const proformaId = await seedUnpaidProforma(rt, paid, RON('30.00'));
    const refundId = await requestRefund(rt, paid);

    const refund = await rt.repo.get('refund', refundId);
    expect(refund.amount).toEqual(RON('210.00'));
    expect(refund.breakdown.at(-1)).toEqual({ label: `unpaid proforma ${proformaId}`, amount: RON('-30.00'), clause: VRACILO });
  });

  it('rejects a refund the debt swallows whole, showing what stays owed', async () => {
    const paid = await seedPaidService(rt, { price: RON('240.00'), activatedAt: ACTIVATED });
    await seedUnpaidProforma(rt, paid, RON('300.00'));
    const refundId = await requestRefund(rt, paid);

    const refund = await rt.repo.get('refund', refundId);
    expect(refund).toMatchObject({ state: 'rejected', amount: RON('0.00') });
    expect(refund.breakdown.map((l) => l.amount)).toEqual([RON('240.00'), RON('-300.00'), RON('60.00')]);
    expect(refund.breakdown.at(-1)?.label).toMatch(/still owed/);
    const [mail] = await mailTo(rt, paid.email);
    expect(mail?.text).toContain('The deductions the terms require (RON 300.00) cover the whole amount');
  });

  it('refunds nothing for a service suspended for a violation of the terms', async () => {
    const paid = await seedPaidService(rt, { price: RON('240.00'), activatedAt: ACTIVATED });
    const service = await rt.repo.get('service', paid.serviceId);
    await rt.repo.transition('service', paid.serviceId, {
      expectedState: 'active',
      expectedVersion: service.version,
      to: 'suspended',
      patch: { suspension: { reason: 'violation', since: '2026-02-01T10:00:00Z' } },
      audit: { actor: { type: 'staff', id: 'abuse-desk' }, rule: '004 X.' },
    });
    const refundId = await requestRefund(rt, paid);

    const refund = await rt.repo.get('refund', refundId);
    expect(refund).toMatchObject({ state: 'rejected', amount: RON('0.00') });
    expect(refund.breakdown).toEqual([{ label: 'suspended or terminated for a violation of the terms', amount: RON('0.00'), clause: `${VRACILO}; IV. Kampanje` }]);
    const audit = await rt.repo.history('refund', refundId);
    expect(audit.at(-1)).toMatchObject({ from: 'requested', to: 'rejected', rule: `${VRACILO}; IV. Kampanje` });
    const [mail] = await mailTo(rt, paid.email);
    expect(mail?.text).toContain('suspended or terminated for a violation of our terms');
  });
});

describe('hostico: staff sit on a refund', () => {
  let rt: TestRuntime;
  beforeAll(async () => {
    rt = await startTestRuntime({ preset: 'hostico', start: DAY_30 });
  });
  afterAll(async () => rt.stop());

  it('escalates after 5 working days, alerts a working day before the 15-working-day deadline, and pays on its last day', async () => {
    const paid = await seedPaidService(rt, { price: RON('240.00'), activatedAt: ACTIVATED });
    const refundId = await requestRefund(rt, paid);

    // Monday 16 February ends the approval's 5 working days: nobody decided, so the refund is escalated, not decided.
    await rt.advance('8d');
    expect((await rt.repo.get('approval', `refund:${refundId}`)).state).toBe('timed_out');
    expect((await rt.repo.get('refund', refundId)).state).toBe('awaiting_approval');
    // The deadline is Monday 2 March (15 working days); the escalation defaults when that day begins in Bucharest.
    expect(await pendingApproval(rt, `refund:${refundId}:escalation`)).toMatchObject({ expiresAt: '2026-03-01T22:00:00.000Z', outcomeOnTimeout: 'approve' });

    // Friday 27 February, the working day before the deadline's day: the alert.
    await rt.advance('10d');
    const alert = await pendingApproval(rt, `refund:${refundId}:deadline-alert`);
    expect(alert).toMatchObject({ kind: 'refund', subject: { entity: 'refund', entityId: refundId }, amount: RON('240.00') });
    expect(alert?.reasons[0].explanation).toMatch(/^Deadline at risk: refund .* must be paid by 2026-03-02T21:59:59.999Z under 004 IV. Vračilo denarja and is still awaiting approval/);
    const [raised] = await rt.repo.history('approval', `refund:${refundId}:deadline-alert`);
    expect(raised).toMatchObject({ from: null, to: 'pending', at: '2026-02-26T22:00:00.000Z', customerId: paid.customerId });
    expect(rt.payments.payouts.filter((p) => p.refundId === refundId)).toEqual([]);

    // Monday 2 March begins: the escalation's default approves it, and it is paid within the deadline.
    await rt.advance('3d');
    const refund = await rt.repo.get('refund', refundId);
    expect(refund.state).toBe('completed');
    expect(refund.completedAt! < '2026-03-02T21:59:59.999Z').toBe(true);
    const audit = await rt.repo.history('refund', refundId);
    expect(audit.find((e) => e.to === 'approved')).toMatchObject({ actor: { type: 'system', id: 'approval-timeout' } });
    expect(rt.payments.payouts.filter((p) => p.refundId === refundId)).toHaveLength(1);
    expect((await mailTo(rt, paid.email)).map((m) => m.subject)).toEqual([`Refund ${refundId} approved: RON 240.00`, `Refund ${refundId} paid: RON 240.00`]);

    await rt.advance('1d');
    expect(await executionStatus(rt, 'refund', refundId)).toBe('SUCCEEDED');
    const main = ['WaitForStaffApproval', 'ResolveApprovalTimeout', 'IsEscalationDue', 'WaitForEscalatedApproval', 'ResolveEscalationTimeout', 'RecordApprovalDecision', 'PayOutRefund'];
    expect(await pathTaken(rt, 'refund', refundId, main)).toEqual(main);
    const watch = ['WaitUntilDeadlineAlert', 'CheckProcessingDeadline', 'IsDeadlineAtRisk', 'AlertStaffDeadlineAtRisk', 'ResolveDeadlineAlertTimeout', 'DeadlineAlertHandled'];
    expect(await pathTaken(rt, 'refund', refundId, watch)).toEqual(watch);
  });
});

describe('hostico: a payout whose confirmation is lost', () => {
  let rt: TestRuntime;
  beforeAll(async () => {
    rt = await startTestRuntime({ preset: 'hostico', start: DAY_30 });
  });
  afterAll(async () => rt.stop());

  it('is paid exactly once when the payout step is retried, to the account the customer named', async () => {
    const paid = await seedPaidService(rt, { price: RON('240.00'), activatedAt: ACTIVATED });
    const refundId = await requestRefund(rt, paid, { kind: 'bank_account', iban: 'RO49AAAA1B31007593840000' });
    const gateway = rt.deps.payments;
    const payout = gateway.payout.bind(gateway);
    let calls = 0;
    // The gateway pays, then the answer is lost: the step fails and its Retry calls again.
    gateway.payout = async (input) => {
      calls += 1;
      const result = await payout(input);
      if (calls === 1) throw Object.assign(new Error('socket hang up'), { name: 'TimeoutError' });
      return result;
    };
    try {
      await decide(rt, `refund:${refundId}`, 'approve');
      await rt.advance('10m');
    } finally {
      gateway.payout = payout;
    }

    expect(calls).toBe(2);
    expect(rt.payments.payouts.filter((p) => p.refundId === refundId)).toEqual([
      expect.objectContaining({ amount: RON('240.00'), destination: 'account RO49AAAA1B31007593840000' }),
    ]);
    expect((await rt.repo.get('refund', refundId)).state).toBe('completed');
    const events = await rt.history('refund', refundId);
    const failures = events.filter((e) => e.type === 'TaskFailed').map((e) => e.taskFailedEventDetails?.error);
    expect(failures).toEqual(['PayoutFailedError']);
    expect((await mailTo(rt, paid.email)).map((m) => m.subject)).toEqual([`Refund ${refundId} approved: RON 240.00`, `Refund ${refundId} paid: RON 240.00`]);
  });
});

describe('hostico: a payment gateway that keeps failing', () => {
  let rt: TestRuntime;
  beforeAll(async () => {
    rt = await startTestRuntime({ preset: 'hostico', start: DAY_30 });
  });
  afterAll(async () => rt.stop());

  it('marks the refund failed after the retries, asks staff, and pays once when they retry', async () => {
    const paid = await seedPaidService(rt, { price: RON('240.00'), activatedAt: ACTIVATED });
    const refundId = await requestRefund(rt, paid);
    const gateway = rt.deps.payments;
    const payout = gateway.payout.bind(gateway);
    let calls = 0;
    gateway.payout = async () => {
      calls += 1;
      throw Object.assign(new Error('503 Service Unavailable'), { name: 'GatewayUnavailable' });
    };
    try {
      await decide(rt, `refund:${refundId}`, 'approve');
      await rt.advance('2h');
    } finally {
      gateway.payout = payout;
    }

    // The first call and its six retries.
    expect(calls).toBe(7);
    expect((await rt.repo.get('refund', refundId)).state).toBe('failed');
    const retry = await pendingApproval(rt, `refund:${refundId}:payout-retry:1`);
    expect(retry).toMatchObject({ kind: 'refund', amount: RON('240.00'), outcomeOnTimeout: 'approve' });
    expect(retry?.reasons[0].explanation).toContain('failed at the payment gateway (PayoutFailedError)');

    await decide(rt, `refund:${refundId}:payout-retry:1`, 'approve', 'gateway is back');
    const audit = await rt.repo.history('refund', refundId);
    expect(audit.map((e) => [e.from, e.to, e.actor.type])).toEqual([
      [null, 'requested', 'customer'],
      ['requested', 'awaiting_approval', 'system'],
      ['awaiting_approval', 'approved', 'staff'],
      ['approved', 'failed', 'system'],
      ['failed', 'approved', 'staff'],
      ['approved', 'completed', 'system'],
    ]);
    expect(rt.payments.payouts.filter((p) => p.refundId === refundId)).toHaveLength(1);
    const path = ['PayOutRefund', 'RecordPayoutFailure', 'WaitForPayoutRetryDecision', 'RecordPayoutRetryDecision', 'IsPayoutRetried', 'CompleteRefund'];
    expect(await pathTaken(rt, 'refund', refundId, path)).toEqual(['PayOutRefund', ...path.slice(1, 5), 'PayOutRefund', 'CompleteRefund']);
  });
});
