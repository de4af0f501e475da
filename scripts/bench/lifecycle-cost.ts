/**
 * Figure 1: what one lifecycle costs on AWS, counted while the real workflows run on the local runtime
 * (virtual clock, real handlers, DynamoDB Local, the SES emulator), for the happy and the worst path of
 * each workflow and preset. Each scenario runs in a fresh runtime, so the engine's totals are the
 * scenario's: every execution it started (an order's invoice is dunned by its own execution) counts.
 *
 * Counted: state transitions (engine metrics), Lambda invocations (the workflows' functions and the
 * billing run, timed by ./instrument.ts, plus one hostcycle-http-api invocation per HTTP request, as API
 * Gateway invokes that function on AWS), DynamoDB read/write request units (the meter), e-mails (the
 * SES emulator's store), scheduler invocations (the billing run that issued the invoice; the daily run
 * is shared by every invoice due that day, so one per invoice is the upper bound).
 */
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import type { WorkflowName } from '../../functions/app/ports';
import { getPreset, type PresetName } from '../../functions/domain/policy';
import type { LocalRuntime } from '../../infra/local/runtime';
import { postWebhook, spread, type BenchInfra, type Spread } from './common';
import { dynamoDb, LambdaTimer } from './instrument';
import { PRICES } from './prices';

const PRESETS: readonly PresetName[] = ['hostico', 'smartape', 'secom'];
/** Monday 2 March 2026, 09:00 UTC: a working day in every preset's calendar. */
const START = '2026-03-02T09:00:00Z';
const SETTLE = '120d';
const CURRENCY: Record<PresetName, string> = { hostico: 'EUR', smartape: 'EUR', secom: 'UAH' };
const COUNTRY: Record<PresetName, string> = { hostico: 'SI', smartape: 'EE', secom: 'UA' };
const SETUP = { actor: { type: 'system' as const, id: 'bench-setup' }, rule: 'benchmark arrangement' };
export const TARGETS = { paidOnTimeInvoice: 12, invoiceToDeletion: 40 } as const;

/** The memory every function is deployed with, read from the construct so the estimate follows it. */
export function lambdaMemoryMb(): number {
  const source = readFileSync('infra/aws/constructs/hostcycle-function.ts', 'utf8');
  const match = /memorySize:\s*(\d+)/.exec(source);
  if (!match) throw new Error('no memorySize in infra/aws/constructs/hostcycle-function.ts');
  return Number(match[1]);
}

export interface Usage {
  stateTransitions: number;
  /** Transitions of the lifecycle's own execution (the invoice's dunning, the order's activation). */
  ownExecutionTransitions: number;
  engineTaskInvocations: number;
  lambdaInvocations: number;
  lambdaInvocationsByFunction: Record<string, number>;
  /** Billed milliseconds of each function's invocations in this run, in order. */
  lambdaMsByFunction: Record<string, number[]>;
  /** Sum of per-invocation durations, each rounded up to 1 ms. */
  lambdaBilledMs: number;
  lambdaGbSeconds: number;
  readRequestUnits: number;
  writeRequestUnits: number;
  emails: number;
  schedulerInvocations: number;
  /** States entered across the scenario's executions, most entered first: where transitions go. */
  statesEntered: Record<string, number>;
  outcome: string;
}

export interface ScenarioResult {
  workflow: WorkflowName;
  preset: PresetName;
  path: 'happy' | 'worst';
  description: string;
  usage: Usage;
  lambdaBilledMs: Spread;
  costUsd: CostBreakdown;
}

export interface CostBreakdown {
  stepFunctions: number;
  lambdaRequests: number;
  lambdaDuration: number;
  dynamoDb: number;
  ses: number;
  scheduler: number;
  total: number;
  per1000: number;
}

export function cost(u: Pick<Usage, 'stateTransitions' | 'lambdaInvocations' | 'lambdaGbSeconds' | 'readRequestUnits' | 'writeRequestUnits' | 'emails' | 'schedulerInvocations'>): CostBreakdown {
  const parts = {
    stepFunctions: u.stateTransitions * PRICES.stepFunctions.perStateTransition,
    lambdaRequests: u.lambdaInvocations * PRICES.lambda.perRequest,
    lambdaDuration: u.lambdaGbSeconds * PRICES.lambda.perGbSecond,
    dynamoDb: u.writeRequestUnits * PRICES.dynamoDb.perWriteRequestUnit + u.readRequestUnits * PRICES.dynamoDb.perReadRequestUnit,
    ses: u.emails * PRICES.ses.perEmail,
    scheduler: u.schedulerInvocations * PRICES.scheduler.perInvocation,
  };
  const total = Object.values(parts).reduce((a, b) => a + b, 0);
  return { ...parts, total, per1000: total * 1000 };
}

