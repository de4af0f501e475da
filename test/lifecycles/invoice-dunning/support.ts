/**
 * Arranges dunning scenarios on the test runtime: a customer with services and a draft invoice, the
 * dunning execution started as the billing run starts it, payments and deferrals delivered as signed
 * webhooks, and the e-mails read back from the SES emulator joined with the ledger's virtual send times.
 */
import { expect } from 'vitest';
import type { Service } from '../../../functions/domain/model';
import type { PresetName } from '../../../functions/domain/policy';
import type { ProductKind } from '../../../functions/domain/product';
import type { AuditInput } from '../../../functions/data/repository';
import { localDateOf } from '../../../functions/domain/calendar';
import { dueDate, invoiceIssueDate } from '../../../functions/domain/rules';
import { startTestRuntime, type TestRuntime } from '../../support/runtime';

export const CURRENCY: Record<PresetName, string> = { hostico: 'EUR', smartape: 'EUR', secom: 'UAH' };

const SETUP: AuditInput = { actor: { type: 'system', id: 'test-setup' }, rule: 'test arrangement' };
let counter = 0;
export const uid = (prefix: string) => `${prefix}-${++counter}-${Math.random().toString(36).slice(2, 7)}`;

export interface Scenario {
  rt: TestRuntime;
  customerId: string;
  email: string;
  invoiceId: string;
  serviceIds: string[];
  executionArn: string | undefined;
}

export interface ScenarioOptions {
  preset: PresetName;
  /** The virtual clock's start, which is also the invoice's issue instant. */
  start: string;
  items?: { kind: ProductKind; amount: number; domain?: string }[];
  rt?: TestRuntime;
  customerId?: string;
  /** Bill as of this instant instead of the clock's (an invoice issued in the past). */
  issuedAt?: string;
  /** Whether to start the dunning execution (default true). */
  startWorkflow?: boolean;
}

export async function startRuntime(preset: PresetName, start: string): Promise<TestRuntime> {
  return startTestRuntime({ preset, start });
}

/** A customer with active services and a draft invoice billing them; the dunning execution started. */
export async function invoiceScenario(options: ScenarioOptions): Promise<Scenario> {
  const rt = options.rt ?? (await startRuntime(options.preset, options.start));
  const { repo, policy, clock } = rt.deps;
  const currency = CURRENCY[options.preset];
  const customerId = options.customerId ?? uid('cust');
  const email = `${customerId}@example.com`;
  if (!(await repo.find('customer', customerId))) {
    await repo.create('customer', { id: customerId, state: 'active', type: 'consumer', email, name: 'Ana Novak', language: 'en', country: 'SI' }, SETUP);
  }
  const items = options.items ?? [{ kind: 'shared_hosting', amount: 10_000 }];
  const serviceIds: string[] = [];
  for (const item of items) {
    const id = uid('svc');
    const service: Omit<Service, 'version' | 'createdAt' | 'updatedAt'> = {
      id,
      state: 'pending',
      customerId,
      orderId: uid('ord'),
      provider: policy.name,
      productKind: item.kind,
      productCode: item.kind === 'domain' ? 'domain-renewal' : 'starter',
      billingCycle: 'monthly',
      price: { amount: item.amount, currency },
      ...(item.domain ? { domain: item.domain } : {}),
    };
    await repo.create('service', service, SETUP);
    await repo.transition('service', id, { expectedState: 'pending', expectedVersion: 1, to: 'active', audit: SETUP });
    serviceIds.push(id);
  }
  const issuedAt = invoiceIssueDate(policy, options.issuedAt ?? clock.now()).at;
  const invoiceId = uid('INV');
  const lines = items.map((item, i) =>
    item.kind === 'domain' || item.kind === 'ssl' || item.kind === 'software_licence'
      ? { kind: 'third_party' as const, description: `Renewal of ${item.domain ?? item.kind}`, serviceId: serviceIds[i]!, productKind: item.kind, amount: { amount: item.amount, currency } }
      : { kind: 'service_period' as const, description: 'Starter hosting, one month', serviceId: serviceIds[i]!, periodStart: localDateOf(policy.calendar, issuedAt), periodEnd: localDateOf(policy.calendar, issuedAt), amount: { amount: item.amount, currency } },
  );
  await repo.create(
    'invoice',
    {
      id: invoiceId,
      state: 'draft',
      customerId,
      provider: policy.name,
      kind: 'proforma',
      lines,
      total: { amount: items.reduce((s, i) => s + i.amount, 0), currency },
      amountPaid: { amount: 0, currency },
      issueDate: localDateOf(policy.calendar, issuedAt),
      dueDate: localDateOf(policy.calendar, dueDate(policy, issuedAt).at),
    },
    SETUP,
  );
  if (options.startWorkflow === false) return { rt, customerId, email, invoiceId, serviceIds, executionArn: undefined };
  const { executionArn } = await rt.deps.workflows.start('invoice-dunning', invoiceId, { invoiceId });
  await rt.advance(0);
  return { rt, customerId, email, invoiceId, serviceIds, executionArn };
}

