/**
 * The simulated outside world of the local runtime, on the virtual clock: the provisioner answers
 * through the same intake action a `provisioning.result` webhook reaches, the payment gateway pays out
 * once per id, and the billing run fires at each local midnight of the provider.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import * as billingRun from '../../functions/lifecycles/invoice-dunning/billing-run';
import * as orderActivation from '../../functions/lifecycles/order-activation/intake';
import { startTestRuntime, type TestRuntime } from '../support/runtime';
import { START } from './fixtures';

const runs = vi.hoisted(() => [] as unknown[]);

vi.mock('../../functions/lifecycles/order-activation/intake', () => ({
  placeOrder: vi.fn(),
  recordProvisioningResult: vi.fn(async (_deps, e) => ({ entity: 'provisioning_command', entityId: e.data.commandId })),
}));
vi.mock('../../functions/lifecycles/invoice-dunning/billing-run', () => ({
  createBillingRunHandler: vi.fn(() => async (event: unknown) => void runs.push(event)),
}));

const command = (id: string) => ({ id, action: 'provision' as const, serviceId: `S-${id}`, productKind: 'vps', taskToken: 'token' });

describe('the simulated provisioner', () => {
  let rt: TestRuntime;
  beforeAll(async () => {
    // Every other command fails: the stub alternates below and above the failure rate.
    let n = 0;
    rt = await startTestRuntime({ preset: 'hostico', start: START, provisioner: { delay: '2m', failureRate: 0.5, random: () => (n++ % 2 === 0 ? 0.9 : 0.1) } });
  });
  afterAll(async () => {
    await rt.stop();
  });
  beforeEach(() => {
    vi.mocked(orderActivation.recordProvisioningResult).mockClear();
  });

  it('answers a command after its virtual delay through the provisioning-result intake, once per command id', async () => {
    await rt.deps.provisioner.submit(command('CMD-1'));
    await rt.deps.provisioner.submit(command('CMD-1'));
    await rt.advance('1m59s');
    expect(orderActivation.recordProvisioningResult).not.toHaveBeenCalled();

    await rt.advance('1s');

    expect(orderActivation.recordProvisioningResult).toHaveBeenCalledTimes(1);
    expect(vi.mocked(orderActivation.recordProvisioningResult).mock.calls[0]?.[1]).toMatchObject({
      type: 'provisioning.result',
      data: { outcome: 'succeeded', commandId: 'CMD-1', serviceId: 'S-CMD-1', completedAt: '2026-03-02T09:02:00.000Z' },
    });
    expect(rt.provisioner.commands.map((c) => c.id)).toEqual(['CMD-1']);
  });

  it('fails commands at the configured rate, as a retryable failure', async () => {
    await rt.deps.provisioner.submit(command('CMD-2'));
    await rt.advance('2m');
    expect(vi.mocked(orderActivation.recordProvisioningResult).mock.calls[0]?.[1]).toMatchObject({
      data: { outcome: 'failed', commandId: 'CMD-2', errorCode: 'SIMULATED_FAILURE', retryable: true },
    });
    expect(rt.backgroundErrors).toEqual([]);
  });
});

describe('the simulated payment gateway', () => {
  it('pays out once per id and answers a repeat with the first payout', async () => {
    const rt = await startTestRuntime({ preset: 'hostico', start: START });
    try {
      const input = { id: 'refund#R-1#payout', refundId: 'R-1', amount: { amount: 2500, currency: 'EUR' }, destination: 'original_method' };
      const first = await rt.deps.payments.payout(input);
      const again = await rt.deps.payments.payout(input);
      expect(again).toEqual(first);
      expect(rt.payments.payouts).toEqual([{ ...input, payoutId: first.payoutId, at: START }]);
    } finally {
      await rt.stop();
    }
  });
});

describe('the local billing run', () => {
  it("runs at each local midnight of the provider's time zone", async () => {
    runs.length = 0;
    // Hostico bills in Europe/Bucharest, two hours ahead of UTC in March.
    const rt = await startTestRuntime({ preset: 'hostico', start: START, billingRun: true });
    try {
      expect(billingRun.createBillingRunHandler).toHaveBeenCalledWith(rt.deps);
      await rt.advance('2d');
      expect(runs).toEqual([{ time: '2026-03-02T22:00:00.000Z' }, { time: '2026-03-03T22:00:00.000Z' }]);
    } finally {
      await rt.stop();
    }
  });
});
