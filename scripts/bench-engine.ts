/**
 * Benchmark of the local Step Functions engine (not a test): `npx tsx scripts/bench-engine.ts`.
 *
 * 1. State transitions per second for a 10-state JSONata workflow, in memory and persisted.
 * 2. Time and peak memory to drive 10,000 executions through 40 virtual days of waits.
 * Each figure is the median of several runs, printed with its min–max spread. Run with
 * `node --expose-gc --import tsx scripts/bench-engine.ts` to report live (post-GC) memory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EngineClock } from '../infra/local/engine/clock';
import { LocalStepFunctions } from '../infra/local/engine/local-step-functions';
import { envCount, inputOrExit, spread } from './bench/stats';

const RUNS = inputOrExit(() => envCount('BENCH_RUNS', 5));

/** Ten states: a task, Choice, Pass states with Assign/Output and a zero-second Wait, as real workflows mix them. */
const tenStates = {
  QueryLanguage: 'JSONata',
  StartAt: 'Load',
  States: {
    Load: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Arguments: { FunctionName: 'load', Payload: '{% $states.input %}' }, Output: '{% $states.result.Payload %}', Next: 'Remember' },
    Remember: { Type: 'Pass', Assign: { order: '{% $states.input.order %}', total: '{% $states.input.amount %}' }, Next: 'Route' },
    Route: { Type: 'Choice', Choices: [{ Condition: '{% $total > 100 %}', Next: 'Large' }], Default: 'Small' },
    Large: { Type: 'Pass', Output: { size: 'large', order: '{% $order %}' }, Next: 'Tax' },
    Small: { Type: 'Pass', Output: { size: 'small', order: '{% $order %}' }, Next: 'Tax' },
    Tax: { Type: 'Pass', Assign: { tax: '{% $round($total * 0.19, 2) %}' }, Next: 'Settle' },
    Settle: { Type: 'Wait', Seconds: 0, Next: 'Compose' },
    Compose: { Type: 'Pass', Output: { order: '{% $order %}', gross: '{% $total + $tax %}' }, Next: 'Audit' },
    Audit: { Type: 'Pass', Output: '{% $merge([$states.input, {"audited": true}]) %}', Next: 'Done' },
    Done: { Type: 'Succeed' },
  },
};

const fortyDays = {
  QueryLanguage: 'JSONata',
  StartAt: 'Issue',
  States: {
    Issue: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Arguments: { FunctionName: 'load', Payload: '{% $states.input %}' }, Assign: { dueAt: '{% $states.result.Payload.dueAt %}' }, Next: 'UntilDue' },
    UntilDue: { Type: 'Wait', Timestamp: '{% $dueAt %}', Next: 'Remind' },
    Remind: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Arguments: { FunctionName: 'load', Payload: {} }, Next: 'Grace' },
    Grace: { Type: 'Wait', Seconds: 1_209_600, Next: 'Suspend' },
    Suspend: { Type: 'Pass', Output: { suspended: true }, Next: 'Retention' },
    Retention: { Type: 'Wait', Seconds: 1_209_600, Next: 'Done' },
    Done: { Type: 'Succeed' },
  },
};

function fmt(v: { median: number; min: number; max: number }, unit: string, digits = 0): string {
  return `${v.median.toFixed(digits)} ${unit} (min ${v.min.toFixed(digits)}, max ${v.max.toFixed(digits)})`;
}

async function transitionsPerSecond(persisted: boolean, executions: number): Promise<number> {
  const dir = persisted ? mkdtempSync(join(tmpdir(), 'bench-engine-')) : undefined;
  const clock = new EngineClock({ start: '2026-01-01T00:00:00Z' });
  const sfn = new LocalStepFunctions({ clock, dataDir: dir, lambdas: { load: (e) => e } });
  const { stateMachineArn } = await sfn.registerStateMachine('ten', JSON.stringify(tenStates));
  const started = performance.now();
  for (let i = 0; i < executions; i++) {
    await sfn.startExecution({ stateMachineArn, input: JSON.stringify({ order: `ORD-${i}`, amount: i % 200 }) });
  }
  await sfn.whenIdle();
  const seconds = (performance.now() - started) / 1000;
  const transitions = sfn.metrics().stateTransitions;
  if (transitions !== executions * 9) throw new Error(`expected ${executions * 9} transitions, counted ${transitions}`);
  await sfn.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  return transitions / seconds;
}

async function fortyVirtualDays(persisted: boolean, executions: number): Promise<{ seconds: number; peakRssMb: number; peakHeapMb: number }> {
  const dir = persisted ? mkdtempSync(join(tmpdir(), 'bench-engine-')) : undefined;
  const clock = new EngineClock({ start: '2026-01-01T00:00:00Z' });
  const dueAt = '2026-01-11T00:00:00Z';
  const sfn = new LocalStepFunctions({ clock, dataDir: dir, lambdas: { load: () => ({ dueAt }) } });
  const { stateMachineArn } = await sfn.registerStateMachine('forty', JSON.stringify(fortyDays));
  let peakRss = 0;
  let peakHeap = 0;
  const sample = () => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  };
  const sampler = (globalThis as { gc?: () => void }).gc ? undefined : setInterval(sample, 20);
  const started = performance.now();
  for (let i = 0; i < executions; i++) await sfn.startExecution({ stateMachineArn, name: `inv-${i}`, input: JSON.stringify({ invoice: i }) });
  for (let day = 0; day < 40; day++) {
    await clock.advance('1d');
    // Live memory, not garbage awaiting collection, when run with --expose-gc.
    (globalThis as { gc?: () => void }).gc?.();
    sample();
  }
  const seconds = (performance.now() - started) / 1000;
  if (sampler) clearInterval(sampler);
  const open = (await sfn.listExecutions({ stateMachineArn, statusFilter: 'RUNNING', maxResults: 1 })).executions?.length ?? 0;
  const done = (await sfn.listExecutions({ stateMachineArn, statusFilter: 'SUCCEEDED', maxResults: 1000 })).executions?.length ?? 0;
  if (open !== 0 || done === 0) throw new Error('the 40-day run did not complete every execution');
  await sfn.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  return { seconds, peakRssMb: peakRss / 2 ** 20, peakHeapMb: peakHeap / 2 ** 20 };
}

async function main(): Promise<void> {
  console.log(`local engine benchmark — ${RUNS} runs each, Node ${process.version}\n`);
  for (const persisted of [false, true]) {
    await transitionsPerSecond(persisted, 200);
    const rates: number[] = [];
    for (let i = 0; i < RUNS; i++) rates.push(await transitionsPerSecond(persisted, 2000));
    console.log(`10-state workflow, ${persisted ? 'persisted' : 'in memory'}: ${fmt(spread(rates), 'transitions/s')}`);
  }
  for (const persisted of [false, true]) {
    const runs: Array<{ seconds: number; peakRssMb: number; peakHeapMb: number }> = [];
    for (let i = 0; i < Math.min(RUNS, 3); i++) runs.push(await fortyVirtualDays(persisted, 10_000));
    console.log(
      `10,000 executions × 40 virtual days, ${persisted ? 'persisted' : 'in memory'}: ` +
        `${fmt(spread(runs.map((r) => r.seconds)), 's', 2)}; peak RSS ${fmt(spread(runs.map((r) => r.peakRssMb)), 'MiB')}; peak heap ${fmt(spread(runs.map((r) => r.peakHeapMb)), 'MiB')}`,
    );
  }
}

await main();
