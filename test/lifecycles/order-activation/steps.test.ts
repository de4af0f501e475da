/**
 * The steps and intake on the real repository and token store (DynamoDB Local), with recording
 * stand-ins for Step Functions, the provisioner and the mailer: the races and redeliveries a
 * scenario on the virtual clock cannot stage at will.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TaskNoLongerWaitingError } from '../../../functions/app/errors';
import type { AppDeps, Provisioner, Workflows } from '../../../functions/app/ports';
import { createRepository } from '../../../functions/data/repository';
import { createTaskTokens } from '../../../functions/data/task-tokens';
import { NotFoundError, ValidationError } from '../../../functions/domain/errors';
import { getPreset } from '../../../functions/domain/policy';
import { createOrderActivationHandler } from '../../../functions/lifecycles/order-activation/handler';
import { orderIds } from '../../../functions/lifecycles/order-activation/ids';
import { placeOrder, recordProvisioningResult } from '../../../functions/lifecycles/order-activation/intake';
import { awaitPayment, cancelUnpaidOrder, issueInvoice, submitProvisioning } from '../../../functions/lifecycles/order-activation/steps';
import type { Mailer } from '../../../functions/notifications/mailer';
import { renderTemplate } from '../../../functions/notifications/templates';
import { steppingClock } from '../../data/support';
import { createTestTable, type TestTable } from '../../support/dynamodb';
import { uid } from './support';

interface Signal {
  token: string;
  success?: unknown;
  error?: string;
}

let table: TestTable;
let deps: AppDeps;
const signals: Signal[] = [];
const commands: Parameters<Provisioner['submit']>[0][] = [];
const mails: string[] = [];
/** Tokens the stand-in engine no longer waits on. */
const gone = new Set<string>();

function signal(token: string, s: Omit<Signal, 'token'>) {
  if (gone.has(token)) throw new TaskNoLongerWaitingError('TaskTimedOut', { cause: new Error('gone') });
  signals.push({ token, ...s });
}

beforeAll(async () => {
  table = await createTestTable('order-activation-steps');
  const clock = steppingClock('2026-03-02T09:00:00.000Z');
  const workflows: Workflows = {
    start: async (_w, name) => ({ executionArn: `arn:execution:${name}`, alreadyStarted: false }),
    sendTaskSuccess: async (token, output) => signal(token, { success: output }),
    sendTaskFailure: async (token, error) => signal(token, { error }),
    describe: async () => undefined,
  };
  const mailer: Mailer = {
    async send(request) {
      renderTemplate(request.template, request.language, request.vars);
      mails.push(request.id);
      return { status: 'sent', messageId: request.id, recorded: true };
    },
  };
  deps = {
    clock,
    presetName: 'smartape',
    policy: getPreset('smartape'),
    repo: createRepository({ client: table.client, tableName: table.tableName, clock }),
    mailer,
    workflows,
    approvals: {} as AppDeps['approvals'],
    tokens: createTaskTokens({ client: table.client, tableName: table.tableName, clock }),
    provisioner: { submit: async (command) => void commands.push(command) },
    payments: {} as AppDeps['payments'],
    provider: { name: 'SmartApe OÜ', supportEmail: 'support@smartape.example', billingUrl: 'https://smartape.example/billing' },
  };
});
afterAll(async () => table.drop());
beforeEach(() => {
  signals.length = 0;
  commands.length = 0;
  mails.length = 0;
});

async function placedOrder() {
  const orderId = uid('ORD');
  const customerId = uid('CUS');
  await placeOrder(deps, {
    eventId: uid('evt'),
    type: 'order.placed',
    occurredAt: '2026-03-02T09:00:00Z',
    data: {
      orderId,
      customer: { type: 'consumer', customerId, name: 'Ana', email: 'ana@example.com', language: 'et', country: 'EE' },
      items: [{ itemId: 'i1', kind: 'vps', productCode: 'vps-s2', billingCycle: 'monthly', quantity: 1, price: { amount: 1500, currency: 'EUR' }, flags: { freeTrial: false, freeWithOffer: false, madeToSpecification: false } }],
      total: { amount: 1500, currency: 'EUR' },
      earlyStartConsent: false,
    },
  });
  return { orderId, customerId, invoiceId: orderIds.invoice(orderId), serviceId: `${orderId}-i1` };
}

