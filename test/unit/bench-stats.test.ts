import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BenchInputError, envCount, envList, machine, oneOf, parseCount, sourceCommit, spread } from '../../scripts/bench/stats';

/** Runs a bench script as `npx tsx` would, in `cwd`, so that a report it wrongly wrote would show there. */
function runScript(script: string, args: string[], env: Record<string, string>, cwd: string) {
  return spawnSync(process.execPath, [resolve('node_modules/tsx/dist/cli.mjs'), resolve(script), ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
  });
}

describe('spread', () => {
  it('takes the middle value of an odd count and the mean of the middle two of an even one', () => {
    expect(spread([5, 1, 3])).toEqual({ median: 3, min: 1, max: 5, runs: 3 });
    // Two runs, as the 4,000-service simulation had for a day: the median is their mean, not the larger one.
    expect(spread([5960, 5702])).toEqual({ median: 5831, min: 5702, max: 5960, runs: 2 });
    expect(spread([7])).toEqual({ median: 7, min: 7, max: 7, runs: 1 });
  });
  it('refuses to summarise nothing', () => {
    expect(() => spread([])).toThrow(/no values/);
  });
});

describe('envCount', () => {
  it('gives the fallback when the variable is unset or blank, and the number when it is one', () => {
    expect(envCount('BENCH_RUNS', 3, {})).toBe(3);
    expect(envCount('BENCH_RUNS', 3, { BENCH_RUNS: '  ' })).toBe(3);
    expect(envCount('BENCH_RUNS', 3, { BENCH_RUNS: '7' })).toBe(7);
    expect(envCount('BENCH_RUNS', 3, { BENCH_RUNS: ' 12 ' })).toBe(12);
  });
  it.each(['abc', '0', '-2', '1.5', '1e9', '3 runs'])('refuses BENCH_RUNS=%j, naming the variable and the reason', (raw) => {
    const read = () => envCount('BENCH_RUNS', 3, { BENCH_RUNS: raw });
    expect(read).toThrow(BenchInputError);
    expect(read).toThrow(`BENCH_RUNS=${JSON.stringify(raw)}: expected a whole number from 1 to 1,000,000`);
  });
  it('parses an argument the same way, empty text included', () => {
    expect(parseCount('services', '4000')).toBe(4000);
    expect(() => parseCount('services', '')).toThrow('services="": expected a whole number');
  });
});

describe('envList and oneOf', () => {
  const SECTIONS = ['cost', 'engine', 'reads'] as const;
  it('splits a list on commas, trimmed, and falls back when unset or blank', () => {
    expect(envList('BENCH_ONLY', 'cost,engine', {})).toEqual(['cost', 'engine']);
    expect(envList('BENCH_ONLY', 'cost,engine', { BENCH_ONLY: ' ' })).toEqual(['cost', 'engine']);
    expect(envList('BENCH_ONLY', 'cost', { BENCH_ONLY: 'reads, engine' })).toEqual(['reads', 'engine']);
  });
  it('accepts an allowed name and refuses another, naming the variable and what is allowed', () => {
    expect(oneOf('BENCH_ONLY', 'reads', SECTIONS)).toBe('reads');
    expect(() => oneOf('BENCH_ONLY', 'read', SECTIONS)).toThrow(new BenchInputError('BENCH_ONLY: "read" is not one of cost, engine, reads'));
    expect(() => oneOf('BENCH_ONLY', '', SECTIONS)).toThrow('BENCH_ONLY: "" is not one of cost, engine, reads');
  });
});

describe('sourceCommit and machine', () => {
  const outside = mkdtempSync(join(tmpdir(), 'hostcycle-no-git-'));
  afterAll(() => rmSync(outside, { recursive: true, force: true }));

  it('names the checked-out commit, marked when tracked files differ from it', () => {
    const head = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).stdout.trim();
    expect(head).toMatch(/^[0-9a-f]{7,}$/);
    expect([head, `${head}+changes`]).toContain(sourceCommit());
  });
  it('says "unknown" outside a git working tree', () => {
    expect(sourceCommit(outside)).toBe('unknown');
  });
  it('is part of the machine record a report starts with, with the load at start', () => {
    const m = machine();
    expect(m.commit).toBe(sourceCommit());
    expect(m.nproc).toBe(cpus().length);
    expect(m.loadAverageAtStart).toHaveLength(3);
    expect(Date.parse(m.date)).not.toBeNaN();
  });
});

describe('npm run bench input', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'hostcycle-bench-input-'));
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));

  it.each([
    [{ BENCH_ONLY: 'cost,webhook' }, 'BENCH_ONLY: "webhook" is not one of cost, engine, reads, bundles, webhooks'],
    [{ BENCH_WEBHOOK_RATES: '5,ten' }, 'BENCH_WEBHOOK_RATES="ten": expected a whole number from 1 to 1,000,000'],
    [{ BENCH_WEBHOOK_REQUESTS: '0' }, 'BENCH_WEBHOOK_REQUESTS="0": expected a whole number from 1 to 1,000,000'],
  ])('%j exits 2 with one line, before any figure runs or a report is written', (env, message) => {
    const result = runScript('scripts/bench/index.ts', [], env, cwd);
    expect(result.status).toBe(2);
    expect(result.stderr.trim()).toBe(message);
    expect(result.stdout).toBe('');
    expect(existsSync(join(cwd, '.reports'))).toBe(false);
  });
});

describe('bench-simulate input', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'hostcycle-bench-input-'));
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));

  it.each([
    [['100'], { BENCH_RUNS: 'three' }, 'BENCH_RUNS="three": expected a whole number from 1 to 1,000,000'],
    [['100'], { BENCH_MONTHS: '0' }, 'BENCH_MONTHS="0": expected a whole number from 1 to 1,000,000'],
    [['100'], { BENCH_PRESET: 'whmcs' }, 'BENCH_PRESET="whmcs": not a preset (hostico, smartape, secom)'],
    [['100', '2k'], {}, 'services="2k": expected a whole number from 1 to 1,000,000'],
  ])('%j with %j exits 2 with one line, before starting anything or writing a report', (args, env, message) => {
    const result = runScript('scripts/bench-simulate.ts', args, env, cwd);
    expect(result.status).toBe(2);
    expect(result.stderr.trim()).toBe(message);
    expect(result.stdout).toBe('');
    expect(existsSync(join(cwd, '.reports'))).toBe(false);
  });
});