let events = 0;

/** A payment.received webhook, signed and over HTTP like the storefront's. */
export function paymentEvent(s: Pick<Scenario, 'customerId' | 'rt'>, data: { paymentId?: string; invoiceId?: string; amount: number; currency?: string }) {
  return {
    eventId: `evt-${++events}-${Math.random().toString(36).slice(2, 7)}`,
    type: 'payment.received',
    occurredAt: s.rt.clock.now().toISOString(),
    data: {
      paymentId: data.paymentId ?? uid('pay'),
      ...(data.invoiceId ? { invoiceId: data.invoiceId } : {}),
      customerId: s.customerId,
      amount: { amount: data.amount, currency: data.currency ?? CURRENCY[s.rt.deps.presetName] },
      method: 'bank_transfer',
      receivedAt: s.rt.clock.now().toISOString(),
    },
  };
}

export async function pay(s: Scenario, amount: number, invoiceId = s.invoiceId) {
  const answer = await s.rt.webhook(paymentEvent(s, { invoiceId, amount }));
  expect(answer.status, JSON.stringify(answer.body)).toBe(202);
  await s.rt.advance(0);
  return answer;
}

export async function requestDeferral(s: Scenario, payBy: string) {
  const answer = await s.rt.webhook({
    eventId: `evt-${++events}-${Math.random().toString(36).slice(2, 7)}`,
    type: 'deferral.requested',
    occurredAt: s.rt.clock.now().toISOString(),
    data: { deferralRequestId: uid('def'), customerId: s.customerId, invoiceId: s.invoiceId, payBy, requestedAt: s.rt.clock.now().toISOString() },
  });
  expect(answer.status, JSON.stringify(answer.body)).toBe(202);
  await s.rt.advance(0);
  return answer;
}

export interface Letter {
  id: string;
  template: string;
  /** When it was sent, on the virtual clock, as the provider's local date. */
  day: string;
  sentAt: string;
  subject: string;
  text: string;
}

/** Formatted numbers and dates carry narrow and no-break spaces; tests compare with plain ones. */
const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, ' ');

/** The customer's e-mails as the SES emulator stored them, with the ledger's virtual send time. */
export async function letters(s: Pick<Scenario, 'rt' | 'email'>): Promise<Letter[]> {
  const sent = await s.rt.platform.mailLog.sentTo(s.email);
  const stored = new Map((await s.rt.mail()).map((m) => [m.messageId, m]));
  return sent
    .map((m) => {
      const mail = stored.get(m.providerId);
      if (!mail) throw new Error(`${m.id} is in the ledger but not in the SES emulator`);
      return { id: m.id, template: m.template, day: localDateOf(s.rt.deps.policy.calendar, m.sentAt), sentAt: m.sentAt, subject: plain(mail.subject), text: plain(mail.body.text ?? '') };
    })
    .sort((a, b) => a.sentAt.localeCompare(b.sentAt) || a.id.localeCompare(b.id));
}

/** What the execution is doing, and what it cost in state transitions (the AWS cost driver). */
export async function execution(s: Scenario) {
  if (s.executionArn === undefined) throw new Error(`no dunning execution was started for ${s.invoiceId}`);
  const d = await s.rt.sfn.describeExecution({ executionArn: s.executionArn });
  const { stateTransitions } = s.rt.sfn.executionMetrics(s.executionArn);
  const events = await s.rt.history('invoice-dunning', s.invoiceId);
  const states = events.filter((e) => e.type?.endsWith('StateEntered')).map((e) => e.stateEnteredEventDetails?.name);
  return { status: d.status, error: d.error, cause: d.cause, stateTransitions, states };
}

export const stateOf = async (s: Scenario, type: 'invoice' | 'service', id: string) => (await s.rt.repo.get(type, id)).state;
