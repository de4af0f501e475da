/**
 * What every benchmark script shares that loads nothing else (scripts/bench-engine.ts and the children
 * of bench-simulate.ts measure their own heap, so they must not pull in the AWS SDK through common.ts):
 * the median-and-spread summary, the machine a run happened on (shared and noisy, so its load at start
 * and the commit measured are part of the record), and the checks of a script's input.
 */
import { execFileSync } from 'node:child_process';
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import { z } from 'zod';

export interface Spread {
  median: number;
  min: number;
  max: number;
  runs: number;
}

/** Median (the mean of the middle two for an even count), minimum and maximum. */
export function spread(values: readonly number[]): Spread {
  if (values.length === 0) throw new Error('no values to summarise');
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  const median = s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
  return { median, min: s[0] as number, max: s[s.length - 1] as number, runs: s.length };
}

export class BenchInputError extends Error {
  override name = 'BenchInputError';
}

const count = z.coerce.number().int().min(1).max(1_000_000);

/** A count such as BENCH_RUNS: the fallback when unset, a whole number ≥ 1 otherwise, or an error naming the variable. */
export function envCount(name: string, fallback: number, env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[name];
  return raw === undefined || raw.trim() === '' ? fallback : parseCount(name, raw);
}

/** A whole number from 1 to 1,000,000 given as text (a variable or an argument, named by `label`). */
export function parseCount(label: string, raw: string): number {
  const parsed = count.safeParse(raw.trim() === '' ? undefined : raw.trim());
  if (!parsed.success) throw new BenchInputError(`${label}=${JSON.stringify(raw)}: expected a whole number from 1 to 1,000,000`);
  return parsed.data;
}

/** A comma-separated list such as BENCH_ONLY=cost,reads: the fallback's items when unset or blank. */
export function envList(name: string, fallback: string, env: NodeJS.ProcessEnv = process.env): string[] {
  const raw = env[name];
  return (raw === undefined || raw.trim() === '' ? fallback : raw).split(',').map((item) => item.trim());
}

/** One of the allowed names, or an error naming the variable, the value and what is allowed. */
export function oneOf<T extends string>(label: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new BenchInputError(`${label}: ${JSON.stringify(value)} is not one of ${allowed.join(', ')}`);
}

/** Reads a script's input: a BenchInputError becomes one line on stderr and exit code 2, not a stack trace. */
export function inputOrExit<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (!(error instanceof BenchInputError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
}

/** The commit the working tree is at, with "+changes" when it differs from it, or "unknown" outside git. */
export function sourceCommit(cwd = process.cwd()): string {
  const git = (...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  try {
    const head = git('rev-parse', '--short', 'HEAD');
    return git('status', '--porcelain', '--untracked-files=no') === '' ? head : `${head}+changes`;
  } catch {
    return 'unknown';
  }
}

/** The machine and source a bench run starts on; taken once, at the start of a report. */
export function machine() {
  const cpu = cpus();
  return {
    date: new Date().toISOString(),
    nproc: cpu.length,
    cpuModel: cpu[0]?.model ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    freeMemoryGiB: Math.round((freemem() / 2 ** 30) * 10) / 10,
    node: process.version,
    commit: sourceCommit(),
    loadAverageAtStart: loadavg().map((l) => Math.round(l * 100) / 100),
  };
}