async function payInFull(invoiceId: string) {
  const invoice = await deps.repo.get('invoice', invoiceId);
  await deps.repo.recordPayment({
    payment: { id: uid('PAY'), state: 'received', customerId: invoice.customerId, invoiceId, amount: invoice.total, method: 'card', receivedAt: '2026-03-02T10:00:00.000Z' },
    invoice: { expectedState: invoice.state, expectedVersion: invoice.version },
    audit: { actor: { type: 'customer', id: invoice.customerId }, rule: 'test' },
  });
}

describe('placeOrder', () => {
  it('writes to a customer in English when the storefront names a language without templates', async () => {
    const { customerId } = await placedOrder();
    expect((await deps.repo.get('customer', customerId)).language).toBe('en');
  });

  it("refuses an order id that is another customer's, naming the field, and records no customer", async () => {
    const { orderId } = await placedOrder();
    const stranger = uid('CUS');
    const attempt = placeOrder(deps, {
      eventId: uid('evt'),
      type: 'order.placed',
      occurredAt: '2026-03-02T09:00:00Z',
      data: {
        orderId,
        customer: { type: 'consumer', customerId: stranger, name: 'Eve', email: 'eve@example.com', language: 'en', country: 'EE' },
        items: [{ itemId: 'i1', kind: 'vps', productCode: 'vps-s2', billingCycle: 'monthly', quantity: 1, price: { amount: 1500, currency: 'EUR' }, flags: { freeTrial: false, freeWithOffer: false, madeToSpecification: false } }],
        total: { amount: 1500, currency: 'EUR' },
        earlyStartConsent: false,
      },
    });
    await expect(attempt).rejects.toMatchObject({ field: 'data.orderId' });
    expect(await deps.repo.find('customer', stranger)).toBeUndefined();
  });
});

describe('placeOrder for a business', () => {
  it('records the company as the customer’s name and its VAT id in canonical form', async () => {
    const customerId = uid('CUS');
    await placeOrder(deps, {
      eventId: uid('evt'),
      type: 'order.placed',
      occurredAt: '2026-03-02T10:00:00+01:00',
      data: {
        orderId: uid('ORD'),
        customer: { type: 'business', customerId, companyName: 'Novak d.o.o.', vatId: 'si12345678', email: 'office@novak.si', language: 'sl-SI', country: 'SI' },
        items: [{ itemId: 'i1', kind: 'shared_hosting', productCode: 'web-m', billingCycle: 'annual', quantity: 1, price: { amount: 5988, currency: 'EUR' }, flags: { freeTrial: false, freeWithOffer: false, madeToSpecification: false } }],
        total: { amount: 5988, currency: 'EUR' },
        earlyStartConsent: false,
      },
    });
    expect(await deps.repo.get('customer', customerId)).toMatchObject({ type: 'business', name: 'Novak d.o.o.', companyName: 'Novak d.o.o.', vatId: 'SI12345678', language: 'sl' });
  });
});

describe('IssueInvoice', () => {
  it('issues one invoice and one set of services however often it runs', async () => {
    const { orderId, invoiceId } = await placedOrder();
    const first = await issueInvoice(deps, { orderId });
    const again = await issueInvoice(deps, { orderId });
    expect(again).toEqual(first);
    expect((await deps.repo.history('invoice', invoiceId)).map((e) => e.to)).toEqual(['draft', 'issued']);
    expect((await deps.repo.history('service', `${orderId}-i1`)).map((e) => e.to)).toEqual(['pending']);
  });
});

