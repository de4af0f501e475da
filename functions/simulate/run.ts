/**
 * Runs a scenario through the real local runtime (startLocalRuntime: DynamoDB Local, the SES emulator,
 * the local engine with the real ASL and handlers) on a virtual clock standing at the scenario's start.
 *
 * Every scenario delivery is a timer on the engine clock, and its work an idle source the clock waits
 * for, so deliveries interleave with workflow waits exactly in virtual time order. Storefront events go
 * over signed HTTP (small scenarios) or straight to the actions the webhook routes call, parsed with
 * the same webhook schema; staff decide through the staff API or the same action. The runtime fires the
 * billing run at each local midnight. The clock advances one local month at a time so long runs can
 * report progress.
 */
import { fileURLToPath } from 'node:url';
import { DateTime } from 'luxon';
import { createActions } from '../app/actions';
import type { Approval } from '../domain/model';
import { addCalendarDays, atLocal, localDateOf } from '../domain/calendar';
import { money, type Money } from '../domain/money';
import { signWebhook, WEBHOOK_SIGNATURE_HEADER, WEBHOOK_TIMESTAMP_HEADER } from '../http/webhook-signature';
import { dispatchWebhook } from '../http/routes';
import { webhookEventSchema, type WebhookEvent } from '../http/schemas/webhooks';
import { orderIds } from '../lifecycles/order-activation/ids';
import { EngineClock } from '../../infra/local/engine';
import { PendingWork, startLocalRuntime, type LocalRuntime, type LocalRuntimeOptions } from '../../infra/local/runtime';
import { findViolations, type Violation } from './invariants';
import { observe, type ExecutionObservation } from './observe';
import type { InvoiceRef, Scenario, ScenarioEvent, ScenarioOrder } from './scenario';
import { approvalSummaries, buildTimeline, type ApprovalSummary, type TimelineEntry } from './timeline';

export interface SimulationProgress {
  /** The virtual instant reached. */
  at: string;
  month: number;
  months: number;
  stateTransitions: number;
  elapsedMs: number;
}

export interface SimulateOptions {
  /** Where DynamoDB is (the test suite's shared DynamoDB Local), and the SES emulator to use; by default both start in memory. */
  runtime?: Pick<LocalRuntimeOptions, 'dynamodb' | 'ses' | 'workflowsDir'>;
  progress?: (p: SimulationProgress) => void;
}

export interface SimulationResult {
  scenario: { name: string; description?: string; preset: string; timeZone: string; start: string; end: string; delivery: 'http' | 'actions' };
  timeline: TimelineEntry[];
  approvals: ApprovalSummary[];
  executions: ExecutionObservation[];
  violations: Violation[];
  /** Deliveries that failed or found nothing to act on, and errors of work the clock ran. */
  problems: string[];
  stats: {
    wallMs: number;
    stateTransitions: number;
    taskInvocations: number;
    /** Retries by the error retried (optimistic-concurrency conflicts, e-mail errors); each is also counted above. */
    retries: Record<string, number>;
    emails: number;
    customers: number;
  };
}

const WORKFLOWS_DIR = fileURLToPath(new URL('../../workflows', import.meta.url));
const STAFF_ID = 'simulated-staff';
/** Generated customers pay at this local time of day, in the provider's office hours. */
const PAYING_TIME = '10:00';
/** Payments by habit in flight at once (not a policy number: how hard the simulated storefront pushes). */
const PAYING_TOGETHER = 16;

/** Runs `fn` over `items` with at most `limit` calls at once; the first error is thrown after all settle. */
async function eachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const errors: unknown[] = [];
  const lane = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      try {
        await fn(item);
      } catch (error) {
        errors.push(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  if (errors.length > 0) throw errors[0];
}

const describeError = (error: unknown) => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));

