/**
 * Figure 2: the local engine's throughput, as scripts/bench-engine.ts measures it. That script runs on
 * import and prints its figures, so it is spawned (with --expose-gc, as `npm run bench:engine` runs it)
 * and its lines are parsed; its own medians and spreads are kept as it prints them.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

export interface EngineFigure {
  label: string;
  median: number;
  min: number;
  max: number;
  unit: string;
  /** The whole line, which for the 40-day runs also carries peak memory. */
  line: string;
}

export const TRANSITION_TARGETS = { inMemory: 10_000, persisted: 1_000 } as const;

export async function engineThroughput(runs: number): Promise<EngineFigure[]> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', '--import', 'tsx', 'scripts/bench-engine.ts'], {
    env: { ...process.env, BENCH_RUNS: String(runs) },
    maxBuffer: 10 * 2 ** 20,
  });
  const figures: EngineFigure[] = [];
  for (const line of stdout.split('\n')) {
    const m = /^(.+?): ([\d.]+) (\S+) \(min ([\d.]+), max ([\d.]+)\)/.exec(line.trim());
    if (m) figures.push({ label: m[1] as string, median: Number(m[2]), unit: m[3] as string, min: Number(m[4]), max: Number(m[5]), line: line.trim() });
  }
  if (figures.length === 0) throw new Error(`scripts/bench-engine.ts printed no figures:\n${stdout}`);
  return figures;
}
