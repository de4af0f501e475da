/**
 * Every side effect happens once (ARCHITECTURE.md invariant 3): the same payment webhook delivered five
 * times has one outcome, and SES failing twice still yields exactly one e-mail.
 */
import { SESClient } from '@aws-sdk/client-ses';
import { afterEach, describe, expect, it } from 'vitest';
import { createSideEffectLedger } from '../../../functions/data/side-effect-ledger';
import { createMailer } from '../../../functions/notifications/mailer';
import { LOCAL_AWS } from '../../../infra/local/dynamodb-local';
import { localClient } from '../../support/dynamodb';
import { execution, invoiceScenario, letters, paymentEvent, type Scenario } from './support';

const START = '2026-03-02T09:00:00Z';
let s: Scenario | undefined;
afterEach(async () => {
  await s?.rt.stop();
  s = undefined;
});

describe('the same payment delivered five times', () => {
  it('records one payment, reactivates once and sends one reactivation e-mail', async () => {
    s = await invoiceScenario({ preset: 'smartape', start: START });
    await s.rt.advance('10d');
    const event = paymentEvent(s, { invoiceId: s.invoiceId, amount: 10_000 });
    // Five deliveries at once; one that finds the first still in progress is answered 503 and, as a
    // storefront does, delivered again later.
    const concurrent = await Promise.all(Array.from({ length: 5 }, () => s!.rt.webhook(event)));
    await s.rt.advance(0);
    const answers = [];
    for (const answer of concurrent) answers.push(answer.status === 503 ? await s.rt.webhook(event) : answer);
    await s.rt.advance(0);

    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 202]);
    const receipts = new Set(answers.map((a) => JSON.stringify(a.body.receipt)));
    expect(receipts.size).toBe(1);
    const timeline = await s.rt.repo.customerTimeline(s.customerId);
    expect(timeline.filter((e) => e.type === 'payment')).toHaveLength(1);
    expect(await s.rt.repo.get('invoice', s.invoiceId)).toMatchObject({ state: 'paid', amountPaid: { amount: 10_000 } });
    expect((await letters(s)).filter((l) => l.template === 'service_reactivated')).toHaveLength(1);
    expect((await execution(s)).status).toBe('SUCCEEDED');
  });

  it('the processor resending the payment under new event ids still pays the invoice once (deduplicated by payment id)', async () => {
    s = await invoiceScenario({ preset: 'hostico', start: START });
    await s.rt.advance('5d');
    const first = paymentEvent(s, { invoiceId: s.invoiceId, amount: 10_000 });
    for (let i = 0; i < 5; i++) {
      const answer = await s.rt.webhook({ ...first, eventId: `${first.eventId}-redelivery-${i}` });
      expect(answer.status).toBe(202);
    }
    await s.rt.advance(0);
    const payments = (await s.rt.repo.customerTimeline(s.customerId)).filter((e) => e.type === 'payment');
    expect(payments).toHaveLength(1);
    expect(await s.rt.repo.get('invoice', s.invoiceId)).toMatchObject({ state: 'paid', amountPaid: { amount: 10_000 } });
  });
});

/**
 * Replaces the runtime's mailer with the same mailer on an SES client whose first `times` SendEmail
 * calls fail with `error`; returns the SES message ids that went through.
 */
function failingSes(sc: Scenario, error: { name: string; message: string }, times: number) {
  const ses = new SESClient({ endpoint: sc.rt.urls.ses, ...LOCAL_AWS });
  const state = { failures: 0, sent: [] as string[], ses };
  ses.middlewareStack.add(
    (next) => async (args) => {
      if (state.failures < times) {
        state.failures += 1;
        throw Object.assign(new Error(error.message), { name: error.name, $fault: 'client' });
      }
      return next(args);
    },
    { step: 'initialize', name: 'failFirstCalls' },
  );
  ses.middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      const id = (result.output as { MessageId?: string }).MessageId;
      if (id) state.sent.push(id);
      return result;
    },
    { step: 'initialize', name: 'recordSent' },
  );
  sc.rt.deps.mailer = createMailer({
    ses,
    from: 'Hostico <billing@hostico.example>',
    claim: createSideEffectLedger({ client: localClient(), tableName: sc.rt.tableName }),
    clock: sc.rt.clock,
  });
  return state;
}

describe('SES failing twice', () => {
  it('the step is retried and exactly one reminder reaches the customer', async () => {
    s = await invoiceScenario({ preset: 'hostico', start: START });
    const ses = failingSes(s, { name: 'Throttling', message: 'Rate exceeded' }, 2);

    await s.rt.advance('11d'); // the first reminder, on 13 March
    expect(ses.failures).toBe(2);
    expect(ses.sent).toHaveLength(1);
    const stored = (await fetch(`${s.rt.urls.ses}/store`).then((r) => r.json())) as { emails: { messageId: string; subject: string; body: { text?: string } }[] };
    const reminder = stored.emails.filter((m) => m.messageId === ses.sent[0]);
    expect(reminder).toHaveLength(1);
    expect(reminder[0]?.body.text).toContain(`Reference: invoice#${s.invoiceId}#reminder#1`);
    const history = await s.rt.history('invoice-dunning', s.invoiceId);
    const failed = history.filter((e) => e.type === 'LambdaFunctionFailed' || e.type === 'TaskFailed').map((e) => e.taskFailedEventDetails?.error ?? e.lambdaFunctionFailedEventDetails?.error);
    expect(failed).toEqual(['EmailSendError', 'EmailSendError']);
    ses.ses.destroy();
  });

  it('SES refusing the message (not retryable) does not fail the execution: the reminder is undeliverable for staff, SES is not called again', async () => {
    s = await invoiceScenario({ preset: 'hostico', start: START });
    const ses = failingSes(s, { name: 'MessageRejected', message: 'Email address is not verified.' }, 1);
    await s.rt.advance('11d');
    const run = await execution(s);
    expect(run.status).toBe('RUNNING');
    expect(run.states).toContain('SendReminder');
    expect(run.states).not.toContain('DunningFailed');
    expect(ses.sent).toEqual([]);
    expect(ses.failures).toBe(1);
    const undeliverable = await s.rt.platform.mailLog.listUndeliverable();
    expect(undeliverable).toMatchObject([{ id: `invoice#${s.invoiceId}#reminder#1`, error: { name: 'MessageRejected' } }]);
    ses.ses.destroy();
  });
});