export async function simulate(scenario: Scenario, options: SimulateOptions = {}): Promise<SimulationResult> {
  const began = performance.now();
  const policy = scenario.policy;
  const cal = policy.calendar;
  const problems: string[] = [];
  const log = {
    info: () => undefined,
    warn: () => undefined,
    error: (...args: unknown[]) => problems.push(args.map((a) => (a instanceof Error ? describeError(a) : String(a))).join(' ')),
  };
  const rt = await startLocalRuntime({
    preset: scenario.preset,
    clock: new EngineClock({ mode: 'virtual', start: new Date(scenario.start) }),
    billingRun: true,
    log,
    workflowsDir: options.runtime?.workflowsDir ?? WORKFLOWS_DIR,
    ...(options.runtime?.dynamodb === undefined ? {} : { dynamodb: options.runtime.dynamodb }),
    ...(options.runtime?.ses === undefined ? {} : { ses: options.runtime.ses }),
  });
  try {
    const commissions = scenario.gateway.refundCommissions;
    // The port's optional commission quote; the runtime's simulated gateway charges none unless the scenario says.
    if (commissions !== undefined) rt.payments.refundCommissions = async () => commissions;
    const work = new PendingWork(log);
    const detach = rt.clock.addIdleSource(work);
    const deliver = createDelivery(rt, scenario.delivery);
    const customers = new Map(scenario.customers.map((c) => [c.id, c]));
    const at = (ms: number, what: string, act: () => Promise<unknown>) => rt.clock.schedule(ms, () => work.track(what, act));

    for (const order of scenario.orders) at(order.at, `order ${order.id}`, () => deliver.webhook(orderEvent(rt, order, customers)));
    for (const event of scenario.events) at(event.at, describeEvent(event), () => act(rt, deliver, scenario, event));
    scheduleStaff(rt, scenario, deliver, work);
    scheduleHabits(rt, scenario, deliver, work);

    const boundaries = monthBoundaries(scenario, cal.timeZone);
    for (const [i, boundary] of boundaries.entries()) {
      await rt.clock.advanceTo(boundary);
      options.progress?.({
        at: new Date(boundary).toISOString(),
        month: i + 1,
        months: boundaries.length,
        stateTransitions: rt.sfn.metrics().stateTransitions,
        elapsedMs: performance.now() - began,
      });
    }
    await work.whenIdle();
    detach();

    const observation = await observe(rt, scenario.customers.map((c) => c.id));
    const failed = observation.executions.filter((e) => !['RUNNING', 'SUCCEEDED'].includes(e.status));
    for (const e of failed) problems.push(`${e.workflow} ${e.name} ${e.status}${e.error ? `: ${e.error}` : ''}${e.cause ? ` (${e.cause})` : ''}`);
    const metrics = rt.sfn.metrics();
    return {
      scenario: {
        name: scenario.name,
        ...(scenario.description === undefined ? {} : { description: scenario.description }),
        preset: scenario.preset,
        timeZone: cal.timeZone,
        start: new Date(scenario.start).toISOString(),
        end: new Date(scenario.end).toISOString(),
        delivery: scenario.delivery,
      },
      timeline: buildTimeline(observation, policy),
      approvals: approvalSummaries(observation),
      executions: observation.executions,
      violations: findViolations(observation, policy),
      problems,
      stats: {
        wallMs: Math.round(performance.now() - began),
        stateTransitions: metrics.stateTransitions,
        taskInvocations: metrics.taskInvocations,
        retries: rt.sfn.retries(),
        emails: observation.sentReferences.length,
        customers: observation.customers.length,
      },
    };
  } finally {
    await rt.stop();
  }
}

/** The start of each local month after the start, then the end: the clock stops at each to report progress. */
function monthBoundaries(s: Scenario, zone: string): number[] {
  const out: number[] = [];
  let next = DateTime.fromMillis(s.start, { zone }).startOf('month').plus({ months: 1 });
  while (next.toMillis() < s.end) {
    out.push(next.toMillis());
    next = next.plus({ months: 1 });
  }
  out.push(s.end);
  return out;
}

