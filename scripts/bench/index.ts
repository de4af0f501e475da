/**
 * `npm run bench`: what a hostcycle lifecycle costs on AWS and how fast hostcycle runs on this machine
 * (issue 7). A script, never a test: it prints a summary and saves every figure to .reports/bench.json.
 *
 *   BENCH_RUNS=3        runs per figure (each figure is the median with its min–max spread)
 *   BENCH_ONLY=cost,…   only some figures: cost, engine, reads, bundles, webhooks
 *
 * The machine is shared and noisy: its load average at start is recorded with the figures.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { BenchInfra, fmt } from './common';
import { envCount, envList, inputOrExit, machine, oneOf, parseCount } from './stats';
import { bundleSizes, type BundleSize } from './bundles';
import { engineThroughput, TRANSITION_TARGETS, type EngineFigure } from './engine';
import { lambdaMemoryMb, lifecycleCosts, TARGETS, type ScenarioResult } from './lifecycle-cost';
import { PRICES } from './prices';
import { readAmplification, type ReadAmplification } from './read-amplification';
import { P99_TARGET_MS, webhookIntake, type IntakeFigure, type WebhookIntake } from './webhook-intake';

// Read before any figure runs, so a mistyped count stops the bench at once, not after the first figures.
const SECTIONS = ['cost', 'engine', 'reads', 'bundles', 'webhooks'] as const;
const { RUNS, WEBHOOK_REQUESTS, WEBHOOK_SECONDS, WEBHOOK_RATES, ONLY } = inputOrExit(() => ({
  RUNS: envCount('BENCH_RUNS', 3),
  WEBHOOK_REQUESTS: envCount('BENCH_WEBHOOK_REQUESTS', 300),
  WEBHOOK_SECONDS: envCount('BENCH_WEBHOOK_SECONDS', 10),
  WEBHOOK_RATES: envList('BENCH_WEBHOOK_RATES', '5,10,20,50,100').map((rate) => parseCount('BENCH_WEBHOOK_RATES', rate)),
  ONLY: new Set(envList('BENCH_ONLY', SECTIONS.join(',')).map((name) => oneOf('BENCH_ONLY', name, SECTIONS))),
}));
const REPORT = '.reports/bench.json';

const log = (line = '') => console.log(line);
const usd = (v: number) => `$${v.toFixed(v < 0.01 ? 6 : 4)}`;
const kib = (b: number) => `${(b / 1024).toFixed(1)} KiB`;

interface Report {
  machine: ReturnType<typeof machine>;
  runs: number;
  prices: typeof PRICES;
  lambdaMemoryMb: number;
  lifecycles?: ScenarioResult[];
  targets?: { name: string; limit: number; measured: number; met: boolean; costliestStates?: [string, number][] }[];
  per1000?: Record<`${'invoices' | 'orders' | 'refunds' | 'withdrawals'}${'Happy' | 'Worst'}`, number> & { byPreset: Record<string, Record<string, number>> };
  engine?: EngineFigure[];
  readAmplification?: ReadAmplification;
  bundles?: BundleSize[];
  webhookIntake?: WebhookIntake;
}

function printCosts(results: ScenarioResult[], report: Report): void {
  log('1. Cost per lifecycle (counted on the local runtime; AWS list prices us-east-1 as of ' + PRICES.asOf + ')');
  log('   workflow          preset    path   transitions (own)  Lambda  billed ms            RRU    WRU   mail  sched  $/1,000');
  for (const r of results) {
    const u = r.usage;
    log(
      `   ${r.workflow.padEnd(17)} ${r.preset.padEnd(9)} ${r.path.padEnd(6)} ${`${u.stateTransitions} (${u.ownExecutionTransitions})`.padStart(17)}  ${String(u.lambdaInvocations).padStart(6)}  ${fmt(r.lambdaBilledMs, 'ms').padEnd(20)} ${u.readRequestUnits.toFixed(1).padStart(6)} ${u.writeRequestUnits.toFixed(1).padStart(6)} ${String(u.emails).padStart(6)} ${String(u.schedulerInvocations).padStart(6)}  ${usd(r.costUsd.per1000).padStart(8)}`,
    );
    log(`      ${u.outcome}`);
  }
  const mean = (rs: ScenarioResult[]) => (rs.length === 0 ? Number.NaN : rs.reduce((s, r) => s + r.costUsd.per1000, 0) / rs.length);
  const pick = (workflow: string, path: string) => results.filter((r) => r.workflow === workflow && r.path === path);
  const byPreset: Record<string, Record<string, number>> = {};
  for (const r of results) (byPreset[r.preset] ??= {})[`${r.workflow} ${r.path}`] = r.costUsd.per1000;
  report.per1000 = {
    invoicesHappy: mean(pick('invoice-dunning', 'happy')),
    invoicesWorst: mean(pick('invoice-dunning', 'worst')),
    ordersHappy: mean(pick('order-activation', 'happy')),
    ordersWorst: mean(pick('order-activation', 'worst')),
    refundsHappy: mean(pick('refund', 'happy')),
    refundsWorst: mean(pick('refund', 'worst')),
    withdrawalsHappy: mean(pick('withdrawal', 'happy')),
    withdrawalsWorst: mean(pick('withdrawal', 'worst')),
    byPreset,
  };
  const p = report.per1000;
  const line = (what: string, happy: number, worst: number, happyLabel: string, worstLabel: string) => {
    if (!Number.isNaN(happy) || !Number.isNaN(worst)) log(`   per 1,000 ${what} (mean of presets): ${happyLabel} ${usd(happy)}, ${worstLabel} ${usd(worst)}`);
  };
  line('invoices   ', p.invoicesHappy, p.invoicesWorst, 'paid on time', 'never paid');
  line('orders     ', p.ordersHappy, p.ordersWorst, 'fulfilled', 'provisioning failed');
  line('refunds    ', p.refundsHappy, p.refundsWorst, 'approved and paid', 'staff never decide');
  line('withdrawals', p.withdrawalsHappy, p.withdrawalsWorst, 'approved and refunded', 'staff never decide');
  report.targets = [];
  for (const r of pick('invoice-dunning', 'happy').concat(pick('invoice-dunning', 'worst'))) {
    const limit = r.path === 'happy' ? TARGETS.paidOnTimeInvoice : TARGETS.invoiceToDeletion;
    const measured = r.usage.ownExecutionTransitions;
    const target = { name: `${r.preset} invoice ${r.path === 'happy' ? 'paid on time' : 'to deletion/termination'} ≤ ${limit} transitions`, limit, measured, met: measured <= limit };
    const costliest = Object.entries(r.usage.statesEntered).filter(([s]) => s.startsWith('invoice-dunning.')).slice(0, 5);
    report.targets.push(target.met ? target : { ...target, costliestStates: costliest });
    log(`   target ${target.name}: ${measured} — ${target.met ? 'met' : `MISSED; most entered: ${costliest.map(([s, n]) => `${s.replace('invoice-dunning.', '')}×${n}`).join(', ')}`}`);
  }
}

async function main(): Promise<void> {
  const report: Report = { machine: machine(), runs: RUNS, prices: PRICES, lambdaMemoryMb: lambdaMemoryMb() };
  const m = report.machine;
  log(`hostcycle bench — ${m.date}, ${m.nproc} × ${m.cpuModel}, ${m.memoryGiB} GiB, Node ${m.node}, load average at start ${m.loadAverageAtStart.join(' ')}; ${RUNS} runs per figure\n`);

  if (ONLY.has('engine')) {
    // First, before DynamoDB Local and the emulators compete for the two cores.
    report.engine = await engineThroughput(RUNS);
    log('2. Engine throughput (scripts/bench-engine.ts)');
    for (const f of report.engine) {
      const target = f.label.includes('in memory') && f.unit === 'transitions/s' ? TRANSITION_TARGETS.inMemory : f.label.includes('persisted') && f.unit === 'transitions/s' ? TRANSITION_TARGETS.persisted : undefined;
      log(`   ${f.line}${target === undefined ? '' : ` — target ≥ ${target.toLocaleString('en-US')}/s ${f.median >= target ? 'met' : 'MISSED'}`}`);
    }
    log();
  }

  if (ONLY.has('bundles')) {
    report.bundles = await bundleSizes();
    log('4. Lambda bundles (esbuild, minified, CDK construct options)');
    for (const b of report.bundles) log(`   ${b.name.padEnd(34)} ${kib(b.bytes).padStart(11)}   ${b.topPackages.map((p) => `${p.name} ${kib(p.bytes)}`).join(', ')}`);
    log();
  }

  const infra = await BenchInfra.start();
  try {
    if (ONLY.has('cost')) {
      report.lifecycles = await lifecycleCosts(infra, RUNS, log);
      printCosts(report.lifecycles, report);
      log();
    }
    if (ONLY.has('reads')) {
      report.readAmplification = await readAmplification(infra, RUNS, 50, 500);
      const r = report.readAmplification;
      log(`3. Billing-run read amplification: ${r.servicesDue} due among ${r.servicesTotal} services`);
      log(`   items read ${fmt(r.itemsRead, '')}÷ items due ${fmt(r.itemsDue, '')}= ${fmt(r.ratio, '', 2)}(target 1.0 ${r.ratio.max <= 1 ? 'met' : 'MISSED'}); ${fmt(r.queryRequests, 'Query')} + ${fmt(r.getItemRequests, 'GetItem')} requests, ${fmt(r.readRequestUnits, 'RRU', 1)}, run ${fmt(r.runMs, 'ms')}`);
      log();
    }
    if (ONLY.has('webhooks')) {
      report.webhookIntake = await webhookIntake(infra, RUNS, { requests: WEBHOOK_REQUESTS, clients: 50, rates: WEBHOOK_RATES, seconds: WEBHOOK_SECONDS });
      const w = report.webhookIntake;
      const line = (f: IntakeFigure) =>
        `p50 ${fmt(f.p50Ms, 'ms', 1)}, p99 ${fmt(f.p99Ms, 'ms', 1)} (target < ${P99_TARGET_MS} ms ${f.p99Ms.median < P99_TARGET_MS ? 'met' : 'MISSED'}), ${fmt(f.requestsPerSecond, 'req/s', 1)}, load ${fmt(f.loadAverage, '', 1)}`;
      log(`5. Webhook intake (order.placed, smartape, each starting an order-activation execution on the same machine)`);
      log(`   DynamoDB Local, one call at a time: ${w.dynamoDbLocal.map((d) => `${d.command} p50 ${fmt(d.p50Ms, 'ms', 2)}, p99 ${fmt(d.p99Ms, 'ms', 2)}`).join('; ')}`);
      for (const f of w.open) log(`   ${f.label}: ${line(f)}`);
      log(`   ${w.closed.label}: ${line(w.closed)}; Little's law: p50 ≥ ${w.closed.clients} ÷ throughput ≈ ${w.closed.littleLawP50FloorMs.toFixed(0)} ms`);
      log(`   statuses ${JSON.stringify(w.statuses)}${w.firstError === undefined ? '' : `; first error: ${w.firstError.slice(0, 300)}`}`);
      log();
    }
  } finally {
    await infra.stop();
  }

  mkdirSync('.reports', { recursive: true });
  writeFileSync(REPORT, `${JSON.stringify(report, null, 2)}\n`);
  log(`saved ${REPORT}`);
}

await main();
