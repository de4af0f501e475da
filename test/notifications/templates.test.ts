import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../functions/domain/errors';
import { renderTemplate, TEMPLATE_NAMES, type TemplateName } from '../../functions/notifications/templates';
import { escapeHtml } from '../../functions/notifications/templates/document';
import { fixtures, provider } from './fixtures';

// Intl separates amounts and units with no-break spaces; the expectations are written with plain ones.
const plain = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');

function render(name: TemplateName, language: string, vars: unknown = fixtures[name].vars) {
  const r = renderTemplate(name, language, vars as never, { reference: `test#${name}` });
  return { subject: plain(r.subject), text: plain(r.text), html: plain(r.html) };
}

describe('notification templates', () => {
  it('has a fixture for every template, so a new template cannot ship untested', () => {
    expect(Object.keys(fixtures).sort()).toEqual([...TEMPLATE_NAMES].sort());
  });

  describe.each(TEMPLATE_NAMES)('%s', (name) => {
    it.each(['en', 'sl'] as const)('renders in %s with its dates, amounts and rules in both bodies', (language) => {
      const r = render(name, language);
      expect(r.subject.length).toBeGreaterThan(0);
      for (const expected of fixtures[name][language]) {
        expect(`${r.subject}\n${r.text}`).toContain(expected);
        expect(r.html).toContain(escapeHtml(expected));
      }
      expect(r.text).toContain(language === 'sl' ? `Sklic: test#${name}` : `Reference: test#${name}`);
      expect(r.html).toContain(`<html lang="${language === 'sl' ? 'sl' : 'en-GB'}">`);
    });
  });

  it('shows a due date of 2026-12-01T21:30:00Z as 1 Dec 2026 23:30 on the provider’s Bucharest clock', () => {
    expect(render('invoice_issued', 'en').text).toContain('Due date: 1 Dec 2026, 23:30 (Europe/Bucharest)');
    expect(render('invoice_issued', 'sl').text).toContain('Rok plačila: 1. dec. 2026, 23:30 (Europe/Bucharest)');
  });

  it('moves the same instant to the next day for a provider in Kyiv and back for one in Lisbon', () => {
    const at = (timeZone: string) =>
      render('invoice_issued', 'en', { ...fixtures.invoice_issued.vars, provider: { ...provider, timeZone }, dueAt: '2026-12-01T22:30:00Z' }).text;
    expect(at('Europe/Kyiv')).toContain('2 Dec 2026, 00:30 (Europe/Kyiv)');
    expect(at('Europe/Lisbon')).toContain('1 Dec 2026, 22:30 (Europe/Lisbon)');
  });

  it('writes dates and amounts in the customer’s region when the language matches', () => {
    const us = render('invoice_issued', 'en-US').text;
    expect(us).toContain('Dec 1, 2026, 23:30 (Europe/Bucharest)');
    expect(us).toContain('RON 123.45');
    expect(render('invoice_issued', 'sl-SI').text).toContain('Skupaj: 123,45 RON');
  });

  it('falls back to English for a language without templates', () => {
    const r = render('payment_reminder', 'de-DE');
    expect(r.subject).toBe('Reminder 2: invoice INV-7 (RON 123.45) is unpaid');
    expect(r.text).toContain('Dear Ana Novak,');
    expect(r.text).toContain('1 Dec 2026, 23:30 (Europe/Bucharest)');
  });

  it('writes Slovenian with its dual and plural forms and its diacritics', () => {
    const withGrace = (graceDays: number) =>
      render('payment_reminder', 'sl', { ...fixtures.payment_reminder.vars, suspension: { ...fixtures.payment_reminder.vars.suspension, graceDays } }).text;
    expect(withGrace(1)).toContain('začasno ustavi 1 dan po datumu zapadlosti');
    expect(withGrace(2)).toContain('začasno ustavi 2 dneva po datumu zapadlosti');
    expect(withGrace(3)).toContain('začasno ustavi 3 dni po datumu zapadlosti');
    expect(withGrace(7)).toContain('začasno ustavi 7 dni po datumu zapadlosti');
    expect(render('payment_reminder', 'sl').subject).toBe('Opomin 2: račun INV-7 (123,45 RON) še ni plačan');
    expect(render('final_warning', 'sl').subject).toBe('Zadnje opozorilo: storitev Hosting Start bomo izbrisali 31. dec. 2026');
  });

  it('states the suspension that applies at once when the policy has no grace period', () => {
    expect(render('invoice_overdue', 'en').text).toContain('Under clause 2.2.5 of our terms, a service may be suspended as soon as its invoice is overdue.');
  });

  it('offers a deferral only when the policy allows one', () => {
    const { deferral: _omitted, ...withoutDeferral } = fixtures.payment_reminder.vars;
    expect(render('payment_reminder', 'en').text).toContain('payment deferral');
    expect(render('payment_reminder', 'en', withoutDeferral).text).not.toContain('deferral');
  });

  it('explains each reason a withdrawal is refused and offers cancellation instead', () => {
    const base = fixtures.withdrawal_rejected.vars;
    expect(render('withdrawal_rejected', 'en', { ...base, reason: { code: 'not_consumer' } }).text).toContain('Only consumers have the right of withdrawal');
    expect(render('withdrawal_rejected', 'sl', { ...base, reason: { code: 'excluded_item' } }).text).toContain('izvzeta iz pravice do odstopa');
    expect(render('withdrawal_rejected', 'en').text).toContain('Cancel the service instead: give us notice at least 10 working days ahead');
  });

  it('escapes customer-supplied text in the HTML body and keeps it verbatim in the text body', () => {
    const vars = { ...fixtures.review_rejected.vars, reason: '<script>alert("x")</script> & co' };
    const r = renderTemplate('review_rejected', 'en', vars);
    expect(r.html).not.toContain('<script>');
    expect(r.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co');
    expect(r.text).toContain('<script>alert("x")</script> & co');
  });

  describe('rejects bad variables, naming the field', () => {
    const reminder = fixtures.payment_reminder.vars;
    it.each([
      ['a due date with an offset instead of UTC', { ...reminder, dueAt: '2026-12-01T23:30:00+02:00' }, 'dueAt'],
      ['an amount in fractional minor units', { ...reminder, amountDue: { amount: 12.5, currency: 'RON' } }, 'amountDue.amount'],
      ['an unknown currency', { ...reminder, amountDue: { amount: 100, currency: 'XYZ' } }, 'amountDue.currency'],
      ['a zero amount due', { ...reminder, amountDue: { amount: 0, currency: 'RON' } }, 'amountDue.amount'],
      ['a time zone that is not IANA', { ...reminder, provider: { ...provider, timeZone: 'Mars/Olympus' } }, 'provider.timeZone'],
      ['a missing suspension rule clause', { ...reminder, suspension: { graceDays: 7, at: '2026-12-08T21:30:00Z' } }, 'suspension.clause'],
      ['a payment link that is not https', { ...reminder, paymentUrl: 'javascript:alert(1)' }, 'paymentUrl'],
    ])('%s', (_case, vars, field) => {
      let caught: unknown;
      try {
        renderTemplate('payment_reminder', 'en', vars as never);
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(ValidationError);
      expect((caught as ValidationError).field).toBe(field);
      expect((caught as ValidationError).message).toContain('payment_reminder');
    });

    it('a language tag that is not BCP 47', () => {
      expect(() => renderTemplate('payment_reminder', 'not a language!', reminder)).toThrow(expect.objectContaining({ field: 'language' }));
    });
  });
});
