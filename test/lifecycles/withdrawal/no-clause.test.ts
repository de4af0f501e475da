/**
 * Presets whose contract has no withdrawal clause (hostico, secom; POLICY-RULES.md §4 names smartape
 * only): the request is still recorded, its execution refuses it, and the customer is told why, that a
 * reply gets a staff review (hostcycle does not rule on what the law grants), and how to cancel instead.
 * Nothing is refunded, nothing is deprovisioned.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromMajor } from '../../../functions/domain/money';
import { startTestRuntime, type TestRuntime } from '../../support/runtime';
import { executionStatus, mailTo, seedPaidService, statesEntered, uid } from '../refund/support';

const PRESETS = [
  { preset: 'hostico', currency: 'RON', start: '2026-02-09T13:00:00Z', language: 'en', expect: 'Our terms provide no right of withdrawal for this service' },
  { preset: 'secom', currency: 'UAH', start: '2026-02-09T13:00:00Z', language: 'sl', expect: 'Naši pogoji poslovanja za to storitev ne predvidevajo pravice do odstopa' },
] as const;

for (const p of PRESETS) {
  describe(`${p.preset}: a withdrawal request where the contract has no withdrawal clause`, () => {
    let rt: TestRuntime;
    beforeAll(async () => {
      rt = await startTestRuntime({ preset: p.preset, start: p.start });
    });
    afterAll(async () => rt.stop());

    it('is recorded, refused by e-mail with a staff review on reply and cancelling instead, and changes nothing else', async () => {
      const paid = await seedPaidService(rt, { price: fromMajor('240.00', p.currency), activatedAt: '2026-02-01T08:00:00Z', language: p.language });
      const withdrawalId = uid('WD');
      const answer = await rt.webhook({
        eventId: uid('evt-withdrawal'),
        type: 'withdrawal.requested',
        occurredAt: rt.clock.now().toISOString(),
        data: { withdrawalRequestId: withdrawalId, customerId: paid.customerId, orderId: paid.orderId, requestedAt: rt.clock.now().toISOString(), statement: 'I withdraw.' },
      });
      expect(answer.status, JSON.stringify(answer.body)).toBe(202);
      await rt.advance('1s');

      expect(await rt.repo.get('withdrawal', withdrawalId)).toMatchObject({ state: 'rejected', statement: 'I withdraw.' });
      const [refused] = (await rt.repo.history('withdrawal', withdrawalId)).slice(-1);
      expect(refused).toMatchObject({ from: 'requested', to: 'rejected', rule: 'hostcycle default', details: { rejection: { code: 'no_contractual_right' } } });
      expect(await executionStatus(rt, 'withdrawal', withdrawalId)).toBe('SUCCEEDED');
      expect(await statesEntered(rt, 'withdrawal', withdrawalId)).toEqual(['CheckEligibility', 'IsEligible', 'SendWithdrawalRejected', 'WithdrawalRejected']);

      const mails = await mailTo(rt, paid.email);
      expect(mails).toHaveLength(1);
      expect(mails[0]!.text).toContain(p.expect);
      expect(mails[0]!.text).toContain(`support@`);
      expect(mails[0]!.text).not.toContain('clause hostcycle default');
      expect((await rt.repo.get('service', paid.serviceId)).state).toBe('active');
      expect(rt.payments.payouts).toEqual([]);
    });
  });
}
