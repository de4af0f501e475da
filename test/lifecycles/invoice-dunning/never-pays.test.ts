/**
 * A customer who never pays: every step of the preset's timeline happens on its day, with its e-mail,
 * read back from the SES emulator. The invoice is issued on Monday 2 March 2026 at 09:00 UTC.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { execution, invoiceScenario, letters, stateOf, type Letter, type Scenario } from './support';

const START = '2026-03-02T09:00:00Z';
let s: Scenario | undefined;
afterEach(async () => {
  await s?.rt.stop();
  s = undefined;
});

/** `[what, local day]` of each letter, the id shortened to what follows the invoice id. */
const calendar = (all: Letter[], invoiceId: string) => all.map((l) => [l.id.replace(`invoice#${invoiceId}#`, '').replace(/#svc-.*$/, ''), l.day]);
const letter = (all: Letter[], suffix: string) => {
  const found = all.find((l) => l.id.includes(suffix));
  if (!found) throw new Error(`no ${suffix} letter among ${all.map((l) => l.id).join(', ')}`);
  return found;
};

describe('an invoice that is never paid', () => {
  it('hostico: reminders, suspension 7 days after the due date, a final warning and deletion 30 days after it (IV. Preložitev…, IV. Neplačilo)', async () => {
    s = await invoiceScenario({ preset: 'hostico', start: START });
    await s.rt.advance('50d');

    const all = await letters(s);
    // Due on Monday 16 March (14 days, Europe/Bucharest). A step "after day D" happens as D ends.
    expect(calendar(all, s.invoiceId)).toEqual([
      ['issued', '2026-03-02'],
      ['reminder#1', '2026-03-13'],
      ['overdue', '2026-03-17'],
      ['reminder#2', '2026-03-17'],
      ['reminder#3', '2026-03-21'],
      ['suspended', '2026-03-24'],
      ['final-warning', '2026-03-31'],
      ['deleted', '2026-04-16'],
    ]);
    expect(letter(all, 'issued').text).toContain('Due date: 16 Mar 2026, 23:59 (Europe/Bucharest)');
    expect(letter(all, 'reminder#3').text).toContain('Suspension if still unpaid: 23 Mar 2026, 23:59');
    expect(letter(all, 'reminder#3').text).toContain('you can ask for a payment deferral until 30 Mar 2026, 23:59');
    expect(letter(all, 'suspended').text).toContain('a suspended service is reactivated once everything you owe is paid in full: EUR 100.00 in total');
    expect(letter(all, 'final-warning').subject).toBe('Final warning: starter will be deleted on 15 Apr 2026');
    expect(letter(all, 'deleted').text).toContain('Amount still owed: EUR 100.00');
    expect(letter(all, 'deleted').text).toContain('at least 2 hours');

    expect(await stateOf(s, 'service', s.serviceIds[0]!)).toBe('deleted');
    expect(await stateOf(s, 'invoice', s.invoiceId)).toBe('overdue');
    const run = await execution(s);
    expect(run.status).toBe('SUCCEEDED');
    expect(run.states.slice(-4)).toEqual(['ConfirmStillUnpaid', 'IsStillUnpaid', 'EndContract', 'DunningEnded']);
    expect(run.stateTransitions).toBeLessThanOrEqual(40);
    console.info(`hostico run to deletion: ${run.stateTransitions} state transitions`);
  });

  it('smartape: suspension as soon as the invoice is overdue (2.2.5), the late penalty (7.9) and termination 20 days from the invoice date', async () => {
    s = await invoiceScenario({ preset: 'smartape', start: START });
    await s.rt.advance('50d');

    const all = await letters(s);
    // Due on Monday 9 March (5 working days, Europe/Tallinn); terminated when 22 March, day 20 from the invoice, ends.
    expect(calendar(all, s.invoiceId)).toEqual([
      ['issued', '2026-03-02'],
      ['reminder#1', '2026-03-07'],
      ['reminder#2', '2026-03-09'],
      ['overdue', '2026-03-10'],
      ['suspended', '2026-03-10'],
      ['final-warning', '2026-03-16'],
      ['invoice#' + s.invoiceId + '-penalty#issued', '2026-03-23'],
      ['terminated', '2026-03-23'],
    ]);
    expect(letter(all, 'suspended').text).toContain('a late-payment penalty of 0.1% of the unpaid amount accrues for each day of delay. So far it amounts to EUR 0.10.');
    expect(letter(all, 'terminated').text).toContain('Amount still owed: EUR 100.00');
    // 14 days late (10–23 March) at 0.1 % of EUR 100.00 a day.
    expect(letter(all, 'penalty#issued').text).toContain('Late-payment penalty on invoice');
    expect(letter(all, 'penalty#issued').text).toContain('Total: EUR 1.40');
    const penalty = await s.rt.repo.get('invoice', `${s.invoiceId}-penalty`);
    expect(penalty).toMatchObject({ state: 'issued', total: { amount: 140, currency: 'EUR' } });

    expect(await stateOf(s, 'service', s.serviceIds[0]!)).toBe('terminated');
    // The debt remains after termination (2.2.5).
    expect(await stateOf(s, 'invoice', s.invoiceId)).toBe('overdue');
    const run = await execution(s);
    expect(run.status).toBe('SUCCEEDED');
    expect(run.stateTransitions).toBeLessThanOrEqual(40);
    console.info(`smartape run to termination: ${run.stateTransitions} state transitions`);
  });

  it('secom: only the reminders; the FAQ sets no suspension, termination or deletion', async () => {
    s = await invoiceScenario({ preset: 'secom', start: START });
    await s.rt.advance('50d');

    const all = await letters(s);
    // Due on 10 March: 9 March is a public holiday in Ukraine (8 March observed), and the due date rolls.
    expect(calendar(all, s.invoiceId)).toEqual([
      ['issued', '2026-03-02'],
      ['reminder#1', '2026-03-07'],
      ['reminder#2', '2026-03-10'],
      ['overdue', '2026-03-11'],
      ['reminder#3', '2026-03-13'],
    ]);
    expect(all.every((l) => l.text.includes('UAH 100.00'))).toBe(true);
    expect(await stateOf(s, 'service', s.serviceIds[0]!)).toBe('active');
    expect(await stateOf(s, 'invoice', s.invoiceId)).toBe('overdue');
    const run = await execution(s);
    expect(run.status).toBe('SUCCEEDED');
    expect(run.states.at(-1)).toBe('DunningEnded');
  });
});
