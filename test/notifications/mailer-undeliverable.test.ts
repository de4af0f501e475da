/**
 * A permanent SES refusal against the real parts: the DynamoDB side-effect ledger on DynamoDB Local
 * and the SES emulator. The SES client is mocked only to throw the refusal.
 */
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { SESClient } from '@aws-sdk/client-ses';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Clock } from '../../functions/domain/clock';
import { createSideEffectLedger, type DynamoSideEffectLedger } from '../../functions/data/side-effect-ledger';
import { EmailSendError } from '../../functions/notifications/errors';
import { createMailer, DEFAULT_LEASE_MS, type SendRequest, type StaffMailer } from '../../functions/notifications/mailer';
import { LOCAL_AWS } from '../../infra/local/dynamodb-local';
import { startSesLocal, type SesLocal } from '../../infra/local/ses-local';
import { createTestTable, type TestTable } from '../support/dynamodb';
import { fixtures } from './fixtures';

const FROM = 'Hostico <billing@hostico.example>';
let counter = 0;

function manualClock(start: string): Clock & { advance(ms: number): void } {
  let now = Date.parse(start);
  return { now: () => new Date(now), advance: (ms) => (now += ms) };
}

const refusal = (name: string, message = `${name} (injected)`) => Object.assign(new Error(message), { name });

