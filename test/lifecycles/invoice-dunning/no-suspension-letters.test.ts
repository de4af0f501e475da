/**
 * Reminders for invoices that lead to no suspension are real reminders, read back from the SES
 * emulator: secom's terms set no suspension, and a hostico domain-only invoice expires at its due date
 * without grace (IV. Preložitev…). No letter invents a suspension date.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { invoiceScenario, letters, startRuntime, uid, type Scenario } from './support';

const SETUP = { actor: { type: 'system' as const, id: 'test-setup' }, rule: 'test arrangement' };
const START = '2026-03-02T09:00:00Z';
let s: Scenario | undefined;
afterEach(async () => {
  await s?.rt.stop();
  s = undefined;
});

async function scenario(preset: 'secom' | 'hostico', language: 'en' | 'sl', items?: Parameters<typeof invoiceScenario>[0]['items']) {
  const rt = await startRuntime(preset, START);
  const customerId = uid('cust');
  await rt.repo.create('customer', { id: customerId, state: 'active', type: 'consumer', email: `${customerId}@example.com`, name: 'Ana Novak', language, country: 'SI' }, SETUP);
  return invoiceScenario({ preset, start: START, rt, customerId, ...(items ? { items } : {}) });
}

const unpaidLetters = async (sc: Scenario) => (await letters(sc)).filter((l) => l.id.includes('#reminder#') || l.id.endsWith('#overdue'));

describe('secom: no suspension in the terms', () => {
  it.each([
    ['en', 'Our terms set no suspension of the service for late payment: the service keeps running, and the unpaid amount remains owed.', /suspension if still unpaid|will be suspended|suspended on/i],
    ['sl', 'Naši pogoji poslovanja ne predvidevajo začasne ustavitve storitve zaradi zamude s plačilom: storitev deluje naprej, neplačani znesek pa ostaja dolgovan.', /Začasna ustavitev, če|se neplačana storitev začasno ustavi/],
  ] as const)('sends payment_reminder and invoice_overdue in %s saying so, with no suspension date', async (language, wording, invented) => {
    s = await scenario('secom', language);
    await s.rt.advance('12d'); // past the three reminders (-3, 0, +3 days of the 7-day due date)
    const sent = await unpaidLetters(s);
    expect(sent.map((l) => [l.id, l.template])).toEqual([
      [`invoice#${s.invoiceId}#reminder#1`, 'payment_reminder'],
      [`invoice#${s.invoiceId}#reminder#2`, 'payment_reminder'],
      [`invoice#${s.invoiceId}#overdue`, 'invoice_overdue'],
      [`invoice#${s.invoiceId}#reminder#3`, 'payment_reminder'],
    ].sort((a, b) => sent.findIndex((l) => l.id === a[0]) - sent.findIndex((l) => l.id === b[0])));
    for (const letter of sent) {
      expect(letter.text).toContain(wording);
      expect(letter.text).not.toMatch(invented);
      expect(letter.text).toContain(s.invoiceId);
    }
    expect(sent[0]!.subject).toMatch(language === 'sl' ? /^Opomin 1: račun/ : /^Reminder 1: invoice/);
    expect((await s.rt.repo.get('service', s.serviceIds[0]!)).state).toBe('active');
  });
});

describe('hostico: a domain-only invoice', () => {
  it.each([
    ['sl', 'V skladu s točko 004 IV. Preložitev/Zaustavitev/Reaktivacija naših pogojev poslovanja storitve tretjih ponudnikov (domain-renewal (novak.si)) podaljšamo le ob plačilu', /Začasna ustavitev, če|se neplačana storitev začasno ustavi/],
    ['en', 'Under clause 004 IV. Preložitev/Zaustavitev/Reaktivacija of our terms, third-party items (domain-renewal (novak.si)) are renewed only on payment: unless the invoice is paid, they expire on', /suspension if still unpaid|unpaid service is suspended/i],
  ] as const)('reminds in %s that the domain expires at the due date without grace, not of a suspension', async (language, wording, invented) => {
    s = await scenario('hostico', language, [{ kind: 'domain', amount: 1_500, domain: 'novak.si' }]);
    await s.rt.advance('16d'); // past the due date (16 March)
    const sent = await unpaidLetters(s);
    expect(sent.map((l) => l.template)).toContain('payment_reminder');
    expect(sent.map((l) => l.template)).toContain('invoice_overdue');
    for (const letter of sent) {
      expect(letter.text).toContain(wording);
      expect(letter.text).not.toMatch(invented);
    }
    expect(sent.every((l) => l.template !== 'invoice_issued')).toBe(true);
    expect((await s.rt.repo.get('service', s.serviceIds[0]!)).state).toBe('expired');
  });
});