describe('WaitForPayment and the unpaid-order deadline', () => {
  it('wakes itself when the payment was recorded before its token was stored', async () => {
    const { orderId, invoiceId } = await placedOrder();
    await issueInvoice(deps, { orderId });
    await payInFull(invoiceId);

    await awaitPayment(deps, { orderId, taskToken: 'token-paid-early', expiresAt: '2026-03-09T21:59:59.999Z' });

    expect(signals).toEqual([{ token: 'token-paid-early', success: { invoiceId, state: 'paid' } }]);
    expect(await deps.tokens.get(orderIds.paymentWait(invoiceId))).toBeUndefined();
  });

  it('leaves its token where the payment intake looks while the invoice is unpaid', async () => {
    const { orderId, invoiceId } = await placedOrder();
    await issueInvoice(deps, { orderId });
    await awaitPayment(deps, { orderId, taskToken: 'token-waiting', expiresAt: '2026-03-09T21:59:59.999Z' });
    expect(signals).toEqual([]);
    expect(await deps.tokens.get(`invoice#${invoiceId}#payment-wait`)).toBe('token-waiting');
  });

  it('does not cancel an order whose payment won the race with the deadline', async () => {
    const { orderId, invoiceId, serviceId } = await placedOrder();
    await issueInvoice(deps, { orderId });
    await payInFull(invoiceId);

    expect(await cancelUnpaidOrder(deps, { orderId })).toEqual({ outcome: 'paid' });
    expect((await deps.repo.get('order', orderId)).state).toBe('awaiting_payment');
    expect((await deps.repo.get('service', serviceId)).state).toBe('pending');
  });

  it('cancels invoice, services and order once, and records what was partly paid', async () => {
    const { orderId, invoiceId } = await placedOrder();
    await issueInvoice(deps, { orderId });
    const invoice = await deps.repo.get('invoice', invoiceId);
    await deps.repo.recordPayment({
      payment: { id: uid('PAY'), state: 'received', customerId: invoice.customerId, invoiceId, amount: { amount: 500, currency: 'EUR' }, method: 'card', receivedAt: '2026-03-02T10:00:00.000Z' },
      invoice: { expectedState: 'issued', expectedVersion: invoice.version },
      audit: { actor: { type: 'customer', id: invoice.customerId }, rule: 'test' },
    });

    await cancelUnpaidOrder(deps, { orderId });
    await cancelUnpaidOrder(deps, { orderId });

    expect((await deps.repo.history('order', orderId)).map((e) => e.to)).toEqual(['received', 'awaiting_payment', 'cancelled']);
    const [cancelled] = (await deps.repo.history('invoice', invoiceId)).slice(-1);
    expect(cancelled).toMatchObject({ from: 'partially_paid', to: 'cancelled', details: { amountPaid: '5.00 EUR' } });
  });
});

