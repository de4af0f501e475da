/**
 * The consumer's withdrawal from a distance contract (smartape 003 11.6): eligibility, the staff
 * approval the policy asks for, the proportional charge for a service started at the consumer's
 * request (11.6.1), the refund through the refund lifecycle, deprovisioning and the e-mails.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromMajor } from '../../../functions/domain/money';
import { renderTemplate } from '../../../functions/notifications/templates';
import { startTestRuntime, type TestRuntime } from '../../support/runtime';
import { decide, executionStatus, mailTo, pathTaken, pendingApproval, seedPaidService, statesEntered, uid, type PaidService } from '../refund/support';

const CLAUSE = '003 11.6; 11.6.1; 11.6.2';
const EUR = (m: string) => fromMajor(m, 'EUR');
// Thursday 12 March 2026, 11:00 in Tallinn.
const NOW = '2026-03-12T09:00:00Z';

async function requestWithdrawal(rt: TestRuntime, paid: PaidService): Promise<string> {
  const withdrawalId = uid('WD');
  const answer = await rt.webhook({
    eventId: uid('evt-withdrawal'),
    type: 'withdrawal.requested',
    occurredAt: rt.clock.now().toISOString(),
    data: { withdrawalRequestId: withdrawalId, customerId: paid.customerId, orderId: paid.orderId, requestedAt: rt.clock.now().toISOString(), statement: 'I withdraw from the contract.' },
  });
  expect(answer.status, JSON.stringify(answer.body)).toBe(202);
  expect(answer.body.receipt).toMatchObject({ entity: 'withdrawal', entityId: withdrawalId });
  await rt.advance('1s');
  return withdrawalId;
}

const ACCEPTED_PATH = [
  'CheckEligibility',
  'IsEligible',
  'WaitForStaffApproval',
  'RecordApprovalDecision',
  'IsApproved',
  'AcceptWithdrawal',
  'HasRefund',
  'StartRefund',
  'DeprovisionServices',
  'TerminateService',
  'RecordServiceEnded',
  'CompleteWithdrawal',
  'SendWithdrawalAccepted',
  'WithdrawalAccepted',
];

describe('smartape: a consumer withdraws within 14 days', () => {
  let rt: TestRuntime;
  beforeAll(async () => {
    rt = await startTestRuntime({ preset: 'smartape', start: NOW });
  });
  afterAll(async () => rt.stop());

  it('pays the days provided when they consented to an early start, and refunds the rest through the refund lifecycle', async () => {
    // A 31-day monthly period from 5 March; 5–12 March, the day of withdrawal included, is 8 days provided.
    const paid = await seedPaidService(rt, { productKind: 'vps', productCode: 'vps-s2', billingCycle: 'monthly', price: EUR('31.00'), activatedAt: '2026-03-05T09:00:00Z', consentToEarlyStart: true });
    const withdrawalId = await requestWithdrawal(rt, paid);

    expect(await rt.repo.get('withdrawal', withdrawalId)).toMatchObject({ state: 'awaiting_approval', contractConcludedAt: '2026-03-05T09:00:00Z' });
    expect(await pendingApproval(rt, `withdrawal:${withdrawalId}`)).toMatchObject({ kind: 'withdrawal', amount: EUR('23.00'), outcomeOnTimeout: 'approve' });

    await decide(rt, `withdrawal:${withdrawalId}`, 'approve');
    await rt.advance('5m');

    const refundId = `${withdrawalId}-refund`;
    expect(await rt.repo.get('withdrawal', withdrawalId)).toMatchObject({ state: 'completed', proportionalCharge: EUR('8.00'), refundId });
    const refund = await rt.repo.get('refund', refundId);
    expect(refund).toMatchObject({ state: 'completed', amount: EUR('23.00'), creditNoteId: `CN-${refundId}` });
    expect(refund.breakdown).toEqual([
      { label: 'vps-s2: paid, refunded on withdrawal', amount: EUR('31.00'), clause: CLAUSE },
      { label: "vps-s2: service provided until the withdrawal, at the consumer's request", amount: EUR('-8.00'), clause: CLAUSE },
    ]);
    expect(rt.payments.payouts.filter((p) => p.refundId === refundId)).toEqual([expect.objectContaining({ amount: EUR('23.00') })]);
    const service = await rt.repo.get('service', paid.serviceId);
    expect(service.state).toBe('cancelled');
    expect(service.endedAt).toBeDefined();
    expect(rt.provisioner.commands.filter((c) => c.serviceId === paid.serviceId)).toEqual([
      expect.objectContaining({ id: `service:${paid.serviceId}:terminate:${withdrawalId}`, action: 'terminate' }),
    ]);

    const mail = await mailTo(rt, paid.email);
    expect(mail.map((m) => m.subject).sort()).toEqual([`Refund ${refundId} paid: EUR 23.00`, 'Your withdrawal from the contract for vps-s2 is accepted']);
    const accepted = mail.find((m) => m.subject.includes('accepted'))?.text ?? '';
    expect(accepted).toContain('Charge for the service provided until the withdrawal: EUR 8.00');
    expect(accepted).toContain(`under clause ${CLAUSE} of our terms you owe the reasonable cost`);
    expect(accepted).toContain('Refund: EUR 23.00');

    expect(await statesEntered(rt, 'withdrawal', withdrawalId)).toEqual(ACCEPTED_PATH);
    expect(await executionStatus(rt, 'refund', refundId)).toBe('SUCCEEDED');
    const audit = await rt.repo.history('withdrawal', withdrawalId);
    expect(audit.map((e) => [e.from, e.to, e.actor.type])).toEqual([
      [null, 'requested', 'customer'],
      ['requested', 'awaiting_approval', 'system'],
      ['awaiting_approval', 'accepted', 'staff'],
      ['accepted', 'completed', 'system'],
    ]);
  });

  it('a staff rejection tells the customer the reason staff stated, verbatim, not the nearest template reason', async () => {
    const paid = await seedPaidService(rt, { productKind: 'vps', productCode: 'vps-s2', billingCycle: 'monthly', price: EUR('31.00'), activatedAt: '2026-03-05T09:00:00Z', consentToEarlyStart: true });
    const withdrawalId = await requestWithdrawal(rt, paid);
    const reason = 'The VPS image was built to your written specification (ticket #4411), so 11.6.2 excludes it.';

    await decide(rt, `withdrawal:${withdrawalId}`, 'reject', reason);

    expect((await rt.repo.get('withdrawal', withdrawalId)).state).toBe('rejected');
    const audit = await rt.repo.history('withdrawal', withdrawalId);
    expect(audit.at(-1)).toMatchObject({ from: 'awaiting_approval', to: 'rejected', actor: { type: 'staff' }, details: { rejection: { code: 'staff_decision', statement: reason }, reason } });
    const [mail] = await mailTo(rt, paid.email);
    expect(mail?.text).toContain(`Our staff reviewed your request and refused it, stating: “${reason}”.`);
    expect(mail?.text).not.toContain('The service is excluded from the right of withdrawal');
    expect(await executionStatus(rt, 'withdrawal', withdrawalId)).toBe('SUCCEEDED');
  });

  it('renders the staff-decision reason verbatim in Slovenian too', () => {
    const statement = 'Storitev je bila izdelana po vaših navodilih (zahtevek #4411).';
    const email = renderTemplate('withdrawal_rejected', 'sl-SI', {
      customerName: 'Ana Novak',
      provider: { name: 'SmartApe', timeZone: 'Europe/Tallinn', supportEmail: 'support@smartape.example' },
      withdrawalId: 'WD-9',
      serviceName: 'VPS S',
      requestedAt: '2026-03-12T09:00:00Z',
      reason: { code: 'staff_decision', statement },
      clause: '11.6',
      cancellation: { clause: '2.4.10', noticeWorkingDays: 10 },
    });
    expect(email.text).toContain(`Naš sodelavec je vašo zahtevo pregledal in jo zavrnil z obrazložitvijo: »${statement}«.`);
  });

  it('charges nothing without that consent, and an approval nobody answers is honoured after 5 working days', async () => {
    const paid = await seedPaidService(rt, { productKind: 'vps', productCode: 'vps-s2', billingCycle: 'monthly', price: EUR('31.00'), activatedAt: '2026-03-05T09:00:00Z' });
    const withdrawalId = await requestWithdrawal(rt, paid);

    await rt.advance('8d');

    const refundId = `${withdrawalId}-refund`;
    expect(await rt.repo.get('withdrawal', withdrawalId)).toMatchObject({ state: 'completed', proportionalCharge: EUR('0.00'), refundId });
    expect((await rt.repo.get('approval', `withdrawal:${withdrawalId}`)).state).toBe('timed_out');
    expect(await rt.repo.get('refund', refundId)).toMatchObject({ state: 'completed', amount: EUR('31.00') });
    const accepted = (await mailTo(rt, paid.email)).find((m) => m.subject.includes('accepted'))?.text ?? '';
    expect(accepted).toContain('Refund: EUR 31.00');
    expect(accepted).not.toContain('Charge for the service');
    const path = ['WaitForStaffApproval', 'ResolveApprovalTimeout', 'IsEscalationDue', 'RecordApprovalDecision', 'AcceptWithdrawal'];
    expect(await pathTaken(rt, 'withdrawal', withdrawalId, path)).toEqual(path);
  });
});

describe('smartape: withdrawals that are not the consumer right of 11.6', () => {
  let rt: TestRuntime;
  beforeAll(async () => {
    rt = await startTestRuntime({ preset: 'smartape', start: NOW });
  });
  afterAll(async () => rt.stop());

  const REJECTED_PATH = ['CheckEligibility', 'IsEligible', 'SendWithdrawalRejected', 'WithdrawalRejected'];

  it('rejects a request after the 14 days and points to cancellation with its notice instead', async () => {
    const paid = await seedPaidService(rt, { billingCycle: 'monthly', price: EUR('12.00'), activatedAt: '2026-02-20T09:00:00Z' });
    const withdrawalId = await requestWithdrawal(rt, paid);

    expect((await rt.repo.get('withdrawal', withdrawalId)).state).toBe('rejected');
    const [mail] = await mailTo(rt, paid.email);
    expect(mail?.subject).toBe('Your withdrawal request for web-s cannot be accepted');
    expect(mail?.text).toContain('A consumer may withdraw within 14 days of concluding the contract, that is by 6 Mar 2026, 23:59');
    expect(mail?.text).toContain('Cancel the service instead: give us notice at least 10 working days ahead (clause 003 2.4.10 of our terms)');
    expect(await statesEntered(rt, 'withdrawal', withdrawalId)).toEqual(REJECTED_PATH);
    expect(rt.payments.payouts.filter((p) => p.refundId === `${withdrawalId}-refund`)).toEqual([]);
    expect((await rt.repo.get('service', paid.serviceId)).state).toBe('active');
  });

  it('rejects a business client, who cancels instead', async () => {
    const paid = await seedPaidService(rt, { customerType: 'business', billingCycle: 'monthly', price: EUR('12.00'), activatedAt: '2026-03-10T09:00:00Z' });
    const withdrawalId = await requestWithdrawal(rt, paid);

    const audit = await rt.repo.history('withdrawal', withdrawalId);
    expect(audit.at(-1)).toMatchObject({ from: 'requested', to: 'rejected', rule: CLAUSE, details: { reason: 'only consumers may withdraw; a business terminates instead' } });
    const [mail] = await mailTo(rt, paid.email);
    expect(mail?.text).toContain('Only consumers have the right of withdrawal, and the contract was concluded by a business.');
    expect(mail?.text).toContain('Cancel the service instead');
    expect(await statesEntered(rt, 'withdrawal', withdrawalId)).toEqual(REJECTED_PATH);
  });

  it('rejects an excluded item: a software licence already delivered is opened software (11.6.2)', async () => {
    const paid = await seedPaidService(rt, { productKind: 'software_licence', productCode: 'cpanel-licence', billingCycle: 'monthly', price: EUR('15.00'), activatedAt: '2026-03-10T09:00:00Z' });
    const withdrawalId = await requestWithdrawal(rt, paid);

    expect((await rt.repo.get('withdrawal', withdrawalId)).state).toBe('rejected');
    const [mail] = await mailTo(rt, paid.email);
    expect(mail?.text).toContain('The service is excluded from the right of withdrawal');
    expect(await statesEntered(rt, 'withdrawal', withdrawalId)).toEqual(REJECTED_PATH);
  });
});
