/**
 * ARCHITECTURE.md invariant 2: a payment that lands while the suspension step runs ends with the
 * service active and the invoice paid. The suspension commits only if the invoice is still unpaid at
 * the version it read; a payment committing after it reactivates the service in its own transaction.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TransactionConflictError } from '../../../functions/data/errors';
import { StaleStateError } from '../../../functions/domain/errors';
import { recordPayment } from '../../../functions/lifecycles/invoice-dunning/intake';
import { dunningTimeline } from '../../../functions/lifecycles/invoice-dunning/schedule';
import { suspendService } from '../../../functions/lifecycles/invoice-dunning/steps';
import type { Repository } from '../../../functions/data/repository';
import type { PresetName } from '../../../functions/domain/policy';
import type { TestRuntime } from '../../support/runtime';
import { execution, invoiceScenario, letters, paymentEvent, startRuntime, stateOf, type Letter } from './support';

const ROUNDS = 20;

/** Letters about the service (a smartape late payment also brings its penalty invoice). */
const serviceLetters = (all: Letter[]) => all.map((l) => l.template).filter((t) => t.startsWith('service_')).sort();

/** Opens once; everyone waiting on it goes on together. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

type Order = 'suspension commits first' | 'payment commits first';

/**
 * A repository that interleaves the two writers the dangerous way: each has read the records before
 * the other commits, and the round's `order` says whose conditional write lands first. The loser's
 * condition fails and it re-reads, which is the path a real race takes.
 */
function racingRepository(repo: Repository, order: Order): Repository {
  const suspensionRead = gate();
  const paymentRead = gate();
  const committed = gate();
  return {
    ...repo,
    transition: (async (type, id, input) => {
      if (type !== 'service' || input.to !== 'suspended') return repo.transition(type, id, input);
      suspensionRead.open();
      await paymentRead.opened;
      if (order === 'payment commits first') await committed.opened;
      try {
        return await repo.transition(type, id, input);
      } finally {
        committed.open();
      }
    }) as Repository['transition'],
    async recordPayment(input) {
      paymentRead.open();
      await suspensionRead.opened;
      if (order === 'suspension commits first') await committed.opened;
      try {
        return await repo.recordPayment(input);
      } finally {
        committed.open();
      }
    },
  };
}

/** The ASL's Retry on StaleStateError and TransactionConflictError: the step runs again and re-reads. */
async function withStepRetries<T>(step: () => Promise<T>): Promise<{ result: T; retries: number }> {
  for (let retries = 0; ; retries++) {
    try {
      return { result: await step(), retries };
    } catch (error) {
      if (!(error instanceof StaleStateError || error instanceof TransactionConflictError) || retries >= 20) throw error;
    }
  }
}