interface Drive {
  rt: LocalRuntime;
  billingRun: (event: unknown) => Promise<unknown>;
  /** A storefront webhook or staff call, timed as one hostcycle-http-api invocation. */
  http(call: () => Promise<{ status: number; body: string }>): Promise<void>;
}

interface Scenario {
  workflow: WorkflowName;
  path: 'happy' | 'worst';
  description: string;
  provisionerFails?: boolean;
  /** Presets whose contract has this lifecycle at all (withdrawal: only where a right of withdrawal exists). */
  appliesTo?: (preset: PresetName) => boolean;
  /** Records the scenario needs that are not part of the lifecycle (not counted). */
  arrange(d: Drive, preset: PresetName): Promise<Record<string, string>>;
  /** The lifecycle itself; returns the business id of its own execution and a one-line outcome. */
  run(d: Drive, preset: PresetName, arranged: Record<string, string>): Promise<{ executionName: string; outcome: () => Promise<string> }>;
}

async function customerWithDueService(d: Drive, preset: PresetName): Promise<Record<string, string>> {
  const { repo, policy } = d.rt.deps;
  const customerId = `cust-${randomUUID().slice(0, 8)}`;
  await repo.create('customer', { id: customerId, state: 'active', type: 'consumer', email: `${customerId}@example.com`, name: 'Ana Novak', language: 'en', country: COUNTRY[preset] }, SETUP);
  const serviceId = `svc-${randomUUID().slice(0, 8)}`;
  await repo.create(
    'service',
    {
      id: serviceId,
      state: 'pending',
      customerId,
      orderId: `ord-${randomUUID().slice(0, 8)}`,
      provider: policy.name,
      productKind: 'shared_hosting',
      productCode: 'starter',
      billingCycle: 'monthly',
      price: { amount: 10_000, currency: CURRENCY[preset] },
      nextDueDate: START.slice(0, 10),
      paidUntil: '2026-03-01',
    },
    SETUP,
  );
  await repo.transition('service', serviceId, { expectedState: 'pending', expectedVersion: 1, to: 'active', audit: SETUP });
  return { customerId, serviceId };
}

function paymentEvent(rt: LocalRuntime, customerId: string, invoiceId: string, amount: { amount: number; currency: string }) {
  const now = rt.clock.now().toISOString();
  return {
    eventId: `evt-${randomUUID()}`,
    type: 'payment.received',
    occurredAt: now,
    data: { paymentId: `pay-${randomUUID().slice(0, 8)}`, invoiceId, customerId, amount, method: 'bank_transfer', receivedAt: now },
  };
}

function invoiceScenario(path: 'happy' | 'worst'): Scenario {
  return {
    workflow: 'invoice-dunning',
    path,
    description: path === 'happy' ? 'renewal invoice issued by the billing run, paid the next day' : 'renewal invoice never paid: runs to deletion/termination',
    arrange: customerWithDueService,
    async run(d, _preset, { customerId = '', serviceId = '' }) {
      await d.billingRun({ time: d.rt.clock.now().toISOString() });
      await d.rt.advance(0);
      const invoiceId = `${serviceId}-${START.slice(0, 10)}`;
      if (path === 'happy') {
        await d.rt.advance('1d');
        const invoice = await d.rt.repo.get('invoice', invoiceId);
        await d.http(() => postWebhook(d.rt, paymentEvent(d.rt, customerId, invoiceId, invoice.total)));
      }
      await d.rt.advance(SETTLE);
      return {
        executionName: invoiceId,
        outcome: async () => `invoice ${(await d.rt.repo.get('invoice', invoiceId)).state}, service ${(await d.rt.repo.get('service', serviceId)).state}`,
      };
    },
  };
}

