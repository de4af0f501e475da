/**
 * examples/scenarios/secom.json through `simulate --json`: reminders only (the FAQ sets no suspension)
 * and a refund of the unused days less the payment system's and the return commission.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimulationResult } from '../../functions/simulate/run';
import { startSesLocal, type SesLocal } from '../../infra/local/ses-local';
import { change, changesOf, purposesAbout, runJson, type Run } from './support';

let ses: SesLocal;
let run: Run;
let r: SimulationResult;

beforeAll(async () => {
  ses = await startSesLocal();
  run = await runJson('examples/scenarios/secom.json', ses);
  r = run.result;
}, 300_000);
afterAll(async () => ses?.stop());

describe('simulate examples/scenarios/secom.json', () => {
  it('exits 0 with no problem and no broken invariant', () => {
    expect(run.code, JSON.stringify({ problems: r.problems, violations: r.violations })).toBe(0);
    expect(r.violations).toEqual([]);
  });

  it('only reminds the customer who never pays: the service stays active', () => {
    expect(changesOf(r, 'service', 'O-PETRO-i1').map((c) => c.slice(17))).toEqual(['∅ → pending', 'pending → active']);
    expect(change(r, 'invoice', 'O-PETRO-i1-2026-04-02', 'overdue')).toBeDefined();
    expect(purposesAbout(r, 'C-PETRO', 'O-PETRO-i1-2026-04-02')).toEqual(['issued', 'reminder#1', 'reminder#2', 'overdue', 'reminder#3']);
  });

  it('takes a payment 5 days late without ever suspending', () => {
    expect(change(r, 'invoice', 'O-IRYNA-i1-2026-04-02', 'paid')?.local).toBe('2026-04-14 12:00');
    expect(change(r, 'service', 'O-IRYNA-i1', 'suspended')).toBeUndefined();
  });

  it('refunds the 20 unused days of 31 less both commissions (000 Refund policy)', () => {
    // 310.00 × 20 / 31 = 200.00, less 5.00 and 3.00 of commissions.
    expect(change(r, 'refund', 'R-OLENA', 'completed')?.amounts).toEqual(['amount 192.00 UAH']);
    expect(r.approvals.find((a) => a.approvalId === 'refund:R-OLENA')).toMatchObject({ state: 'approved', reason: 'unused days, commissions withheld' });
  });
});
