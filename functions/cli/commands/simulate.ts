/**
 * `hostcycle simulate <scenario.json> [--json] [--quiet]`: runs a scenario (functions/simulate/SCENARIOS.md)
 * through the real local runtime on a virtual clock and prints its timeline. Exit 1 when a workflow
 * execution failed, a delivery went wrong or an invariant broke; exit 2 for a malformed scenario.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseScenario } from '../../simulate/scenario';
import { simulate, type SimulateOptions, type SimulationResult } from '../../simulate/run';
import { localTime, timelineTable } from '../../simulate/timeline';
import { getPreset } from '../../domain/policy';
import { UsageError, type CliIo, type Command } from '../io';

export function readJsonFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new UsageError(`${path} is not JSON: ${(error as Error).message}`);
  }
}

function count(items: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const i of items) counts.set(i, (counts.get(i) ?? 0) + 1);
  return [...counts].map(([k, n]) => `${n} ${k}`).join(', ') || 'none';
}

/** The lines under the timeline: what ran, what it cost, and whether everything held. */
export function summaryLines(r: SimulationResult): string[] {
  const policy = getPreset(r.scenario.preset);
  const byWorkflow = new Map<string, string[]>();
  for (const e of r.executions) byWorkflow.set(e.workflow, [...(byWorkflow.get(e.workflow) ?? []), e.status.toLowerCase()]);
  const lines = [
    `${r.scenario.name} (${r.scenario.preset}, ${r.scenario.delivery === 'http' ? 'signed HTTP webhooks' : 'webhook actions'})`,
    `virtual time ${localTime(policy, r.scenario.start)} → ${localTime(policy, r.scenario.end)} ${r.scenario.timeZone}; ${r.stats.customers} customers`,
    ...[...byWorkflow].map(([w, statuses]) => `  ${w}: ${count(statuses)}`),
    `state changes ${r.timeline.filter((e) => e.kind === 'change').length}, e-mails ${r.stats.emails}, approvals ${count(r.approvals.map((a) => a.state))}, state transitions ${r.stats.stateTransitions}`,
    ...(Object.keys(r.stats.retries).length === 0 ? [] : [`steps retried: ${Object.entries(r.stats.retries).map(([error, n]) => `${error} ${n}`).join(', ')}`]),
    r.violations.length === 0 ? 'invariants: all hold' : `invariants: ${r.violations.length} broken`,
    ...r.violations.map((v) => `  ✗ ${v.invariant}: ${v.message}`),
    ...(r.problems.length === 0 ? [] : [`problems: ${r.problems.length}`, ...r.problems.map((p) => `  ✗ ${p}`)]),
    `simulated in ${(r.stats.wallMs / 1000).toFixed(1)} s`,
  ];
  return lines;
}

export const failed = (r: SimulationResult) => r.violations.length > 0 || r.problems.length > 0;

/** Runs a parsed scenario file and prints it; shared by the command and `npm run demo`. */
export async function runScenarioFile(path: string, io: CliIo, flags: { json: boolean; quiet: boolean }, options: SimulateOptions = {}): Promise<number> {
  const scenario = parseScenario(readJsonFile(path));
  const result = await simulate(scenario, {
    ...options,
    ...(flags.quiet
      ? {}
      : {
          progress: (p) =>
            io.err(`simulate: ${p.at.slice(0, 10)} reached (${p.month}/${p.months}), ${p.stateTransitions} state transitions, ${(p.elapsedMs / 1000).toFixed(1)} s`),
        }),
  });
  if (flags.json) io.out(JSON.stringify(result, null, 2));
  else {
    if (!flags.quiet) {
      for (const line of timelineTable(result.timeline, scenario.policy)) io.out(line);
      io.out('');
    }
    for (const line of summaryLines(result)) io.out(line);
  }
  return failed(result) ? 1 : 0;
}

export const simulateCommand: Command = {
  summary: 'run a scenario on a virtual clock through the real runtime and print its timeline',
  usage: 'hostcycle simulate <scenario.json> [--json] [--quiet]',
  run(args, io) {
    const { positionals, values } = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: { json: { type: 'boolean', default: false }, quiet: { type: 'boolean', default: false } },
    });
    const [path, ...extra] = positionals;
    if (path === undefined || extra.length > 0) throw new UsageError(`usage: ${this.usage}`);
    return runScenarioFile(path, io, { json: values.json, quiet: values.quiet });
  },
};