function orderScenario(path: 'happy' | 'worst'): Scenario {
  return {
    workflow: 'order-activation',
    path,
    description:
      path === 'happy'
        ? 'order placed (reviewed and approved where the preset reviews new customers), paid, provisioned'
        : 'order paid, provisioning fails past its retries, staff never decide: item and order cancelled',
    provisionerFails: path === 'worst',
    arrange: async () => ({}),
    async run(d, preset) {
      const orderId = `ORD-${randomUUID().slice(0, 8)}`;
      const customerId = `CUS-${randomUUID().slice(0, 8)}`;
      const currency = CURRENCY[preset];
      const now = d.rt.clock.now().toISOString();
      const items = [{ itemId: 'i1', kind: 'shared_hosting', productCode: 'web-s', billingCycle: 'monthly', price: { amount: 1200, currency } }];
      const placed = {
        eventId: `evt-${randomUUID()}`,
        type: 'order.placed',
        occurredAt: now,
        data: {
          orderId,
          customer: { type: 'consumer', customerId, name: 'Ana Novak', email: `${customerId.toLowerCase()}@example.com`, language: 'en', country: COUNTRY[preset] },
          items,
          total: { amount: 1200, currency },
        },
      };
      await d.http(() => postWebhook(d.rt, placed));
      await d.rt.advance('1s');
      const review = await d.rt.repo.find('approval', `order:${orderId}:review`);
      if (review?.state === 'pending') {
        await d.http(async () => {
          const res = await fetch(`${d.rt.urls.api}/staff/approvals/${encodeURIComponent(review.id)}/decision`, {
            method: 'POST',
            headers: { authorization: `Bearer ${d.rt.staffToken()}`, 'content-type': 'application/json' },
            body: JSON.stringify({ decision: 'approve', reason: 'benchmark' }),
          });
          return { status: res.status, body: await res.text() };
        });
        await d.rt.advance('1s');
      }
      const invoice = await d.rt.repo.get('invoice', `INV-${orderId}`);
      await d.http(() => postWebhook(d.rt, paymentEvent(d.rt, customerId, invoice.id, invoice.total)));
      await d.rt.advance(SETTLE);
      return { executionName: orderId, outcome: async () => `order ${(await d.rt.repo.get('order', orderId)).state}` };
    },
  };
}

/** Days between activation and the request: inside every preset's refund and withdrawal window. */
const DAYS_SINCE_ACTIVATION = 5;

/**
 * A paid, active annual service, written as the order and dunning workflows leave it (customer,
 * fulfilled order, active service, paid invoice), so a refund or withdrawal starts from it without
 * replaying the order (test/lifecycles/refund/support.ts arranges the same records).
 */
async function paidService(d: Drive, preset: PresetName): Promise<Record<string, string>> {
  const { repo, policy } = d.rt.deps;
  const activatedAt = new Date(Date.parse(START) - DAYS_SINCE_ACTIVATION * 86_400_000).toISOString();
  const day = activatedAt.slice(0, 10);
  const price = { amount: 12_000, currency: CURRENCY[preset] };
  const customerId = `CUS-${randomUUID().slice(0, 8)}`;
  await repo.create('customer', { id: customerId, state: 'active', type: 'consumer', email: `${customerId.toLowerCase()}@example.com`, name: 'Ana Novak', language: 'en', country: COUNTRY[preset] }, SETUP);
  const orderId = `ORD-${randomUUID().slice(0, 8)}`;
  const items = [{ id: 'i1', productKind: 'shared_hosting' as const, productCode: 'web-s', billingCycle: 'annual' as const, price, quantity: 1 }];
  let order = await repo.create('order', { id: orderId, state: 'received', customerId, provider: policy.name, items, total: price, placedAt: activatedAt }, SETUP);
  for (const to of ['awaiting_payment', 'paid', 'fulfilled'] as const) {
    order = await repo.transition('order', orderId, { expectedState: order.state, expectedVersion: order.version, to, audit: SETUP });
  }
  const serviceId = `${orderId}-i1`;
  const service = await repo.create(
    'service',
    { id: serviceId, state: 'pending', customerId, orderId, provider: policy.name, productKind: 'shared_hosting', productCode: 'web-s', billingCycle: 'annual', price },
    SETUP,
  );
  await repo.transition('service', serviceId, { expectedState: 'pending', expectedVersion: service.version, to: 'active', patch: { activatedAt }, audit: SETUP });
  const invoiceId = `INV-${orderId}`;
  const invoice = await repo.create(
    'invoice',
    {
      id: invoiceId,
      state: 'draft',
      customerId,
      provider: policy.name,
      kind: 'invoice',
      lines: [{ kind: 'service_period', description: 'web-s', serviceId, periodStart: day, periodEnd: day, amount: price }],
      total: price,
      amountPaid: { amount: 0, currency: price.currency },
      issueDate: day,
      dueDate: day,
    },
    SETUP,
  );
  const issued = await repo.transition('invoice', invoiceId, { expectedState: 'draft', expectedVersion: invoice.version, to: 'issued', audit: SETUP });
  await repo.recordPayment({
    payment: { id: `PAY-${randomUUID().slice(0, 8)}`, state: 'received', customerId, invoiceId, amount: price, method: 'card', receivedAt: activatedAt },
    invoice: { expectedState: 'issued', expectedVersion: issued.version },
    audit: SETUP,
  });
  return { customerId, orderId, serviceId };
}