describe('provisioning commands and their results', () => {
  async function waitingCommand() {
    const placed = await placedOrder();
    await issueInvoice(deps, { orderId: placed.orderId });
    const token = uid('token');
    const { commandId } = await submitProvisioning(deps, { orderId: placed.orderId, serviceId: placed.serviceId, round: 1, attempt: 0, activateBy: '2026-03-03T21:59:59.999Z', taskToken: token });
    return { ...placed, token, commandId };
  }
  const result = (commandId: string, serviceId: string, outcome: 'succeeded' | 'failed', retryable = true) => ({
    eventId: uid('evt'),
    type: 'provisioning.result' as const,
    occurredAt: '2026-03-02T10:00:00Z',
    data:
      outcome === 'succeeded'
        ? { outcome, commandId, serviceId, completedAt: '2026-03-02T10:00:00Z', details: {} }
        : { outcome, commandId, serviceId, completedAt: '2026-03-02T10:00:00Z', errorCode: 'PANEL_DOWN', message: 'panel unreachable', retryable },
  });

  it('resumes the waiting item on success, and a repeated result signals nothing', async () => {
    const { commandId, serviceId, token } = await waitingCommand();
    expect(commands.map((c) => c.id)).toEqual([commandId]);

    await recordProvisioningResult(deps, result(commandId, serviceId, 'succeeded'));
    await recordProvisioningResult(deps, result(commandId, serviceId, 'succeeded'));

    expect(signals).toEqual([{ token, success: { commandId, outcome: 'succeeded' } }]);
  });

  it('fails the item with the error its Retry matches, or the one that goes straight to staff', async () => {
    const retryable = await waitingCommand();
    await recordProvisioningResult(deps, result(retryable.commandId, retryable.serviceId, 'failed', true));
    const refused = await waitingCommand();
    await recordProvisioningResult(deps, result(refused.commandId, refused.serviceId, 'failed', false));
    expect(signals.map((s) => s.error)).toEqual(['ProvisioningFailedError', 'ProvisioningRejectedError']);
  });

  it('keeps the first answer to a command when a different one follows', async () => {
    const { commandId, serviceId } = await waitingCommand();
    await recordProvisioningResult(deps, result(commandId, serviceId, 'failed'));
    await recordProvisioningResult(deps, result(commandId, serviceId, 'succeeded'));
    expect((await deps.repo.get('sideEffect', commandId)).result).toMatchObject({ outcome: 'failed' });
    expect(await deps.repo.find('sideEffect', orderIds.provisioned(serviceId))).toBeUndefined();
  });

  it('records a success that arrives after the item stopped waiting, and a later retry uses it instead of provisioning again', async () => {
    const { orderId, commandId, serviceId, token } = await waitingCommand();
    gone.add(token);
    await expect(recordProvisioningResult(deps, result(commandId, serviceId, 'succeeded'))).resolves.toMatchObject({ entity: 'provisioning_command', entityId: commandId });
    commands.length = 0;

    await submitProvisioning(deps, { orderId, serviceId, round: 2, attempt: 0, activateBy: '2026-03-05T21:59:59.999Z', taskToken: 'token-retry' });

    expect(commands).toEqual([]);
    expect(signals).toEqual([{ token: 'token-retry', success: { commandId, outcome: 'succeeded' } }]);
  });

  it('refuses a result for a command it never sent, or for another service', async () => {
    const { commandId } = await waitingCommand();
    await expect(recordProvisioningResult(deps, result('service:nope:provision:1.0', 'nope', 'succeeded'))).rejects.toThrow(NotFoundError);
    await expect(recordProvisioningResult(deps, result(commandId, 'other-service', 'succeeded'))).rejects.toMatchObject({ field: 'data.serviceId' });
  });
});

describe('the order-activation Lambda', () => {
  it('refuses a task input it does not know, naming the field', async () => {
    const handler = createOrderActivationHandler(deps);
    await expect(handler({ step: 'SubmitProvisioning', orderId: 'ORD-1', serviceId: 'S', round: 0, attempt: 0, activateBy: 'soon', taskToken: 't' })).rejects.toThrow(ValidationError);
    await expect(handler({ step: 'Teleport', orderId: 'ORD-1' })).rejects.toMatchObject({ field: 'task.step' });
  });

  it('names an e-mail by the same id when its state runs again, so the mailer sends it once', async () => {
    const { orderId } = await placedOrder();
    const handler = createOrderActivationHandler(deps);
    await handler({ step: 'Notify', email: 'order_received', orderId });
    await handler({ step: 'Notify', email: 'order_received', orderId });
    expect(mails).toEqual([`order#${orderId}#received`, `order#${orderId}#received`]);
  });

  it('does not fail, nor report as sent, an e-mail SES refused for good', async () => {
    const { orderId } = await placedOrder();
    const refusing: Mailer = {
      async send(request) {
        mails.push(request.id);
        return { status: 'undeliverable', error: { name: 'MessageRejected', message: 'Email address is not verified.', failedAt: '2026-03-02T09:00:00.000Z' } };
      },
    };
    const handler = createOrderActivationHandler({ ...deps, mailer: refusing });
    const out = await handler({ step: 'Notify', email: 'order_received', orderId });
    expect(out).toEqual({ sent: [], undeliverable: [`order#${orderId}#received`] });
    expect(mails).toEqual([`order#${orderId}#received`]);
  });
});