// ——— delivery ———

interface Delivery {
  webhook(event: unknown): Promise<unknown>;
  decide(approvalId: string, decision: 'approve' | 'reject', reason: string): Promise<unknown>;
}

function createDelivery(rt: LocalRuntime, mode: 'http' | 'actions'): Delivery {
  if (mode === 'http') {
    const post = async (path: string, body: string, headers: Record<string, string>) => {
      const res = await fetch(`${rt.urls.api}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
      const text = await res.text();
      if (!res.ok) throw new Error(`POST ${path} answered ${res.status}: ${text}`);
      return text === '' ? undefined : (JSON.parse(text) as unknown);
    };
    return {
      webhook(event) {
        const rawBody = JSON.stringify(event);
        // Signed at the virtual time: the receiver checks the signature's age against the same clock.
        const timestamp = Math.floor(rt.clock.nowMs() / 1000);
        return post('/webhooks/storefront', rawBody, {
          [WEBHOOK_TIMESTAMP_HEADER]: String(timestamp),
          [WEBHOOK_SIGNATURE_HEADER]: signWebhook(rt.webhookSecret, timestamp, rawBody),
        });
      },
      decide(approvalId, decision, reason) {
        return post(`/staff/approvals/${encodeURIComponent(approvalId)}/decision`, JSON.stringify({ decision, reason }), {
          authorization: `Bearer ${rt.staffToken(STAFF_ID)}`,
        });
      },
    };
  }
  const actions = createActions(rt.deps, rt.platform.mailLog);
  return {
    async webhook(input) {
      // The same parse the webhook route applies, so defaults and rejections are the route's.
      const parsed = webhookEventSchema.safeParse(input);
      if (!parsed.success) throw new Error(`webhook rejected: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      return dispatchWebhook(parsed.data, actions);
    },
    async decide(approvalId, decision, reason) {
      const result = await actions.decideApproval({ approvalId, decision, reason, decidedBy: { staffId: STAFF_ID } });
      if (result.outcome !== 'decided') throw new Error(`approval ${approvalId} was already closed (${result.approval.status})`);
      return result;
    },
  };
}

// ——— the scenario's events ———

function envelope(rt: LocalRuntime, type: string, key: string, data: Record<string, unknown>) {
  return { eventId: `evt.${type}.${key}`, type, occurredAt: rt.clock.now().toISOString(), data };
}

function orderEvent(rt: LocalRuntime, order: ScenarioOrder, customers: Map<string, Scenario['customers'][number]>) {
  const c = customers.get(order.customer);
  if (c === undefined) throw new Error(`order ${order.id}: no customer ${order.customer}`);
  const common = { customerId: c.id, email: c.email, language: c.language, country: c.country };
  return envelope(rt, 'order.placed', order.id, {
    orderId: order.id,
    customer: c.type === 'consumer' ? { type: 'consumer', name: c.name, ...common } : { type: 'business', companyName: c.name, ...(c.vatId ? { vatId: c.vatId } : {}), ...common },
    items: order.items.map((item) => ({
      itemId: item.id,
      kind: item.kind,
      productCode: item.product,
      billingCycle: item.cycle,
      quantity: item.quantity,
      price: item.price,
      ...(item.domain === undefined ? {} : { domainName: item.domain }),
      flags: { freeTrial: item.freeTrial, freeWithOffer: item.freeWithOffer, madeToSpecification: item.madeToSpecification },
    })),
    total: order.total,
    ...(order.coupon === undefined ? {} : { couponCode: order.coupon }),
    earlyStartConsent: order.earlyStartConsent,
  });
}

function describeEvent(e: ScenarioEvent): string {
  switch (e.type) {
    case 'decision':
      return `decision on ${e.subject.type} ${e.subject.id}`;
    default:
      return `${e.type} ${e.id}`;
  }
}

/** The invoice an event names, as it stands now. */
async function findInvoice(rt: LocalRuntime, ref: InvoiceRef) {
  if ('invoice' in ref) {
    const invoice = await rt.repo.find('invoice', ref.invoice);
    if (invoice === undefined) throw new Error(`there is no invoice ${ref.invoice}`);
    return invoice;
  }
  if ('order' in ref) {
    const invoice = await rt.repo.find('invoice', orderIds.invoice(ref.order));
    if (invoice === undefined) throw new Error(`order ${ref.order} has no invoice yet`);
    return invoice;
  }
  const service = await rt.repo.find('service', ref.service);
  if (service === undefined) throw new Error(`there is no service ${ref.service}`);
  const open = (await rt.repo.openInvoices(service.customerId)).find((i) => i.lines.some((l) => 'serviceId' in l && l.serviceId === ref.service));
  if (open === undefined) throw new Error(`service ${ref.service} has no open invoice`);
  return open;
}

const owed = (i: { total: Money; amountPaid: Money }): Money => money(i.total.amount - i.amountPaid.amount, i.total.currency);

async function act(rt: LocalRuntime, deliver: Delivery, scenario: Scenario, e: ScenarioEvent): Promise<unknown> {
  const now = rt.clock.now().toISOString();
  switch (e.type) {
    case 'payment': {
      if ('customer' in e.target) {
        const customerId = e.target.customer;
        const open = await rt.repo.openInvoices(customerId);
        const amount = e.amount === 'open' ? money(open.reduce((acc, i) => acc + owed(i).amount, 0), scenario.policy.currency.billing) : (e.amount as Money);
        if (amount.amount <= 0) throw new Error(`payment ${e.id}: customer ${customerId} owes nothing`);
        return deliver.webhook(envelope(rt, 'payment.received', e.id, { paymentId: e.id, customerId, amount, method: e.method, receivedAt: now }));
      }
      const invoice = await findInvoice(rt, e.target);
      const amount = e.amount === 'full' ? owed(invoice) : (e.amount as Money);
      if (amount.amount <= 0) throw new Error(`payment ${e.id}: invoice ${invoice.id} is already paid`);
      return deliver.webhook(
        envelope(rt, 'payment.received', e.id, { paymentId: e.id, invoiceId: invoice.id, customerId: invoice.customerId, amount, method: e.method, receivedAt: now }),
      );
    }
    case 'deferral': {
      const invoice = await findInvoice(rt, e.target);
      const payBy = 'date' in e.payBy ? e.payBy.date : DateTime.fromISO(invoice.dueDate).plus({ days: e.payBy.daysAfterDue }).toISODate();
      return deliver.webhook(
        envelope(rt, 'deferral.requested', e.id, {
          deferralRequestId: e.id,
          customerId: invoice.customerId,
          invoiceId: invoice.id,
          payBy,
          requestedAt: now,
          ...(e.reason === undefined ? {} : { reason: e.reason }),
        }),
      );
    }
    case 'refund': {
      const service = await rt.repo.find('service', e.service);
      if (service === undefined) throw new Error(`refund ${e.id}: there is no service ${e.service}`);
      return deliver.webhook(
        envelope(rt, 'refund.requested', e.id, {
          refundRequestId: e.id,
          customerId: service.customerId,
          serviceId: service.id,
          requestedAt: now,
          payoutTo: e.iban === undefined ? { kind: 'original_method' } : { kind: 'bank_account', iban: e.iban },
          ...(e.reason === undefined ? {} : { reason: e.reason }),
        }),
      );
    }
    case 'withdrawal': {
      const order = scenario.orders.find((o) => o.id === e.order);
      return deliver.webhook(
        envelope(rt, 'withdrawal.requested', e.id, {
          withdrawalRequestId: e.id,
          customerId: order?.customer,
          orderId: e.order,
          ...(e.services === undefined ? {} : { serviceIds: e.services }),
          requestedAt: now,
          statement: e.statement,
        }),
      );
    }
    case 'decision': {
      const pending = (await rt.deps.approvals.listPending()).find((a) => a.context.subject.type === e.subject.type && a.context.subject.id === e.subject.id);
      if (pending === undefined) throw new Error(`no pending approval about ${e.subject.type} ${e.subject.id} to ${e.decision}`);
      return deliver.decide(pending.id, e.decision, e.reason);
    }
  }
}

// ——— simulated people ———

/** Staff who answer every approval no decision event names, looking at the queue every `staff.every`. */
function scheduleStaff(rt: LocalRuntime, scenario: Scenario, deliver: Delivery, work: PendingWork): void {
  const { undecided, everyMs, reason } = scenario.staff;
  if (undecided === 'timeout') return;
  const named = new Set(scenario.events.flatMap((e) => (e.type === 'decision' ? [`${e.subject.type}#${e.subject.id}`] : [])));
  const decision = undecided === 'approve' ? 'approve' : 'reject';
  const look = async () => {
    const pending = (await rt.deps.approvals.listPending()).filter((a: Approval) => !named.has(`${a.context.subject.type}#${a.context.subject.id}`));
    for (const approval of pending) await deliver.decide(approval.id, decision, reason);
  };
  const tick = (at: number) => {
    if (at > scenario.end) return;
    rt.clock.schedule(at, () => {
      work.track('staff looking at the approval queue', look);
      tick(at + everyMs);
    });
  };
  tick(scenario.start + everyMs);
}

/**
 * Generated customers pay by habit: each day at PAYING_TIME, for each distinct "days after due" of the
 * habits, the open invoices due that many days ago (one due-date index query each) are paid in full by
 * the customers with that habit. Late-penalty invoices are paid like any other.
 */
function scheduleHabits(rt: LocalRuntime, scenario: Scenario, deliver: Delivery, work: PendingWork): void {
  const byOffset = new Map<number, Set<string>>();
  for (const h of scenario.habits) {
    if (h.daysAfterDue === undefined) continue;
    const set = byOffset.get(h.daysAfterDue) ?? new Set<string>();
    set.add(h.customer);
    byOffset.set(h.daysAfterDue, set);
  }
  if (byOffset.size === 0) return;
  const cal = scenario.policy.calendar;
  const pay = async (today: string) => {
    for (const [offset, customers] of byOffset) {
      const dueDay = localDateOf(cal, addCalendarDays(cal, atLocal(cal, today, '12:00'), -offset));
      const due = await rt.repo.dueOn(dueDay);
      // Customers pay independently of each other: their payments arrive together, a few at a time.
      await eachLimited(due.invoices, PAYING_TOGETHER, async (invoice) => {
        if (!customers.has(invoice.customerId)) return;
        const amount = owed(invoice);
        if (amount.amount <= 0) return;
        const paymentId = `PAY-${invoice.id}`;
        await deliver.webhook(
          envelope(rt, 'payment.received', paymentId, {
            paymentId,
            invoiceId: invoice.id,
            customerId: invoice.customerId,
            amount,
            method: 'card',
            receivedAt: rt.clock.now().toISOString(),
          }),
        );
      });
    }
  };
  const tick = (day: string) => {
    const at = Date.parse(atLocal(cal, day, PAYING_TIME));
    if (at > scenario.end) return;
    rt.clock.schedule(at, () => {
      work.track(`payments by habit on ${day}`, () => pay(day));
      tick(localDateOf(cal, addCalendarDays(cal, atLocal(cal, day, '12:00'), 1)));
    });
  };
  const first = localDateOf(cal, new Date(scenario.start));
  tick(Date.parse(atLocal(cal, first, PAYING_TIME)) < scenario.start ? localDateOf(cal, addCalendarDays(cal, atLocal(cal, first, '12:00'), 1)) : first);
}

