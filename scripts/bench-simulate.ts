/**
 * Simulation scale (issue 7, figure 3), a script and never a timed test:
 *
 *   npx tsx scripts/bench-simulate.ts [services …]        default: 1000 2000 4000
 *   BENCH_RUNS=3 BENCH_MONTHS=12 BENCH_PRESET=hostico
 *
 * Simulates a generated scenario (85 % pay on time, 10 % in grace, 5 % never) for BENCH_MONTHS
 * months of billing through the real local runtime (`hostcycle simulate` with `--quiet`), each run in
 * a fresh child process so that its peak RSS is its own. Prints the median wall time of BENCH_RUNS
 * runs with its spread, the peak RSS of the Node process (DynamoDB Local's JVM is a process of its
 * own and not counted), the heap still in use after a full collection at the end, and the work
 * done, and writes them to .reports/bench-simulate.json.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseScenario } from '../functions/simulate/scenario';
import { simulate } from '../functions/simulate/run';
import { isPresetName, PRESET_NAMES } from '../functions/domain/policy';
import { startDynamoDbLocal } from '../infra/local/dynamodb-local';
import { BenchInputError, envCount, inputOrExit, machine, parseCount, spread } from './bench/stats';

const args = process.argv.slice(2);
const { RUNS, MONTHS, PRESET, SIZES } = inputOrExit(() => {
  const preset = process.env.BENCH_PRESET ?? 'hostico';
  if (!isPresetName(preset)) throw new BenchInputError(`BENCH_PRESET=${JSON.stringify(preset)}: not a preset (${PRESET_NAMES.join(', ')})`);
  const sizes = args[0] === '--one' ? args.slice(1, 2) : args;
  return {
    RUNS: envCount('BENCH_RUNS', 3),
    MONTHS: envCount('BENCH_MONTHS', 12),
    PRESET: preset,
    SIZES: sizes.length > 0 ? sizes.map((size) => parseCount('services', size)) : [1000, 2000, 4000],
  };
});
const START = '2026-01-05T08:00:00Z';

interface RunFigures {
  services: number;
  wallMs: number;
  maxRssMiB: number;
  liveHeapMiB: number;
  heapBeforeMiB: number;
  heapWithoutResultMiB: number;
  stateTransitions: number;
  taskInvocations: number;
  retries: Record<string, number>;
  emails: number;
  timelineEntries: number;
  violations: number;
  problems: number;
}

/** One run, in this (child) process: prints its figures as one JSON line on stdout. */
async function one(services: number): Promise<void> {
  const end = new Date(Date.parse(START));
  end.setUTCMonth(end.getUTCMonth() + MONTHS);
  const scenario = parseScenario({
    name: `${services} services, ${MONTHS} months`,
    preset: PRESET,
    start: START,
    end: end.toISOString(),
    generate: { services, mix: { onTime: 0.85, inGrace: 0.1, never: 0.05 }, seed: 42 },
  });
  // Started here (in memory, as the runtime would) only to give a loaded machine's JVM longer to answer.
  const ddb = await startDynamoDbLocal({ readyTimeoutMs: 300_000 });
  const heapBeforeMiB = await settledHeapMiB();
  const began = performance.now();
  let result: Awaited<ReturnType<typeof simulate>> | undefined = await simulate(scenario, {
    runtime: { dynamodb: { endpoint: ddb.endpoint, tableName: 'hostcycle' } },
    progress: (p) => process.stderr.write(`  ${services}: ${p.at.slice(0, 10)} (${p.month}/${p.months}) ${p.stateTransitions} transitions, ${(p.elapsedMs / 1000).toFixed(0)} s\n`),
  });
  const wallMs = Math.round(performance.now() - began);
  // Peak RSS counts garbage V8 had not yet collected (on a 24 GiB machine it collects late). The heap
  // left after a full collection is measured twice: with the result still held, and after dropping
  // it — the second, against the heap before the run, is what the simulation leaves behind (a leak).
  const liveHeapMiB = await settledHeapMiB();
  const figures: RunFigures = {
    services,
    wallMs,
    maxRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    liveHeapMiB,
    heapBeforeMiB,
    heapWithoutResultMiB: 0,
    stateTransitions: result.stats.stateTransitions,
    taskInvocations: result.stats.taskInvocations,
    retries: result.stats.retries,
    emails: result.stats.emails,
    timelineEntries: result.timeline.length,
    violations: result.violations.length,
    problems: result.problems.length,
  };
  if (figures.problems > 0 || figures.violations > 0) process.stderr.write(`  ${JSON.stringify({ problems: result.problems.slice(0, 5), violations: result.violations.slice(0, 5) })}\n`);
  result = undefined;
  figures.heapWithoutResultMiB = await settledHeapMiB();
  await ddb.stop();
  process.stdout.write(`${JSON.stringify({ ...figures, loadAverage: loadavg().map((l) => Number(l.toFixed(2))) })}\n`);
}

