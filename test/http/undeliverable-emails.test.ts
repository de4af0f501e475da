/**
 * An e-mail SES refuses for good does not stop a lifecycle: a customer who never pays and whose
 * address SES rejects is still suspended on the day the contract says, the execution succeeds, and
 * staff find the refused e-mails in their list and re-send one, once, to the corrected address.
 * Real parts throughout (local engine, real ASL and handlers, DynamoDB Local, the SES emulator); the
 * SES client is wrapped only to inject MessageRejected for the customer's original address.
 */
import { SESClient } from '@aws-sdk/client-ses';
import { afterEach, describe, expect, it } from 'vitest';
import { localDateOf } from '../../functions/domain/calendar';
import { createSideEffectLedger } from '../../functions/data/side-effect-ledger';
import { createMailer } from '../../functions/notifications/mailer';
import { LOCAL_AWS } from '../../infra/local/dynamodb-local';
import { localClient } from '../support/dynamodb';
import { execution, invoiceScenario, type Scenario } from '../lifecycles/invoice-dunning/support';

const START = '2026-03-02T09:00:00Z';
let s: Scenario | undefined;
afterEach(async () => {
  await s?.rt.stop();
  s = undefined;
});

/** SES refuses every e-mail to `refused` (as it does an unverified or suppressed address) and counts the calls. */
function refusingSes(sc: Scenario, refused: string) {
  const ses = new SESClient({ endpoint: sc.rt.urls.ses, ...LOCAL_AWS, maxAttempts: 1 });
  const state = { calls: [] as string[], sent: new Set<string>(), ses };
  ses.middlewareStack.add(
    (next) => async (args) => {
      const to = (args.input as { Destination?: { ToAddresses?: string[] } }).Destination?.ToAddresses ?? [];
      state.calls.push(to.join(','));
      if (to.includes(refused)) throw Object.assign(new Error('Email address is not verified.'), { name: 'MessageRejected', $fault: 'client' });
      return next(args);
    },
    { step: 'initialize', name: 'refuseAddress' },
  );
  ses.middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      const id = (result.output as { MessageId?: string }).MessageId;
      if (id) state.sent.add(id);
      return result;
    },
    { step: 'initialize', name: 'recordSent' },
  );
  sc.rt.deps.mailer = createMailer({
    ses,
    from: 'Hostico <billing@hostico.example>',
    claim: createSideEffectLedger({ client: localClient(), tableName: sc.rt.tableName }),
    clock: sc.rt.clock,
    logger: { warn: () => undefined },
  });
  return state;
}

const enc = encodeURIComponent;

/** What this runtime's mailer got into the SES emulator (the emulator's store is shared by the file). */
async function delivered(sc: Scenario, sent: Set<string>) {
  const store = (await fetch(`${sc.rt.urls.ses}/store`).then((r) => r.json())) as { emails: { messageId: string; destination: { to: string[] }; body: { text?: string } }[] };
  return store.emails.filter((m) => sent.has(m.messageId));
}