/** Staff approve every pending approval over the staff API, as a person would, until none is left. */
async function approveAll(d: Drive): Promise<void> {
  // A withdrawal's refund asks for its own approval once the services are deprovisioned, later on.
  for (let round = 0; round < 6; round++) {
    const pending = await d.rt.deps.approvals.listPending();
    for (const approval of pending) {
      await d.http(async () => {
        const res = await fetch(`${d.rt.urls.api}/staff/approvals/${encodeURIComponent(approval.id)}/decision`, {
          method: 'POST',
          headers: { authorization: `Bearer ${d.rt.staffToken()}`, 'content-type': 'application/json' },
          body: JSON.stringify({ decision: 'approve', reason: 'benchmark' }),
        });
        return { status: res.status, body: await res.text() };
      });
    }
    await d.rt.advance('1h');
  }
}

function refundScenario(path: 'happy' | 'worst'): Scenario {
  return {
    workflow: 'refund',
    path,
    description:
      path === 'happy'
        ? `refund requested ${DAYS_SINCE_ACTIVATION} days after activation; staff approve where the preset asks them; paid out`
        : `refund requested ${DAYS_SINCE_ACTIVATION} days after activation; staff never decide: escalations and reminders until the preset's deadline`,
    arrange: paidService,
    async run(d, _preset, { customerId = '', serviceId = '' }) {
      const refundId = `RF-${randomUUID().slice(0, 8)}`;
      const now = d.rt.clock.now().toISOString();
      await d.http(() =>
        postWebhook(d.rt, {
          eventId: `evt-${randomUUID()}`,
          type: 'refund.requested',
          occurredAt: now,
          data: { refundRequestId: refundId, customerId, serviceId, requestedAt: now, reason: 'not what I needed' },
        }),
      );
      await d.rt.advance('1s');
      if (path === 'happy') await approveAll(d);
      await d.rt.advance(SETTLE);
      return { executionName: refundId, outcome: async () => `refund ${(await d.rt.repo.get('refund', refundId)).state}` };
    },
  };
}

function withdrawalScenario(path: 'happy' | 'worst'): Scenario {
  return {
    workflow: 'withdrawal',
    path,
    appliesTo: (preset) => getPreset(preset).withdrawal !== null,
    description:
      path === 'happy'
        ? `consumer withdraws ${DAYS_SINCE_ACTIVATION} days after the order; staff approve (withdrawal and its refund); refunded`
        : `consumer withdraws ${DAYS_SINCE_ACTIVATION} days after the order; staff never decide anything: every wait runs to its deadline`,
    arrange: paidService,
    async run(d, _preset, { customerId = '', orderId = '' }) {
      const withdrawalId = `WD-${randomUUID().slice(0, 8)}`;
      const now = d.rt.clock.now().toISOString();
      await d.http(() =>
        postWebhook(d.rt, {
          eventId: `evt-${randomUUID()}`,
          type: 'withdrawal.requested',
          occurredAt: now,
          data: { withdrawalRequestId: withdrawalId, customerId, orderId, requestedAt: now, statement: 'I withdraw from the contract.' },
        }),
      );
      await d.rt.advance('1s');
      if (path === 'happy') await approveAll(d);
      await d.rt.advance(SETTLE);
      return { executionName: withdrawalId, outcome: async () => `withdrawal ${(await d.rt.repo.get('withdrawal', withdrawalId)).state}` };
    },
  };
}

export const SCENARIOS: readonly Scenario[] = [
  invoiceScenario('happy'),
  invoiceScenario('worst'),
  orderScenario('happy'),
  orderScenario('worst'),
  refundScenario('happy'),
  refundScenario('worst'),
  withdrawalScenario('happy'),
  withdrawalScenario('worst'),
];

async function statesEntered(rt: LocalRuntime): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const [workflow, stateMachineArn] of Object.entries(rt.stateMachineArns)) {
    const { executions = [] } = await rt.sfn.listExecutions({ stateMachineArn, maxResults: 1000 });
    for (const e of executions) {
      const { events = [] } = await rt.sfn.getExecutionHistory({ executionArn: e.executionArn as string, maxResults: 1000 });
      for (const ev of events) {
        const name = ev.stateEnteredEventDetails?.name;
        if (ev.type?.endsWith('StateEntered') && name) counts[`${workflow}.${name}`] = (counts[`${workflow}.${name}`] ?? 0) + 1;
      }
    }
  }
  return Object.fromEntries(Object.entries(counts).sort((a, b) => b[1] - a[1]));
}

