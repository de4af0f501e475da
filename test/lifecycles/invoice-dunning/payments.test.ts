/**
 * A payment at any point ends dunning (issue 4, workflow 2): on time, in the grace period, or after
 * the suspension, when the service comes back only under the preset's reactivation rule. Invoices are
 * issued on Monday 2 March 2026; hostico's falls due on 16 March, smartape's on 9 March, secom's on 10 March.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { execution, invoiceScenario, letters, pay, stateOf, type Scenario } from './support';

const START = '2026-03-02T09:00:00Z';
const opened: Scenario[] = [];
async function scenario(...args: Parameters<typeof invoiceScenario>) {
  const s = await invoiceScenario(...args);
  opened.push(s);
  return s;
}
afterEach(async () => {
  for (const s of opened.splice(0)) await s.rt.stop();
});

const ids = async (s: Scenario) => (await letters(s)).map((l) => l.id.replace(`invoice#${s.invoiceId}#`, '').replace(/#svc-.*$/, ''));

describe.each([
  // The due day itself, at 09:00 UTC: after the reminders that precede it.
  { preset: 'hostico' as const, dueDay: '14d' },
  { preset: 'smartape' as const, dueDay: '7d' },
  { preset: 'secom' as const, dueDay: '8d' },
])('$preset: a payment on time', ({ preset, dueDay }) => {
  it('ends dunning on the due date: paid, the service untouched, no letter after the payment', async () => {
    const s = await scenario({ preset, start: START });
    await s.rt.advance(dueDay);
    const before = await ids(s);
    await pay(s, 10_000);
    await s.rt.advance('60d');

    expect(await stateOf(s, 'invoice', s.invoiceId)).toBe('paid');
    expect(await stateOf(s, 'service', s.serviceIds[0]!)).toBe('active');
    expect(await ids(s)).toEqual(before);
    expect(before).not.toContain('overdue');
    const run = await execution(s);
    expect(run.status).toBe('SUCCEEDED');
    expect(run.states.at(-1)).toBe('SettlePayment');
    expect(run.stateTransitions).toBeLessThanOrEqual(12);
    console.info(`${preset} paid on time on the due date: ${run.stateTransitions} state transitions`);
  });
});

describe('a payment in the grace period', () => {
  it('hostico: paid 4 days after the due date, the service was never suspended (7 days of grace, IV. Preložitev…)', async () => {
    const s = await scenario({ preset: 'hostico', start: START });
    await s.rt.advance('18d');
    expect(await stateOf(s, 'invoice', s.invoiceId)).toBe('overdue');
    await pay(s, 10_000);
    await s.rt.advance('40d');

    expect(await stateOf(s, 'invoice', s.invoiceId)).toBe('paid');
    expect(await stateOf(s, 'service', s.serviceIds[0]!)).toBe('active');
    expect(await ids(s)).toEqual(['issued', 'reminder#1', 'overdue', 'reminder#2']);
    expect((await s.rt.repo.history('service', s.serviceIds[0]!)).filter((e) => e.from !== e.to).map((e) => e.to)).toEqual(['pending', 'active']);
  });

  it('smartape has no grace (2.2.5): the day after the due date the service is already suspended', async () => {
    const s = await scenario({ preset: 'smartape', start: START });
    await s.rt.advance('8d');
    expect(await stateOf(s, 'service', s.serviceIds[0]!)).toBe('suspended');
  });

  it('secom has no suspension: paid 5 days late, the service stayed active throughout', async () => {
    const s = await scenario({ preset: 'secom', start: START });
    await s.rt.advance('13d');
    expect(await stateOf(s, 'service', s.serviceIds[0]!)).toBe('active');
    await pay(s, 10_000);
    expect(await stateOf(s, 'invoice', s.invoiceId)).toBe('paid');
    expect((await s.rt.repo.history('service', s.serviceIds[0]!)).filter((e) => e.from !== e.to).map((e) => e.to)).toEqual(['pending', 'active']);
    expect((await execution(s)).status).toBe('SUCCEEDED');
  });
});

describe('a payment after the suspension', () => {
  it('hostico: full payment of everything owed reactivates the service, with service_reactivated', async () => {
    const s = await scenario({ preset: 'hostico', start: START });
    await s.rt.advance('23d'); // Wednesday 25 March, a business day
    expect(await stateOf(s, 'service', s.serviceIds[0]!)).toBe('suspended');
    await pay(s, 10_000);

    expect(await stateOf(s, 'service', s.serviceIds[0]!)).toBe('active');
    const reactivated = (await letters(s)).filter((l) => l.template === 'service_reactivated');
    expect(reactivated.map((l) => [l.day, l.subject])).toEqual([['2026-03-25', 'starter is active again']]);
    expect(reactivated[0]?.text).toContain('We received your payment of EUR 100.00');
    await s.rt.advance('40d');
    expect(await stateOf(s, 'service', s.serviceIds[0]!)).toBe('active');
  });

  it('hostico: with another invoice still unpaid the service stays suspended until that one is paid too', async () => {
    const s = await scenario({ preset: 'hostico', start: START });
    const other = await invoiceScenario({ preset: 'hostico', start: START, rt: s.rt, customerId: s.customerId, items: [{ kind: 'vps', amount: 2_500 }] });
    await s.rt.advance('23d');
    expect(await stateOf(s, 'service', s.serviceIds[0]!)).toBe('suspended');

    await pay(s, 10_000);
    expect(await stateOf(s, 'invoice', s.invoiceId)).toBe('paid');
    expect(await stateOf(s, 'service', s.serviceIds[0]!)).toBe('suspended');
    expect((await letters(s)).filter((l) => l.template === 'service_reactivated')).toEqual([]);

    await pay(s, 2_500, other.invoiceId);
    expect(await stateOf(s, 'service', s.serviceIds[0]!)).toBe('active');
    expect(await stateOf(s, 'service', other.serviceIds[0]!)).toBe('active');
    expect((await letters(s)).filter((l) => l.template === 'service_reactivated').map((l) => l.id).sort()).toEqual(
      [`invoice#${other.invoiceId}#reactivated#${other.serviceIds[0]}`, `invoice#${other.invoiceId}#reactivated#${s.serviceIds[0]}`].sort(),
    );
  });

  it('hostico: paid on a Saturday, the service comes back at the start of Monday (reactivation in business hours, IV. Kampanje)', async () => {
    const s = await scenario({ preset: 'hostico', start: START });
    await s.rt.advance('26d'); // Saturday 28 March
    await pay(s, 10_000);
    expect(await stateOf(s, 'invoice', s.invoiceId)).toBe('paid');
    expect(await stateOf(s, 'service', s.serviceIds[0]!)).toBe('suspended');

    await s.rt.advance('2d');
    expect(await stateOf(s, 'service', s.serviceIds[0]!)).toBe('active');
    expect((await letters(s)).filter((l) => l.template === 'service_reactivated').map((l) => l.day)).toEqual(['2026-03-30']);
    expect((await execution(s)).states.slice(-2)).toEqual(['WaitForReactivationHours', 'SettlePayment']);
  });

  it('smartape: paying the invoice reactivates the service at once (2.2.5) and bills the late penalty (7.9)', async () => {
    const s = await scenario({ preset: 'smartape', start: START });
    await s.rt.advance('10d'); // Thursday 12 March: 3 days late
    expect(await stateOf(s, 'service', s.serviceIds[0]!)).toBe('suspended');
    await pay(s, 10_000);

    expect(await stateOf(s, 'service', s.serviceIds[0]!)).toBe('active');
    const penalty = await s.rt.repo.get('invoice', `${s.invoiceId}-penalty`);
    expect(penalty.lines).toEqual([expect.objectContaining({ kind: 'late_penalty', days: 3, amount: { amount: 30, currency: 'EUR' } })]);
    const all = await letters(s);
    expect(all.filter((l) => l.template === 'service_reactivated').map((l) => l.day)).toEqual(['2026-03-12']);
    expect(all.find((l) => l.id === `invoice#${penalty.id}#issued`)?.text).toContain('Total: EUR 0.30');
  });

  it('a partial payment keeps dunning going: the rest is still owed and the service is suspended on time', async () => {
    const s = await scenario({ preset: 'hostico', start: START });
    await s.rt.advance('10d');
    await pay(s, 4_000);
    expect(await s.rt.repo.get('invoice', s.invoiceId)).toMatchObject({ state: 'partially_paid', amountPaid: { amount: 4_000 } });
    await s.rt.advance('13d');
    expect(await stateOf(s, 'service', s.serviceIds[0]!)).toBe('suspended');
    expect((await letters(s)).find((l) => l.template === 'service_suspended')?.text).toContain('for EUR 60.00');
  });
});
