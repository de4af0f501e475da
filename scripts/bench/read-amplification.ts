/**
 * Figure 3: how much the daily billing run reads for what it acts on. N services fall due on the day
 * among M spread over the following weeks; the run's own counts give items read ÷ items due (target
 * 1.0: it reads only what is due) and the meter gives the DynamoDB requests and read units behind them.
 * Workflow starts are stubbed: the dunning executions' reads are figure 1's, not the run's.
 */
import { randomUUID } from 'node:crypto';
import type { AppDeps } from '../../functions/app/ports';
import { addCalendarDays, atLocal, localDateOf } from '../../functions/domain/calendar';
import { runBilling } from '../../functions/lifecycles/invoice-dunning/billing-run';
import { spread, type BenchInfra, type Spread } from './common';
import { dynamoDb } from './instrument';

const SETUP = { actor: { type: 'system' as const, id: 'bench-setup' }, rule: 'benchmark arrangement' };
const DAY = '2026-03-02';

export interface ReadAmplification {
  servicesDue: number;
  servicesTotal: number;
  itemsRead: Spread;
  itemsDue: Spread;
  ratio: Spread;
  queryRequests: Spread;
  getItemRequests: Spread;
  readRequestUnits: Spread;
  runMs: Spread;
}

interface Run {
  itemsRead: number;
  itemsDue: number;
  query: number;
  get: number;
  rru: number;
  ms: number;
}

/** One day's billing run over a fresh table: a run bills what is due, so a second run of the day finds nothing due. */
async function once(infra: BenchInfra, due: number, total: number): Promise<Run> {
  const rt = await infra.runtime('hostico', { start: `${DAY}T09:00:00Z` });
  try {
    const { repo, policy } = rt.deps;
    const customerId = `cust-${randomUUID().slice(0, 8)}`;
    await repo.create('customer', { id: customerId, state: 'active', type: 'consumer', email: `${customerId}@example.com`, name: 'Ana Novak', language: 'en', country: 'SI' }, SETUP);
    for (let i = 0; i < total; i++) {
      // The first `due` fall due today; the rest over the next 30 days.
      const nextDueDate = i < due ? DAY : localDateOf(policy.calendar, addCalendarDays(policy.calendar, atLocal(policy.calendar, DAY, '12:00'), 1 + (i % 30)));
      const id = `svc-${i}`;
      await repo.create(
        'service',
        { id, state: 'pending', customerId, orderId: `ord-${i}`, provider: policy.name, productKind: 'shared_hosting', productCode: 'starter', billingCycle: 'monthly', price: { amount: 1_000, currency: 'EUR' }, nextDueDate, paidUntil: '2026-03-01' },
        SETUP,
      );
      await repo.transition('service', id, { expectedState: 'pending', expectedVersion: 1, to: 'active', audit: SETUP });
    }
    const deps: AppDeps = { ...rt.deps, workflows: { ...rt.deps.workflows, start: async (_w, name) => ({ executionArn: name, alreadyStarted: false }) } };
    dynamoDb.reset();
    const started = performance.now();
    const result = await runBilling(deps, DAY);
    const ms = performance.now() - started;
    const usage = dynamoDb.usage();
    return { itemsRead: result.itemsRead, itemsDue: result.itemsDue, query: usage.requests.QueryCommand ?? 0, get: usage.requests.GetItemCommand ?? 0, rru: usage.readRequestUnits, ms };
  } finally {
    await rt.stop();
  }
}

export async function readAmplification(infra: BenchInfra, runs: number, due: number, total: number): Promise<ReadAmplification> {
  const all: Run[] = [];
  for (let i = 0; i < runs; i++) all.push(await once(infra, due, total));
  const of = (f: (r: Run) => number) => spread(all.map(f));
  return {
    servicesDue: due,
    servicesTotal: total,
    itemsRead: of((r) => r.itemsRead),
    itemsDue: of((r) => r.itemsDue),
    ratio: of((r) => r.itemsRead / r.itemsDue),
    queryRequests: of((r) => r.query),
    getItemRequests: of((r) => r.get),
    readRequestUnits: of((r) => r.rru),
    runMs: of((r) => r.ms),
  };
}
