import { SESClient, SendEmailCommand } from '@aws-sdk/client-ses';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Clock } from '../../functions/domain/clock';
import { ValidationError } from '../../functions/domain/errors';
import { EmailSendError, NotificationInProgressError } from '../../functions/notifications/errors';
import { createMailer, DEFAULT_LEASE_MS, NOTIFICATION_ID_TAG, type Mailer, type SendRequest } from '../../functions/notifications/mailer';
import { LOCAL_AWS } from '../../infra/local/dynamodb-local';
import { startSesLocal, type SesLocal } from '../../infra/local/ses-local';
import { fixtures } from './fixtures';
import { InMemoryLedger } from './in-memory-ledger';

const FROM = 'Hostico <billing@hostico.example>';
const reminder: SendRequest<'payment_reminder'> = {
  id: 'invoice#INV-7#reminder#2',
  template: 'payment_reminder',
  language: 'sl-SI',
  to: 'ana.novak@example.si',
  vars: fixtures.payment_reminder.vars,
};

function sesError(name: string): Error {
  return Object.assign(new Error(`${name} (injected)`), { name });
}

/** A clock the test moves by hand. */
function manualClock(start: string): Clock & { advance(ms: number): void } {
  let now = Date.parse(start);
  return { now: () => new Date(now), advance: (ms) => (now += ms) };
}

