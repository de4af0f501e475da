/**
 * examples/scenarios/smartape.json through `simulate --json`: suspension as soon as a renewal is
 * overdue, the late penalty of 0.1 % a day, termination 20 days from the invoice date, and a
 * consumer's withdrawal after asking for an early start.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDateOf } from '../../functions/domain/calendar';
import { getPreset } from '../../functions/domain/policy';
import { dueDate } from '../../functions/domain/rules';
import type { SimulationResult } from '../../functions/simulate/run';
import { startSesLocal, type SesLocal } from '../../infra/local/ses-local';
import { change, changesOf, plusDays, runJson, type Run } from './support';

const policy = getPreset('smartape');
let ses: SesLocal;
let run: Run;
let r: SimulationResult;

beforeAll(async () => {
  ses = await startSesLocal();
  run = await runJson('examples/scenarios/smartape.json', ses);
  r = run.result;
}, 300_000);
afterAll(async () => ses?.stop());

function dueDayOf(invoiceId: string): string {
  const issued = change(r, 'invoice', invoiceId, 'issued');
  if (!issued) throw new Error(`${invoiceId} was never issued`);
  return localDateOf(policy.calendar, dueDate(policy, issued.at).at);
}

describe('simulate examples/scenarios/smartape.json', () => {
  it('exits 0 with no problem and no broken invariant', () => {
    expect(run.code, JSON.stringify({ problems: r.problems, violations: r.violations })).toBe(0);
    expect(r.violations).toEqual([]);
    expect(r.executions.filter((e) => !['SUCCEEDED', 'RUNNING'].includes(e.status))).toEqual([]);
  });

  it('suspends as soon as the renewal is overdue (003 2.2.5) and terminates 20 days from the invoice date', () => {
    const invoice = 'O-JAAN-i1-2026-04-02';
    const due = dueDayOf(invoice);
    expect(changesOf(r, 'service', 'O-JAAN-i1').slice(-2)).toEqual([
      `${plusDays(due, 1)} 00:00 active → suspended`,
      // Invoiced 2 April; day 20 from it ends at the start of 23 April.
      `${plusDays('2026-04-02', 21)} 00:00 suspended → terminated`,
    ]);
    expect(change(r, 'invoice', invoice, 'overdue')?.local).toBe(`${plusDays(due, 1)} 00:00`);
  });

  it('bills the late penalty of 0.1 % of the unpaid amount per day (003 7.9)', () => {
    // Jaan: late from the day after the due date through the day of the termination, on EUR 100.00.
    const late = 1 + Math.round((Date.parse(`${plusDays('2026-04-02', 21)}T00:00:00Z`) - Date.parse(`${plusDays(dueDayOf('O-JAAN-i1-2026-04-02'), 1)}T00:00:00Z`)) / 86_400_000);
    expect(change(r, 'invoice', 'O-JAAN-i1-2026-04-02-penalty', 'draft')?.amounts).toEqual([`total ${(late * 0.1).toFixed(2)} EUR`]);
    // Liis paid one day late.
    expect(change(r, 'invoice', 'O-LIIS-i1-2026-04-02-penalty', 'draft')?.amounts).toEqual(['total 0.10 EUR']);
  });

  it('reactivates at once when the overdue renewal is paid', () => {
    const due = dueDayOf('O-LIIS-i1-2026-04-02');
    expect(changesOf(r, 'service', 'O-LIIS-i1').slice(-2)).toEqual([`${plusDays(due, 1)} 00:00 active → suspended`, `${plusDays(due, 1)} 12:00 suspended → active`]);
  });

  it('lets a consumer who asked for an early start withdraw within 14 days, paying for the days used (003 11.6, 11.6.1)', () => {
    const accepted = change(r, 'withdrawal', 'W-MARI', 'accepted');
    expect(accepted?.amounts).toEqual(['paid 31.00 EUR', expect.stringMatching(/^charge \d+\.\d\d EUR$/)]);
    const charge = Number(/charge (\S+)/.exec(accepted?.amounts[1] ?? '')?.[1]);
    expect(charge).toBeGreaterThan(0);
    expect(change(r, 'refund', 'W-MARI-refund', 'completed')?.amounts).toEqual([`amount ${(31 - charge).toFixed(2)} EUR`]);
    expect(changesOf(r, 'withdrawal', 'W-MARI').at(-1)).toMatch(/accepted → completed$/);
    expect(change(r, 'service', 'O-MARI-i1', 'cancelled')).toBeDefined();
  });
});