describe('a customer whose e-mail address SES rejects', () => {
  it('hostico never-pays: still suspended on 24 March, the execution succeeds, and staff re-send one notice to the corrected address exactly once', async () => {
    s = await invoiceScenario({ preset: 'hostico', start: START, startWorkflow: false });
    const ses = refusingSes(s, s.email);
    const { executionArn } = await s.rt.deps.workflows.start('invoice-dunning', s.invoiceId, { invoiceId: s.invoiceId });
    s = { ...s, executionArn };
    await s.rt.advance('50d');

    // The lifecycle went on: suspension on its day (the same day as when e-mails go through), then deletion.
    const suspended = (await s.rt.repo.history('service', s.serviceIds[0]!)).find((e) => e.to === 'suspended');
    expect(suspended && localDateOf(s.rt.deps.policy.calendar, suspended.at)).toBe('2026-03-24');
    expect((await s.rt.repo.get('service', s.serviceIds[0]!)).state).toBe('deleted');
    const run = await execution(s);
    expect(run.status).toBe('SUCCEEDED');
    expect(ses.sent.size).toBe(0);

    // Every refused notice is in the staff list, with customer, template, error and time.
    const list = await s.rt.staff('/staff/notifications/undeliverable?limit=100');
    expect(list.status).toBe(200);
    const ids = list.body.items.map((i: { notificationId: string }) => i.notificationId);
    expect(ids).toContain(`invoice#${s.invoiceId}#reminder#1`);
    expect(new Set(ids).size).toBe(ids.length);
    // One SES call per notice: no retry of a refusal.
    expect(ses.calls).toHaveLength(ids.length);
    const reminder = list.body.items.find((i: { notificationId: string }) => i.notificationId === `invoice#${s!.invoiceId}#reminder#1`);
    expect(reminder).toMatchObject({
      subject: { entity: 'invoice', entityId: s.invoiceId },
      customer: { customerId: s.customerId, displayName: 'Ana Novak', email: s.email },
      template: 'payment_reminder',
      language: 'en',
      refusedAddress: s.email,
      error: { name: 'MessageRejected', message: 'Email address is not verified.' },
    });
    expect(localDateOf(s.rt.deps.policy.calendar, reminder.failedAt)).toBe('2026-03-13');
    const byCustomer = await s.rt.staff(`/staff/notifications/undeliverable?customerId=${s.customerId}&limit=1`);
    expect(byCustomer.body.items).toHaveLength(1);
    expect(byCustomer.body.nextCursor).not.toBeNull();

    // The customer's timeline shows them.
    const timeline = await s.rt.staff(`/staff/customers/${s.customerId}/timeline?limit=100`);
    expect(timeline.body.entries.filter((e: { to: string }) => e.to === 'undeliverable')).toHaveLength(ids.length);

    // Staff correct the address, then re-send the first reminder.
    const customer = await s.rt.repo.get('customer', s.customerId);
    const corrected = `fixed-${s.email}`;
    await s.rt.repo.update('customer', s.customerId, {
      expectedVersion: customer.version,
      patch: { email: corrected },
      audit: { actor: { type: 'staff', id: 'staff-marko' }, rule: 'support', details: {} },
    });
    const token = s.rt.staffToken('staff-marko');
    const path = `/staff/notifications/${enc(`invoice#${s.invoiceId}#reminder#1`)}/resend`;
    const resent = await s.rt.staff(path, { method: 'POST', body: { reason: 'address corrected by phone' }, token });
    expect(resent.status).toBe(200);
    expect(resent.body).toMatchObject({ status: 'sent', to: corrected, previousTo: s.email, resentBy: { staffId: 'staff-marko' }, reason: 'address corrected by phone' });
    const mails = await delivered(s, ses.sent);
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({ messageId: resent.body.messageId, destination: { to: [corrected] } });
    expect(mails[0]?.body.text).toContain(`Reference: invoice#${s.invoiceId}#reminder#1`);

    // A second re-send changes nothing.
    const again = await s.rt.staff(path, { method: 'POST', body: { reason: 'address corrected by phone' }, token });
    expect(again.status).toBe(409);
    expect(again.body).toEqual({ error: 'NotificationNotUndeliverable', notificationId: `invoice#${s.invoiceId}#reminder#1`, state: 'done' });
    expect(await delivered(s, ses.sent)).toHaveLength(1);
    expect(ses.sent.size).toBe(1);

    // It left the list; the timeline shows the re-send with the decider and reason.
    const after = await s.rt.staff('/staff/notifications/undeliverable?limit=100');
    expect(after.body.items.map((i: { notificationId: string }) => i.notificationId)).not.toContain(`invoice#${s.invoiceId}#reminder#1`);
    expect(after.body.items).toHaveLength(ids.length - 1);
    const mailLog = await s.rt.platform.mailLog.sentTo(corrected);
    expect(mailLog).toMatchObject([{ id: `invoice#${s.invoiceId}#reminder#1`, resend: { decidedBy: 'staff-marko', reason: 'address corrected by phone' } }]);
    const t2 = await s.rt.staff(`/staff/customers/${s.customerId}/timeline?limit=100`);
    expect(t2.body.entries).toContainEqual(
      expect.objectContaining({ kind: 'email', from: 'undeliverable', to: 'sent', actor: { type: 'staff', id: 'staff-marko' } }),
    );

    // Unknown id: 404; bad body: 400 naming the field.
    expect((await s.rt.staff(`/staff/notifications/${enc('invoice#nope#reminder#1')}/resend`, { method: 'POST', body: { reason: 'try again' } })).status).toBe(404);
    const bad = await s.rt.staff(path, { method: 'POST', body: { reason: 'x' } });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('reason');
    ses.ses.destroy();
  });
});
