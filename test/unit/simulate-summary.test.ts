import { describe, expect, it } from 'vitest';
import { summaryLines } from '../../functions/cli/commands/simulate';
import type { SimulationResult } from '../../functions/simulate/run';

/** A finished simulation with nothing in it but the figures the summary prints. */
function result(retries: Record<string, number>): SimulationResult {
  return {
    scenario: { name: 'retries', preset: 'hostico', timeZone: 'Europe/Bucharest', start: '2026-01-05T08:00:00.000Z', end: '2026-02-05T08:00:00.000Z', delivery: 'actions' },
    timeline: [],
    approvals: [],
    executions: [],
    violations: [],
    problems: [],
    stats: { wallMs: 1234, stateTransitions: 40, taskInvocations: 20, retries, emails: 0, customers: 1 },
  };
}

describe('hostcycle simulate summary', () => {
  it('names the errors steps were retried for, with their counts', () => {
    const lines = summaryLines(result({ StaleStateError: 2, TransactionConflictError: 1 }));
    expect(lines).toContain('steps retried: StaleStateError 2, TransactionConflictError 1');
    expect(lines.at(-1)).toBe('simulated in 1.2 s');
  });

  it('prints no retry line when nothing was retried', () => {
    expect(summaryLines(result({})).filter((l) => l.includes('retried'))).toEqual([]);
  });
});