describe.each([
  // The clock stands on Monday 2 March, a business day, so hostico reactivates at once (IV. Kampanje).
  // Invoices issued on these days are past their suspension and not yet at their deletion or termination.
  { preset: 'hostico' as PresetName, issuedAt: '2026-01-30T09:00:00Z' },
  { preset: 'smartape' as PresetName, issuedAt: '2026-02-13T09:00:00Z' },
])('$preset: the suspension step and a payment at the same moment', ({ preset, issuedAt }) => {
  let rt: TestRuntime;
  beforeAll(async () => {
    rt = await startRuntime(preset, '2026-03-02T09:00:00Z');
  });
  afterAll(async () => rt.stop());

  it(`ends active and paid in every one of ${ROUNDS} rounds, whichever commits first`, { timeout: 180_000 }, async () => {
    const winners = { suspensionFirst: 0, paymentFirst: 0 };
    for (let round = 0; round < ROUNDS; round++) {
      const order: Order = round % 2 === 0 ? 'suspension commits first' : 'payment commits first';
      // No workflow runs: this test plays the suspension step by hand, racing the intake.
      const s = await invoiceScenario({ preset, start: issuedAt, issuedAt, rt, customerId: `race-${preset}-${round}`, startWorkflow: false });
      await rt.repo.transition('invoice', s.invoiceId, { expectedState: 'draft', expectedVersion: 1, to: 'issued', audit: { actor: { type: 'system', id: 'test' }, rule: 'arrange' } });
      const invoice = await rt.repo.get('invoice', s.invoiceId);
      await rt.repo.transition('invoice', invoice.id, { expectedState: 'issued', expectedVersion: invoice.version, to: 'overdue', audit: { actor: { type: 'system', id: 'test' }, rule: 'arrange' } });
      const services = await Promise.all(s.serviceIds.map((id) => rt.repo.get('service', id)));
      const timeline = dunningTimeline(rt.deps.policy, await rt.repo.get('invoice', s.invoiceId), services);
      const suspend = timeline.actions.find((a) => a.kind === 'suspend');
      if (!suspend) throw new Error('no suspension in the timeline');
      const done = timeline.actions.filter((a) => a.at < suspend.at || (a.at === suspend.at && a.kind === 'overdue')).map((a) => a.key);

      const deps = { ...rt.deps, repo: racingRepository(rt.deps.repo, order) };
      const [suspension] = await Promise.all([
        withStepRetries(() => suspendService(deps, { invoiceId: s.invoiceId, done, action: suspend })),
        recordPayment(deps, paymentEvent(s, { invoiceId: s.invoiceId, amount: 10_000 }) as Parameters<typeof recordPayment>[1]),
      ]);

      expect(await stateOf(s, 'invoice', s.invoiceId)).toBe('paid');
      expect(await stateOf(s, 'service', s.serviceIds[0]!)).toBe('active');
      const path = (await rt.repo.history('service', s.serviceIds[0]!)).filter((e) => e.from !== e.to).map((e) => e.to);
      if (order === 'suspension commits first') {
        winners.suspensionFirst += 1;
        expect(suspension.result.suspended).toEqual(s.serviceIds);
        expect(path).toEqual(['pending', 'active', 'suspended', 'active']);
        expect(serviceLetters(await letters(s))).toEqual(['service_reactivated', 'service_suspended']);
      } else {
        winners.paymentFirst += 1;
        // The suspension's condition on the unpaid invoice failed; its retry found the invoice paid.
        expect(suspension.retries).toBe(1);
        expect(suspension.result.suspended).toEqual([]);
        expect(path).toEqual(['pending', 'active']);
        expect(serviceLetters(await letters(s))).toEqual([]);
      }
    }
    expect(winners).toEqual({ suspensionFirst: Math.ceil(ROUNDS / 2), paymentFirst: Math.floor(ROUNDS / 2) });
  });
});

describe('a payment racing the suspension deadline in the running workflow', () => {
  it.each(['hostico', 'smartape'] as PresetName[])('%s: the payment webhook arrives as the deadline fires; the service ends active and the invoice paid', async (preset) => {
    const s = await invoiceScenario({ preset, start: '2026-03-02T09:00:00Z' });
    try {
      const services = await Promise.all(s.serviceIds.map((id) => s.rt.repo.get('service', id)));
      const suspendAt = dunningTimeline(s.rt.deps.policy, await s.rt.repo.get('invoice', s.invoiceId), services).suspendAt;
      if (!suspendAt) throw new Error('no suspension');
      await s.rt.clock.advanceTo(new Date(Date.parse(suspendAt) - 1).toISOString());
      expect(await stateOf(s, 'service', s.serviceIds[0]!)).toBe('active');

      const [, answer] = await Promise.all([s.rt.advance('2s'), s.rt.webhook(paymentEvent(s, { invoiceId: s.invoiceId, amount: 10_000 }))]);
      expect(answer.status).toBe(202);
      await s.rt.advance('1d');

      expect(await stateOf(s, 'invoice', s.invoiceId)).toBe('paid');
      expect(await stateOf(s, 'service', s.serviceIds[0]!)).toBe('active');
      expect((await execution(s)).status).toBe('SUCCEEDED');
    } finally {
      await s.rt.stop();
    }
  });
});