describe('mailer', () => {
  let emulator: SesLocal;
  let ses: SESClient;
  let ledger: InMemoryLedger;
  let clock: ReturnType<typeof manualClock>;
  let mailer: Mailer;
  const logger = { warn: vi.fn() };

  beforeAll(async () => {
    emulator = await startSesLocal();
  });
  afterAll(async () => {
    await emulator.stop();
  });

  beforeEach(async () => {
    await emulator.clearStore();
    vi.restoreAllMocks();
    logger.warn.mockClear();
    ses = new SESClient({ endpoint: emulator.endpoint, ...LOCAL_AWS, maxAttempts: 1 });
    ledger = new InMemoryLedger();
    clock = manualClock('2026-12-03T08:00:00Z');
    mailer = createMailer({ ses, from: FROM, claim: ledger, clock, logger });
  });

  /** The mails in the emulator that carry this notification id in their reference line. */
  async function mailsFor(id: string) {
    return (await emulator.readStore()).filter((m) => m.body.text?.includes(`Sklic: ${id}`) || m.body.text?.includes(`Reference: ${id}`));
  }

  it('sends the rendered e-mail to the customer, readable back from the SES store', async () => {
    const outcome = await mailer.send(reminder);

    const [mail, ...others] = await emulator.readStore();
    expect(others).toEqual([]);
    expect(outcome).toEqual({ status: 'sent', messageId: mail?.messageId, recorded: true });
    expect(mail?.from).toBe(FROM);
    expect(mail?.destination.to).toEqual(['ana.novak@example.si']);
    expect(mail?.subject).toBe('Opomin 2: račun INV-7 (123,45\u00a0RON) še ni plačan');
    expect(mail?.body.text).toContain('Rok plačila: 1. dec. 2026, 23:30 (Europe/Bucharest)');
    expect(mail?.body.text).toContain('Sklic: invoice#INV-7#reminder#2');
    expect(mail?.body.html).toContain('<li>Plačajte 123,45\u00a0RON do 8. dec. 2026, 23:30 (Europe/Bucharest), pa bo storitev delovala naprej.</li>');
    expect(ledger.records.get(reminder.id)).toMatchObject({
      state: 'done',
      details: { kind: 'email', template: 'payment_reminder', to: 'ana.novak@example.si', claimedAt: '2026-12-03T08:00:00.000Z' },
      result: { providerId: mail?.messageId },
    });
  });

  it('tags the e-mail with its notification id, base64url-encoded to fit SES tag rules', async () => {
    const send = vi.spyOn(ses, 'send');
    await mailer.send(reminder);

    const command = send.mock.calls[0]?.[0] as SendEmailCommand;
    const tag = command.input.Tags?.find((t) => t.Name === NOTIFICATION_ID_TAG);
    expect(tag?.Value).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(Buffer.from(tag?.Value ?? '', 'base64url').toString()).toBe(reminder.id);
  });

  it('sends once when the same notification is requested five times', async () => {
    const outcomes = [];
    for (let i = 0; i < 5; i++) outcomes.push(await mailer.send(reminder));

    expect(outcomes.map((o) => o.status)).toEqual(['sent', 'already_sent', 'already_sent', 'already_sent', 'already_sent']);
    expect(await mailsFor(reminder.id)).toHaveLength(1);
  });

  it('sends once when five attempts race for the same notification', async () => {
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => mailer.send(reminder)));

    const sent = results.filter((r) => r.status === 'fulfilled' && r.value.status === 'sent');
    const waiting = results.filter((r) => r.status === 'rejected');
    expect(sent).toHaveLength(1);
    expect(waiting).toHaveLength(4);
    for (const r of waiting) expect((r as PromiseRejectedResult).reason).toBeInstanceOf(NotificationInProgressError);
    expect(await mailsFor(reminder.id)).toHaveLength(1);
  });

  it('yields exactly one e-mail when SES fails twice and the step is retried', async () => {
    vi.spyOn(ses, 'send')
      .mockRejectedValueOnce(sesError('Throttling'))
      .mockRejectedValueOnce(sesError('ServiceUnavailable'));

    // What the workflow's Retry on EmailSendError does: run the step again until it succeeds.
    const errors: unknown[] = [];
    let outcome;
    for (let attempt = 1; attempt <= 4 && !outcome; attempt++) {
      try {
        outcome = await mailer.send(reminder);
      } catch (e) {
        errors.push(e);
      }
    }

    expect(errors).toHaveLength(2);
    for (const e of errors) expect(e).toBeInstanceOf(EmailSendError);
    expect((errors[0] as EmailSendError).cause).toMatchObject({ name: 'Throttling' });
    expect(outcome?.status).toBe('sent');
    expect(await mailer.send(reminder)).toEqual({ status: 'already_sent' });
    const mails = await mailsFor(reminder.id);
    expect(mails).toHaveLength(1);
    expect(ledger.records.get(reminder.id)).toMatchObject({ state: 'done', result: { providerId: mails[0]?.messageId } });
  });

  it('records a rejection that a retry cannot fix as undeliverable, returns it instead of throwing, and never calls SES for it again', async () => {
    const send = vi.spyOn(ses, 'send').mockRejectedValueOnce(sesError('MessageRejected'));

    const outcome = await mailer.send(reminder);
    expect(outcome).toEqual({ status: 'undeliverable', error: { name: 'MessageRejected', message: 'MessageRejected (injected)', failedAt: '2026-12-03T08:00:00.000Z' } });
    expect(ledger.records.get(reminder.id)).toMatchObject({ state: 'undeliverable', error: { name: 'MessageRejected' }, details: { vars: { reminderNumber: 2 } } });
    expect(await mailsFor(reminder.id)).toHaveLength(0);

    clock.advance(DEFAULT_LEASE_MS + 1);
    expect(await mailer.send(reminder)).toEqual(outcome);
    expect(send).toHaveBeenCalledTimes(1);
    expect(await mailsFor(reminder.id)).toHaveLength(0);
  });

  it('waits while a crashed attempt’s claim is leased, then takes it over and sends', async () => {
    await ledger.begin(reminder.id, {
      kind: 'email',
      template: 'payment_reminder',
      language: 'sl-SI',
      to: reminder.to,
      subject: 'earlier attempt',
      claimedAt: clock.now().toISOString(),
      leaseExpiresAt: new Date(clock.now().getTime() + DEFAULT_LEASE_MS).toISOString(),
    });

    await expect(mailer.send(reminder)).rejects.toBeInstanceOf(NotificationInProgressError);
    expect(await mailsFor(reminder.id)).toHaveLength(0);

    clock.advance(DEFAULT_LEASE_MS);
    expect((await mailer.send(reminder)).status).toBe('sent');
    expect(await mailsFor(reminder.id)).toHaveLength(1);
  });

  it('succeeds without sending again when the ledger cannot record a send SES accepted', async () => {
    vi.spyOn(ledger, 'complete').mockRejectedValueOnce(new Error('ProvisionedThroughputExceeded (injected)'));

    const outcome = await mailer.send(reminder);

    expect(outcome).toMatchObject({ status: 'sent', recorded: false });
    expect(logger.warn).toHaveBeenCalledWith(expect.stringContaining(reminder.id), expect.any(Error));
    await expect(mailer.send(reminder)).rejects.toBeInstanceOf(NotificationInProgressError);
    expect(await mailsFor(reminder.id)).toHaveLength(1);
  });

  it('sends twice when SES accepted a send whose reply was lost: the at-least-once window SES v1 leaves', async () => {
    const realSend = ses.send.bind(ses);
    vi.spyOn(ses, 'send').mockImplementationOnce(async (command: unknown) => {
      await realSend(command as SendEmailCommand);
      throw sesError('TimeoutError');
    });

    await expect(mailer.send(reminder)).rejects.toBeInstanceOf(EmailSendError);
    await mailer.send(reminder);

    expect(await mailsFor(reminder.id)).toHaveLength(2);
  });

  it('rejects bad variables before claiming or sending anything, naming the field', async () => {
    const bad = { ...reminder, vars: { ...reminder.vars, dueAt: '1 Dec 2026' } };

    await expect(mailer.send(bad)).rejects.toMatchObject({ name: 'ValidationError', field: 'dueAt' });
    expect(ledger.records.size).toBe(0);
    expect(await emulator.readStore()).toEqual([]);
  });

  it.each([
    ['id', { id: 'invoice INV-7 reminder' }],
    ['to', { to: 'not an address' }],
  ])('rejects a bad %s before claiming', async (field, override) => {
    await expect(mailer.send({ ...reminder, ...override })).rejects.toSatisfy((e) => e instanceof ValidationError && e.field === field);
    expect(ledger.records.size).toBe(0);
  });
});
