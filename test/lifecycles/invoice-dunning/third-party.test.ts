/**
 * Third-party items (domains, licences, SSL) are renewed only on payment: their validity ends on the
 * due date, with no grace (hostico IV. Preložitev…). Invoice issued Monday 2 March 2026, due 16 March.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { invoiceScenario, letters, pay, stateOf, type Scenario } from './support';

const START = '2026-03-02T09:00:00Z';
let s: Scenario | undefined;
afterEach(async () => {
  await s?.rt.stop();
  s = undefined;
});

describe('hostico: a domain on the invoice', () => {
  it('expires as the due date ends while the hosting on the same invoice keeps its 7 days of grace', async () => {
    s = await invoiceScenario({ preset: 'hostico', start: START, items: [{ kind: 'shared_hosting', amount: 10_000 }, { kind: 'domain', amount: 1_500, domain: 'novak.si' }] });
    const [hosting, domain] = s.serviceIds as [string, string];
    await s.rt.advance('14d'); // the due day
    expect(await stateOf(s, 'service', domain)).toBe('active');
    await s.rt.advance('1d');
    expect(await stateOf(s, 'service', domain)).toBe('expired');
    expect(await stateOf(s, 'service', hosting)).toBe('active');
    const expiry = (await s.rt.repo.history('service', domain)).at(-1);
    expect(expiry).toMatchObject({ from: 'active', to: 'expired', rule: '004 IV. Preložitev/Zaustavitev/Reaktivacija' });

    await s.rt.advance('8d');
    expect(await stateOf(s, 'service', hosting)).toBe('suspended');
    // Only the hosting is suspended (and e-mailed about); the domain had already expired.
    expect((await letters(s)).filter((l) => l.template === 'service_suspended').map((l) => l.id)).toEqual([`invoice#${s.invoiceId}#suspended#${hosting}`]);
  });

  it('a domain-only invoice: no suspension, no deletion; paid late, the domain is renewed', async () => {
    s = await invoiceScenario({ preset: 'hostico', start: START, items: [{ kind: 'domain', amount: 1_500, domain: 'novak.si' }] });
    const [domain] = s.serviceIds as [string];
    await s.rt.advance('20d');
    expect(await stateOf(s, 'service', domain)).toBe('expired');
    expect((await letters(s)).map((l) => l.template)).not.toContain('service_suspended');

    await pay(s, 1_500);
    expect(await stateOf(s, 'invoice', s.invoiceId)).toBe('paid');
    expect(await stateOf(s, 'service', domain)).toBe('active');
    expect((await s.rt.repo.history('service', domain)).at(-1)).toMatchObject({ from: 'expired', to: 'active' });
  });
});