async function runOnce(infra: BenchInfra, scenario: Scenario, preset: PresetName, memoryMb: number): Promise<Usage> {
  const rt = await infra.runtime(preset, {
    start: START,
    provisioner: { delay: '2m', failureRate: scenario.provisionerFails ? 1 : 0 },
  });
  try {
    const timer = new LambdaTimer();
    const billingRun = timer.instrument(rt);
    let schedulerInvocations = 0;
    const drive: Drive = {
      rt,
      billingRun: async (event) => {
        schedulerInvocations += 1;
        return billingRun(event, {});
      },
      async http(call) {
        const started = performance.now();
        const answer = await call();
        timer.record('hostcycle-http-api', performance.now() - started);
        if (answer.status >= 300) throw new Error(`HTTP ${answer.status}: ${answer.body}`);
      },
    };
    const arranged = await scenario.arrange(drive, preset);
    dynamoDb.reset();
    const { executionName, outcome } = await scenario.run(drive, preset, arranged);
    await rt.sfn.whenIdle();
    const usageDb = dynamoDb.usage();
    const metrics = rt.sfn.metrics();
    const ownArn = `${(rt.stateMachineArns[scenario.workflow] as string).replace(':stateMachine:', ':execution:')}:${executionName}`;
    const own = rt.sfn.executionMetrics(ownArn);
    const status = (await rt.sfn.describeExecution({ executionArn: ownArn })).status;
    const byFunction: Record<string, number> = {};
    const msByFunction: Record<string, number[]> = {};
    for (const i of timer.invocations) {
      byFunction[i.functionName] = (byFunction[i.functionName] ?? 0) + 1;
      (msByFunction[i.functionName] ??= []).push(i.billedMs);
    }
    const billedMs = timer.invocations.reduce((s, i) => s + i.billedMs, 0);
    return {
      stateTransitions: metrics.stateTransitions,
      ownExecutionTransitions: own.stateTransitions,
      engineTaskInvocations: metrics.taskInvocations,
      lambdaInvocations: timer.invocations.length,
      lambdaInvocationsByFunction: byFunction,
      lambdaMsByFunction: msByFunction,
      lambdaBilledMs: billedMs,
      lambdaGbSeconds: (billedMs / 1000) * (memoryMb / 1024),
      readRequestUnits: usageDb.readRequestUnits,
      writeRequestUnits: usageDb.writeRequestUnits,
      emails: (await rt.mail()).length,
      schedulerInvocations,
      statesEntered: await statesEntered(rt),
      outcome: `${await outcome()}; execution ${status}`,
    };
  } finally {
    await rt.stop();
  }
}

export async function lifecycleCosts(infra: BenchInfra, runs: number, progress: (line: string) => void): Promise<ScenarioResult[]> {
  const memoryMb = lambdaMemoryMb();
  const results: ScenarioResult[] = [];
  // BENCH_WORKFLOWS=refund,withdrawal runs only those workflows' rows.
  const only = process.env.BENCH_WORKFLOWS?.split(',');
  for (const scenario of SCENARIOS.filter((s) => only === undefined || only.includes(s.workflow))) {
    for (const preset of PRESETS.filter((p) => scenario.appliesTo?.(p) ?? true)) {
      const usages: Usage[] = [];
      for (let i = 0; i < runs; i++) usages.push(await runOnce(infra, scenario, preset, memoryMb));
      // Counts are deterministic (checked); durations are not, so the median run by duration is reported.
      const counted = (u: Usage) => JSON.stringify([u.stateTransitions, u.lambdaInvocations, u.emails, u.writeRequestUnits, u.readRequestUnits]);
      if (new Set(usages.map(counted)).size > 1) progress(`  note: ${scenario.workflow} ${preset} ${scenario.path}: counts differ between runs ${[...new Set(usages.map(counted))].join(' / ')}`);
      const ms = spread(usages.map((u) => u.lambdaBilledMs));
      const median = usages.find((u) => u.lambdaBilledMs === ms.median) ?? (usages[0] as Usage);
      const usage = { ...median, lambdaBilledMs: ms.median, lambdaGbSeconds: (ms.median / 1000) * (memoryMb / 1024) };
      results.push({ workflow: scenario.workflow, preset, path: scenario.path, description: scenario.description, usage, lambdaBilledMs: ms, costUsd: cost(usage) });
      progress(`  ${scenario.workflow} ${preset} ${scenario.path}: ${usage.stateTransitions} transitions, ${usage.lambdaInvocations} Lambda, ${usage.emails} e-mails — ${usage.outcome}`);
    }
  }
  return results;
}