/**
 * The heap in use after full collections, measured from a fresh macrotask: a collection in the same
 * job as the `await simulate()` that resumed it can still find the settled promise, which holds the
 * result: measured that way, 1,000 services for a year left 546 MiB with the result and the same
 * 546 MiB without it.
 */
async function settledHeapMiB(): Promise<number> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run with --expose-gc: the heap figures need full collections');
  await new Promise((ok) => setTimeout(ok, 10));
  gc();
  await new Promise((ok) => setImmediate(ok));
  gc();
  return Math.round(process.memoryUsage().heapUsed / 2 ** 20);
}

async function bench(sizes: number[]): Promise<void> {
  const self = fileURLToPath(import.meta.url);
  const started = machine();
  const rows = [];
  for (const services of sizes) {
    const runs: (RunFigures & { startedAt: string; loadAverage: number[] })[] = [];
    for (let i = 0; i < RUNS; i++) {
      const startedAt = new Date().toISOString();
      const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', self, '--one', String(services)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24 });
      const line = out.trim().split('\n').at(-1) ?? '{}';
      process.stderr.write(`  run ${i + 1}/${RUNS}: ${line}\n`);
      runs.push({ startedAt, ...(JSON.parse(line) as RunFigures & { loadAverage: number[] }) });
    }
    const wall = spread(runs.map((r) => r.wallMs / 1000));
    const row = {
      services,
      months: MONTHS,
      runs: RUNS,
      wallSecondsMedian: wall.median,
      wallSecondsSpread: [wall.min, wall.max],
      wallSecondsEach: runs.map((r) => r.wallMs / 1000),
      startedAtEach: runs.map((r) => r.startedAt),
      loadAverageAtEndEach: runs.map((r) => r.loadAverage),
      peakRssMiBEach: runs.map((r) => r.maxRssMiB),
      peakRssMiBMedian: spread(runs.map((r) => r.maxRssMiB)).median,
      liveHeapMiBMedian: spread(runs.map((r) => r.liveHeapMiB)).median,
      heapBeforeMiBMedian: spread(runs.map((r) => r.heapBeforeMiB)).median,
      heapWithoutResultMiBMedian: spread(runs.map((r) => r.heapWithoutResultMiB)).median,
      // Each run's, not the first run's: retries (a conflict's outcome depends on real timing) can add
      // transitions and invocations to one run without changing what the simulation did.
      stateTransitionsEach: runs.map((r) => r.stateTransitions),
      taskInvocationsEach: runs.map((r) => r.taskInvocations),
      retriesEach: runs.map((r) => r.retries),
      timelineEntriesEach: runs.map((r) => r.timelineEntries),
      emails: runs[0]?.emails,
      violations: Math.max(...runs.map((r) => r.violations)),
      problems: Math.max(...runs.map((r) => r.problems)),
    };
    rows.push(row);
    console.log(
      `${services} services × ${MONTHS} months: ${row.wallSecondsMedian.toFixed(1)} s median (${row.wallSecondsSpread.map((s) => s.toFixed(1)).join('–')} s), peak RSS ${row.peakRssMiBMedian} MiB, heap after GC ${row.liveHeapMiBMedian} MiB (${row.heapWithoutResultMiBMedian} MiB without the result, ${row.heapBeforeMiBMedian} MiB before the run), ${[...new Set(row.stateTransitionsEach)].join(' / ')} transitions, ${row.emails} e-mails, ${row.retriesEach.every((r) => Object.keys(r).length === 0) ? 'no step retried' : `retries ${row.retriesEach.map((r) => JSON.stringify(r)).join(' / ')}`}`,
    );
  }
  mkdirSync('.reports', { recursive: true });
  const report = { date: new Date().toISOString(), machine: started, preset: PRESET, months: MONTHS, rows };
  writeFileSync('.reports/bench-simulate.json', `${JSON.stringify(report, null, 2)}\n`);
  console.log('written to .reports/bench-simulate.json');
}

if (args[0] === '--one') await one(SIZES[0] as number);
else await bench(SIZES);
