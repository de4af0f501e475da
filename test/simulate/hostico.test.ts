/**
 * examples/scenarios/hostico.json through `simulate --json`: the grace of 7 days, a granted deferral,
 * deletion 30 days after the due date, a full refund inside 30 days and an order review that times out.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDateOf } from '../../functions/domain/calendar';
import { getPreset } from '../../functions/domain/policy';
import { dueDate } from '../../functions/domain/rules';
import type { SimulationResult } from '../../functions/simulate/run';
import { startSesLocal, type SesLocal } from '../../infra/local/ses-local';
import { change, changesOf, mailsAbout, plusDays, runJson, type Run } from './support';

const policy = getPreset('hostico');
let ses: SesLocal;
let run: Run;
let r: SimulationResult;

beforeAll(async () => {
  ses = await startSesLocal();
  run = await runJson('examples/scenarios/hostico.json', ses);
  r = run.result;
}, 300_000);
afterAll(async () => ses?.stop());

/** The local due date of an invoice, by the preset's rule, from when it was issued. */
function dueDayOf(invoiceId: string): string {
  const issued = change(r, 'invoice', invoiceId, 'issued');
  if (!issued) throw new Error(`${invoiceId} was never issued`);
  return localDateOf(policy.calendar, dueDate(policy, issued.at).at);
}

describe('simulate examples/scenarios/hostico.json', () => {
  it('exits 0: every execution finished or waits as designed, no invariant broke, nothing went wrong', () => {
    expect(run.code, JSON.stringify({ problems: r.problems, violations: r.violations })).toBe(0);
    expect(r.problems).toEqual([]);
    expect(r.violations).toEqual([]);
    expect(r.executions.filter((e) => !['SUCCEEDED', 'RUNNING'].includes(e.status))).toEqual([]);
    expect(r.scenario).toMatchObject({ preset: 'hostico', timeZone: 'Europe/Bucharest', delivery: 'http' });
  });

  it('suspends the never-paid renewal 7 days after its due date and deletes it 30 days after (004 IV. Preložitev…, IV. Neplačilo)', () => {
    const invoice = 'O-BOGDAN-i1-2026-04-02';
    const due = dueDayOf(invoice);
    // A step "after day D" happens as D ends, i.e. at 00:00 of the next local day.
    expect(changesOf(r, 'service', 'O-BOGDAN-i1').slice(-2)).toEqual([
      `${plusDays(due, 8)} 00:00 active → suspended`,
      `${plusDays(due, 31)} 00:00 suspended → deleted`,
    ]);
    expect(change(r, 'service', 'O-BOGDAN-i1', 'suspended')?.rule).toBe('004 IV. Preložitev/Zaustavitev/Reaktivacija');
    expect(change(r, 'service', 'O-BOGDAN-i1', 'deleted')?.rule).toBe('004 IV. Neplačilo');
    expect(mailsAbout(r, 'C-BOGDAN', invoice)).toEqual(expect.arrayContaining(['invoice_issued', 'payment_reminder', 'invoice_overdue', 'service_suspended', 'final_warning']));
  });

  it('grants a deferral within 14 days, so the customer who pays inside it is never suspended', () => {
    expect(changesOf(r, 'deferral', 'DEF-12')).toEqual(['2026-04-14 12:00 ∅ → requested', '2026-04-14 12:00 requested → granted']);
    expect(change(r, 'invoice', 'O-CARMEN-i1-2026-04-02', 'paid')?.local).toBe('2026-04-25 12:00');
    expect(change(r, 'service', 'O-CARMEN-i1', 'suspended')).toBeUndefined();
  });

  it('refunds in full inside the 30-day window, after staff approve (004 IV. Vračilo denarja)', () => {
    expect(change(r, 'refund', 'R-DAN', 'completed')).toMatchObject({ local: '2026-03-12 12:00', amounts: ['amount 480.00 RON'], rule: '004 IV. Vračilo denarja' });
    expect(r.approvals.find((a) => a.approvalId === 'refund:R-DAN')).toMatchObject({ state: 'approved', decidedBy: 'simulated-staff', reason: 'within the 30-day window' });
  });

  it('rejects the order nobody reviewed when the review times out after 2 working days', () => {
    expect(r.approvals.find((a) => a.subject.id === 'O-ELENA')).toMatchObject({ state: 'timed_out', defaultOutcome: 'rejected' });
    expect(changesOf(r, 'order', 'O-ELENA').at(-1)).toBe('2026-03-05 10:00 in_review → rejected');
  });

  it('pays "what is open" for the customer: the renewal is paid before its due date and nothing is suspended', () => {
    expect(change(r, 'invoice', 'O-ANA-i1-2026-04-02', 'paid')?.local).toBe('2026-04-09 12:00');
    expect(change(r, 'service', 'O-ANA-i1', 'suspended')).toBeUndefined();
  });

  it('--json is complete: every e-mail sent is on the timeline, every change has a rule, and progress went to stderr by month', () => {
    expect(r.timeline.filter((e) => e.kind === 'email')).toHaveLength(r.stats.emails);
    expect(r.timeline.filter((e) => e.kind === 'change').every((e) => e.rule && e.actor && e.at <= r.scenario.end)).toBe(true);
    expect(r.timeline.map((e) => e.at)).toEqual([...r.timeline.map((e) => e.at)].sort());
    expect(r.approvals).toHaveLength(6);
    expect(r.executions.map((e) => e.workflow)).toEqual(expect.arrayContaining(['order-activation', 'invoice-dunning', 'refund']));
    expect(r.stats.stateTransitions).toBeGreaterThan(0);
    expect(run.progress.filter((l) => l.startsWith('simulate: '))).toHaveLength(3);
  });
});