describe('mailer: SES refuses for good', () => {
  let emulator: SesLocal;
  let table: TestTable;
  let ses: SESClient;
  let ledger: DynamoSideEffectLedger;
  let clock: ReturnType<typeof manualClock>;
  let mailer: StaffMailer;
  let request: SendRequest<'payment_reminder'>;

  beforeAll(async () => {
    emulator = await startSesLocal();
    table = await createTestTable('mailer-undeliverable');
  });
  afterAll(async () => {
    await table.drop();
    await emulator.stop();
  });
  beforeEach(async () => {
    await emulator.clearStore();
    vi.restoreAllMocks();
    ses = new SESClient({ endpoint: emulator.endpoint, ...LOCAL_AWS, maxAttempts: 1 });
    ledger = createSideEffectLedger(table);
    clock = manualClock('2026-12-03T08:00:00Z');
    mailer = createMailer({ ses, from: FROM, claim: ledger, clock, logger: { warn: () => undefined } });
    counter += 1;
    request = { id: `invoice#INV-${counter}#reminder#2`, template: 'payment_reminder', language: 'en', to: 'ana.novak@example.si', vars: fixtures.payment_reminder.vars };
  });

  async function rawClaim(id: string) {
    const { Item } = await table.client.send(new GetItemCommand({ TableName: table.tableName, Key: marshall({ pk: `ledger#sideEffect#${id}`, sk: 'ledger' }), ConsistentRead: true }));
    return Item === undefined ? undefined : unmarshall(Item);
  }

  it.each(['MessageRejected', 'AccountSendingPausedException'])('%s: returns undeliverable, records it terminal with what a re-send needs, and never calls SES for that id again', async (name) => {
    const send = vi.spyOn(ses, 'send').mockRejectedValueOnce(refusal(name));

    const first = await mailer.send(request);
    expect(first).toEqual({ status: 'undeliverable', error: { name, message: `${name} (injected)`, failedAt: '2026-12-03T08:00:00.000Z' } });
    expect(await rawClaim(request.id)).toMatchObject({
      status: 'undeliverable',
      lastError: { name },
      details: { template: 'payment_reminder', language: 'en', to: 'ana.novak@example.si', vars: { invoiceId: fixtures.payment_reminder.vars.invoiceId, reminderNumber: 2 } },
    });
    expect((await ledger.listUndeliverable()).map((u) => u.id)).toContain(request.id);

    // A retry of the step, even after the lease: same outcome, no SES call.
    clock.advance(DEFAULT_LEASE_MS + 1);
    expect(await mailer.send(request)).toEqual(first);
    expect(send).toHaveBeenCalledTimes(1);
    expect(await emulator.readStore()).toEqual([]);
  });

  it('keeps throwing EmailSendError on a transient failure and sends on the retry', async () => {
    vi.spyOn(ses, 'send').mockRejectedValueOnce(refusal('Throttling'));
    await expect(mailer.send(request)).rejects.toBeInstanceOf(EmailSendError);
    expect(await rawClaim(request.id)).toMatchObject({ status: 'released' });
    vi.restoreAllMocks();
    expect((await mailer.send(request)).status).toBe('sent');
    expect(await ledger.listUndeliverable()).not.toContainEqual(expect.objectContaining({ id: request.id }));
  });

  it('a staff re-send renders the stored request to the new address, sends exactly once, records the decision; a second re-send changes nothing', async () => {
    vi.spyOn(ses, 'send').mockRejectedValueOnce(refusal('MessageRejected'));
    await mailer.send(request);
    vi.restoreAllMocks();
    clock.advance(3_600_000);

    const resent = await mailer.resend(request.id, { to: 'ana.fixed@example.si', decidedBy: 'staff-marko', reason: 'address corrected' });
    const mails = await emulator.readStore();
    expect(mails).toHaveLength(1);
    expect(resent).toEqual({ status: 'sent', messageId: mails[0]?.messageId, recorded: true, to: 'ana.fixed@example.si', previousTo: 'ana.novak@example.si' });
    expect(mails[0]?.destination.to).toEqual(['ana.fixed@example.si']);
    expect(mails[0]?.body.text).toContain(`Reference: ${request.id}`);
    expect(await rawClaim(request.id)).toMatchObject({
      status: 'done',
      resends: [{ decidedBy: 'staff-marko', reason: 'address corrected', decidedAt: '2026-12-03T09:00:00.000Z', previousTo: 'ana.novak@example.si', previousError: { name: 'MessageRejected' } }],
    });
    expect(await ledger.sentTo('ana.fixed@example.si')).toMatchObject([{ id: request.id, resend: { decidedBy: 'staff-marko', reason: 'address corrected' } }]);
    expect(await ledger.listUndeliverable()).not.toContainEqual(expect.objectContaining({ id: request.id }));

    expect(await mailer.resend(request.id, { to: 'ana.fixed@example.si', decidedBy: 'staff-marko', reason: 'again' })).toEqual({ status: 'not_undeliverable', state: 'done' });
    expect(await mailer.send(request)).toEqual({ status: 'already_sent' });
    expect(await emulator.readStore()).toHaveLength(1);
  });

  it('two concurrent re-sends send one e-mail', async () => {
    vi.spyOn(ses, 'send').mockRejectedValueOnce(refusal('MessageRejected'));
    await mailer.send(request);
    vi.restoreAllMocks();

    const outcomes = await Promise.all([1, 2, 3].map(() => mailer.resend(request.id, { to: 'ana.fixed@example.si', decidedBy: 'staff-marko', reason: 'fixed' })));
    expect(outcomes.filter((o) => o.status === 'sent')).toHaveLength(1);
    expect(await emulator.readStore()).toHaveLength(1);
  });

  it('a re-send refused again stays undeliverable with the new error, and a re-send of an unknown id answers not_undeliverable/null', async () => {
    vi.spyOn(ses, 'send').mockRejectedValueOnce(refusal('MessageRejected')).mockRejectedValueOnce(refusal('MessageRejected', 'still refused'));
    await mailer.send(request);
    const again = await mailer.resend(request.id, { to: 'other@example.si', decidedBy: 'staff-marko', reason: 'try other' });
    expect(again).toMatchObject({ status: 'undeliverable', error: { name: 'MessageRejected', message: 'still refused' } });
    expect(await ledger.listUndeliverable()).toContainEqual(expect.objectContaining({ id: request.id, to: 'other@example.si' }));
    expect(await mailer.resend('invoice#NOPE#reminder#1', { to: 'x@example.si', decidedBy: 's', reason: 'r' })).toEqual({ status: 'not_undeliverable', state: null });
  });
});
