/**
 * The steps of workflows/invoice-dunning.asl.json: plain functions of (deps, input) that re-read the
 * records, ask the timeline (./schedule.ts) what is due, and change state only by conditional
 * transitions naming the state and version they read (ARCHITECTURE.md invariant 2). Every step can
 * run again after a retry or a crash and does nothing twice: transitions are conditional and every
 * e-mail and penalty has a deterministic id (invariant 3).
 *
 * The workflow loops: WaitForPaymentOrDeadline → RouteNextStep → one action → wait again. Each action
 * step returns the continuation (the next action and its instant, and the keys handled so far), so a
 * deadline costs three state transitions; a payment or a deferral wakes the wait into PlanNextStep,
 * which re-reads everything.
 */
import type { AppDeps } from '../../app/ports';
import { TaskNoLongerWaitingError } from '../../app/errors';
import { AlreadyExistsError } from '../../data/errors';
import { addBusinessDays, addCalendarDays, atLocal, compareInstants, endOfLocalDay, localDateOf } from '../../domain/calendar';
import { StaleStateError, ValidationError } from '../../domain/errors';
import { sum } from '../../domain/money';
import { OPEN_INVOICE_STATES, type Customer, type Deferral, type Invoice, type Payment, type Service } from '../../domain/model';
import { decideDeferral, dueDate, latePenalty, reactivationAt, type LatePenalty } from '../../domain/rules';
import { amountDue, endVars, invoiceIssuedVars, letterHead, paymentUrl, penaltyVars, serviceName, unpaidInvoiceVars } from './letters';
import { dunningTimeline, dueInstant, issueInstant, nextAction, serviceIdsOf, type DunningAction, type DunningTimeline } from './schedule';

export type DunningDeps = Pick<AppDeps, 'clock' | 'policy' | 'repo' | 'mailer' | 'workflows' | 'tokens' | 'provider'>;

/** Where the waiting step keeps its task token; the payment and deferral intake signal it. */
export const paymentWaitKey = (invoiceId: string) => `invoice#${invoiceId}#payment-wait`;

const ACTOR = { type: 'system' as const, id: 'invoice-dunning' };
const OPEN: readonly string[] = OPEN_INVOICE_STATES;
const isOpen = (invoice: Invoice) => OPEN.includes(invoice.state);

/** What PlanNextStep tells the workflow; `next` is what RouteNextStep branches on. */
export type Plan =
  | { next: 'paid' | 'closed' | 'finished' }
  | { next: 'reactivate_later'; reactivateAt: string }
  | ({ next: 'wait' } & Continuation)
  | { next: 'deferral_review'; deferralId: string; approval: DeferralApprovalRequest }
  | { next: DunningAction['kind']; action: DunningAction };

/**
 * What an action step hands to WaitForPaymentOrDeadline: the keys handled so far, the next action and
 * the instant the wait times out at. `check` means there is nothing to schedule: PlanNextStep decides.
 */
export interface Continuation {
  done: string[];
  deadline: string;
  upcoming: DunningAction | { kind: 'check'; key: 'check'; at: string };
}

/** The input of an action step: the action RouteNextStep chose and the keys handled before it. */
type ActionInput = { invoiceId: string; done: string[]; action: DunningAction };

export interface DeferralApprovalRequest {
  approvalId: string;
  kind: 'deferral';
  customerId: string;
  context: { subject: { type: 'deferral'; id: string }; summary: string; details: Record<string, unknown> };
  deadline: string;
  defaultOutcome: 'approved' | 'rejected';
}

interface Loaded {
  invoice: Invoice;
  customer: Customer;
  services: Service[];
  deferral: Deferral | undefined;
  timeline: DunningTimeline;
}

const now = (deps: DunningDeps) => deps.clock.now().toISOString();

async function loadServices(deps: DunningDeps, invoice: Invoice): Promise<Service[]> {
  const found = await Promise.all(serviceIdsOf(invoice).map((id) => deps.repo.find('service', id)));
  return found.filter((s): s is Service => s !== undefined);
}

/** The invoice's latest deferral request; records are re-read, so a later request supersedes. */
async function latestDeferral(deps: DunningDeps, invoice: Invoice): Promise<Deferral | undefined> {
  const deferrals = (await deps.repo.customerRecords(invoice.customerId, 'deferral')).filter((d) => d.invoiceId === invoice.id);
  return deferrals.sort((a, b) => compareInstants(a.requestedAt, b.requestedAt)).at(-1);
}

async function load(deps: DunningDeps, invoiceId: string): Promise<Loaded> {
  const invoice = await deps.repo.get('invoice', invoiceId);
  const [customer, services, deferral] = await Promise.all([
    deps.repo.get('customer', invoice.customerId),
    loadServices(deps, invoice),
    latestDeferral(deps, invoice),
  ]);
  return { invoice, customer, services, deferral, timeline: dunningTimeline(deps.policy, invoice, services, deferral) };
}

function audit(rule: string, details?: Record<string, unknown>) {
  return { actor: ACTOR, rule, ...(details ? { details } : {}) };
}

async function invoicePayments(deps: DunningDeps, invoice: Invoice): Promise<Payment[]> {
  return (await deps.repo.customerRecords(invoice.customerId, 'payment')).filter((p) => p.invoiceId === invoice.id);
}

/** The late penalty accrued so far (smartape 7.9), or null where the policy has none. */
async function penaltySoFar(deps: DunningDeps, invoice: Invoice, dueAt: string, asOf: string): Promise<LatePenalty | null> {
  if (!deps.policy.dunning.latePenalty || compareInstants(asOf, dueAt) <= 0) return null;
  const payments = (await invoicePayments(deps, invoice)).filter((p) => compareInstants(p.receivedAt, asOf) <= 0);
  return latePenalty(deps.policy, { dueAt, amount: invoice.total, payments: payments.map((p) => ({ at: p.receivedAt, amount: p.amount })), asOf });
}

/** The last day a deferral reaches without staff (hostico IV. Preložitev…), offered in the letters. */
function deferralLimit(deps: DunningDeps, loaded: Loaded): string | undefined {
  const rule = deps.policy.dunning.deferral;
  if (!rule || !loaded.timeline.suspension) return undefined;
  return endOfLocalDay(deps.policy.calendar, addCalendarDays(deps.policy.calendar, loaded.timeline.dueAt, rule.maxDaysFromDue));
}

function continuation(deps: DunningDeps, invoice: Invoice, timeline: DunningTimeline, done: string[]): Continuation {
  const upcoming = isOpen(invoice) ? nextAction(timeline, done) : undefined;
  return upcoming ? { done, deadline: upcoming.at, upcoming } : { done, deadline: now(deps), upcoming: { kind: 'check', key: 'check', at: now(deps) } };
}

/**
 * Whether the action the wait timed out for is due: the record is re-read, and a deferral or a payment
 * that landed meanwhile may have moved or ended it. A due action is handled once: its key joins `done`.
 */
function dueNow(deps: DunningDeps, loaded: Loaded, input: ActionInput): { due: boolean; done: string[] } {
  const current = loaded.timeline.actions.find((a) => a.key === input.action.key);
  const due = isOpen(loaded.invoice) && current !== undefined && !input.done.includes(current.key) && compareInstants(current.at, now(deps)) <= 0;
  return { due, done: due ? [...input.done, input.action.key] : input.done };
}

// ——— issue ———

export async function issueInvoice(deps: DunningDeps, input: { invoiceId: string }) {
  const invoice = await deps.repo.get('invoice', input.invoiceId);
  // An invoice created by an order may already be issued; the billing run creates drafts.
  if (invoice.state !== 'draft') return { invoiceId: invoice.id, state: invoice.state };
  const issued = await deps.repo.transition('invoice', invoice.id, {
    expectedState: 'draft',
    expectedVersion: invoice.version,
    to: 'issued',
    audit: audit(deps.policy.invoicing.issue.clause, { issueDate: invoice.issueDate, dueDate: invoice.dueDate }),
  });
  return { invoiceId: issued.id, state: issued.state };
}

export async function sendInvoiceEmail(deps: DunningDeps, input: { invoiceId: string; done: string[] }) {
  const loaded = await load(deps, input.invoiceId);
  const { invoice, customer, timeline } = loaded;
  if (invoice.state !== 'draft' && invoice.state !== 'cancelled') {
    await deps.mailer.send({
      id: `invoice#${invoice.id}#issued`,
      template: 'invoice_issued',
      language: customer.language,
      to: customer.email,
      vars: { ...letterHead(deps, customer), ...invoiceIssuedVars(deps, invoice, timeline) },
    });
  }
  return continuation(deps, invoice, timeline, input.done);
}

// ——— the wait and the plan ———

/**
 * What is due now. Paid → settle; cancelled → end; a deferral awaiting staff → ask them; an action
 * whose instant has come → do it; otherwise wait until the next one.
 */
export async function planNextStep(deps: DunningDeps, input: { invoiceId: string; done: string[] }): Promise<Plan> {
  const loaded = await load(deps, input.invoiceId);
  const { invoice, timeline, deferral } = loaded;
  if (invoice.state === 'paid') {
    const later = await reactivationWait(deps, invoice);
    return later ? { next: 'reactivate_later', reactivateAt: later } : { next: 'paid' };
  }
  if (!isOpen(invoice)) return { next: 'closed' };
  if (deferral?.state === 'needs_staff' && deferral.approvalId !== undefined) {
    return { next: 'deferral_review', deferralId: deferral.id, approval: deferralApproval(deps, loaded, deferral) };
  }
  const action = nextAction(timeline, input.done);
  if (!action) return { next: 'finished' };
  if (compareInstants(action.at, now(deps)) > 0) return { next: 'wait', ...continuation(deps, invoice, timeline, input.done) };
  return { next: action.kind, action };
}

/**
 * Stores the token of WaitForPaymentOrDeadline, then re-reads the record: a payment or a deferral
 * that landed before the token was stored finds no token to signal, so the wait wakes itself.
 */
export async function awaitPayment(deps: DunningDeps, input: { invoiceId: string; deadline: string; done: string[]; taskToken: string }) {
  const key = paymentWaitKey(input.invoiceId);
  await deps.tokens.put(key, input.taskToken, { executionName: input.invoiceId, expiresAt: input.deadline });
  const plan = await planNextStep(deps, { invoiceId: input.invoiceId, done: input.done });
  const unchanged = plan.next === 'wait' && plan.deadline === input.deadline;
  if (!unchanged && compareInstants(input.deadline, now(deps)) > 0) {
    try {
      await deps.workflows.sendTaskSuccess(input.taskToken, { woken: 'record-changed', next: plan.next });
    } catch (error) {
      if (!(error instanceof TaskNoLongerWaitingError)) throw error;
    }
    await deps.tokens.delete(key);
  }
  return { waiting: unchanged };
}

// ——— actions ———

export async function sendReminder(deps: DunningDeps, input: ActionInput) {
  const loaded = await load(deps, input.invoiceId);
  const { invoice, customer, timeline } = loaded;
  const { due, done } = dueNow(deps, loaded, input);
  if (due) {
    const n = input.action.reminderNumber ?? 1;
    const penalty = await penaltySoFar(deps, invoice, timeline.dueAt, now(deps));
    const unpaid = unpaidInvoiceVars(deps, invoice, timeline, penalty, deferralLimit(deps, loaded));
    const head = letterHead(deps, customer);
    const id = `invoice#${invoice.id}#reminder#${n}`;
    // payment_reminder states what the invoice leads to (a suspension, an expiry, or neither: secom); only
    // an invoice billing no service (a late penalty) is reminded with a copy of the invoice instead.
    if (unpaid) await deps.mailer.send({ id, template: 'payment_reminder', language: customer.language, to: customer.email, vars: { ...head, ...unpaid, reminderNumber: n } });
    else await deps.mailer.send({ id, template: 'invoice_issued', language: customer.language, to: customer.email, vars: { ...head, ...invoiceIssuedVars(deps, invoice, timeline) } });
  }
  return continuation(deps, invoice, timeline, done);
}

/** At the due date: the invoice is overdue and third-party items expire without grace (hostico IV. Preložitev…). */
export async function markOverdue(deps: DunningDeps, input: ActionInput) {
  const loaded = await load(deps, input.invoiceId);
  let { invoice } = loaded;
  const { customer, timeline } = loaded;
  const { due, done } = dueNow(deps, loaded, input);
  if (!due) return continuation(deps, invoice, timeline, done);
  if (invoice.state !== 'overdue') {
    invoice = await deps.repo.transition('invoice', invoice.id, {
      expectedState: invoice.state,
      expectedVersion: invoice.version,
      to: 'overdue',
      audit: audit(input.action.clause, { dueAt: timeline.dueAt }),
    });
  }
  const thirdParty = deps.policy.dunning.thirdPartyRenewal;
  for (const service of timeline.expiring) {
    if (service.state !== 'active' || !thirdParty) continue;
    await deps.repo.transition('service', service.id, {
      expectedState: 'active',
      expectedVersion: service.version,
      to: 'expired',
      audit: audit(thirdParty.clause, { invoiceId: invoice.id }),
      requires: [{ type: 'invoice', id: invoice.id, state: invoice.state, version: invoice.version }],
    });
  }
  const penalty = await penaltySoFar(deps, invoice, timeline.dueAt, now(deps));
  const unpaid = unpaidInvoiceVars(deps, invoice, timeline, penalty, deferralLimit(deps, loaded));
  const head = letterHead(deps, customer);
  const id = `invoice#${invoice.id}#overdue`;
  if (unpaid) await deps.mailer.send({ id, template: 'invoice_overdue', language: customer.language, to: customer.email, vars: { ...head, ...unpaid } });
  else await deps.mailer.send({ id, template: 'invoice_issued', language: customer.language, to: customer.email, vars: { ...head, ...invoiceIssuedVars(deps, invoice, timeline) } });
  return continuation(deps, invoice, timeline, done);
}

/** The amount whose payment brings a suspended service back, under the policy's condition. */
async function reactivationTerms(deps: DunningDeps, invoice: Invoice, clause: string) {
  const rule = deps.policy.dunning.reactivation;
  if (rule?.requires === 'all_debts_paid') {
    const open = await deps.repo.openInvoices(invoice.customerId);
    return { clause: rule.clause, condition: 'all_amounts_owed' as const, amountToPay: sum(open.map(amountDue), invoice.total.currency) };
  }
  return { clause: rule?.clause ?? clause, condition: 'this_invoice' as const, amountToPay: amountDue(invoice) };
}

/**
 * Suspends the invoice's hosting services, each in a transaction conditioned on the invoice still
 * unpaid at the version read: a payment that commits first makes this StaleStateError and the retry
 * finds the invoice paid; a payment that commits after reactivates the service in its own
 * transaction (repository.recordPayment). Either way the service ends active and the invoice paid.
 */
export async function suspendService(deps: DunningDeps, input: ActionInput) {
  const loaded = await load(deps, input.invoiceId);
  const { invoice, customer, timeline } = loaded;
  const suspension = timeline.suspension;
  const { due, done } = dueNow(deps, loaded, input);
  if (!due || !suspension) return { ...continuation(deps, invoice, timeline, done), suspended: [] as string[] };
  const suspended: Service[] = [];
  for (const service of timeline.suspendable) {
    if (service.state === 'active') {
      suspended.push(
        await deps.repo.transition('service', service.id, {
          expectedState: 'active',
          expectedVersion: service.version,
          to: 'suspended',
          patch: { suspension: { reason: 'non_payment', invoiceId: invoice.id, since: now(deps) } },
          audit: audit(suspension.suspendAt.clause, { invoiceId: invoice.id, graceDays: suspension.graceDays }),
          requires: [{ type: 'invoice', id: invoice.id, state: invoice.state, version: invoice.version }],
        }),
      );
    } else if (service.state === 'suspended' && service.suspension?.invoiceId === invoice.id) {
      suspended.push(service);
    }
  }
  const penalty = await penaltySoFar(deps, invoice, timeline.dueAt, now(deps));
  const reactivation = await reactivationTerms(deps, invoice, suspension.suspendAt.clause);
  for (const service of suspended) {
    await deps.mailer.send({
      id: `invoice#${invoice.id}#suspended#${service.id}`,
      template: 'service_suspended',
      language: customer.language,
      to: customer.email,
      vars: {
        ...letterHead(deps, customer),
        serviceName: serviceName(service),
        invoiceId: invoice.id,
        dueAt: timeline.dueAt,
        amountDue: amountDue(invoice),
        suspendedAt: service.suspension?.since ?? now(deps),
        suspension: { clause: suspension.suspendAt.clause, graceDays: suspension.graceDays },
        reactivation,
        ...(timeline.end ? { next: { ...endVars(timeline.end), at: timeline.end.at } } : {}),
        ...penaltyVars(penalty),
        ...paymentUrl(deps, invoice),
      },
    });
  }
  return { ...continuation(deps, invoice, timeline, done), suspended: suspended.map((s) => s.id) };
}

function restoreOffer(deps: DunningDeps, service: Service) {
  const rule = deps.policy.dunning.dataRestore;
  if (!rule) return {};
  const hours = service.productKind === 'reseller' || service.productKind === 'vps' ? rule.resellerOrVpsHours : rule.sharedHours;
  return { restore: { clause: rule.clause, minimumHours: hours } };
}

export async function sendFinalWarning(deps: DunningDeps, input: ActionInput) {
  const loaded = await load(deps, input.invoiceId);
  const { invoice, customer, timeline } = loaded;
  const end = timeline.end;
  const { due, done } = dueNow(deps, loaded, input);
  if (due && end) {
    for (const service of timeline.suspendable.filter((s) => s.state === 'active' || s.state === 'suspended')) {
      await deps.mailer.send({
        id: `invoice#${invoice.id}#final-warning#${service.id}`,
        template: 'final_warning',
        language: customer.language,
        to: customer.email,
        vars: {
          ...letterHead(deps, customer),
          serviceName: serviceName(service),
          invoiceId: invoice.id,
          amountDue: amountDue(invoice),
          next: { ...endVars(end), at: end.at },
          ...(end.kind === 'deletion' ? restoreOffer(deps, service) : {}),
          ...paymentUrl(deps, invoice),
        },
      });
    }
  }
  return continuation(deps, invoice, timeline, done);
}

/** The last check before termination or deletion: the invoice must still be unpaid. */
export async function confirmStillUnpaid(deps: DunningDeps, input: ActionInput) {
  const invoice = await deps.repo.get('invoice', input.invoiceId);
  return { stillUnpaid: isOpen(invoice), invoiceState: invoice.state, invoiceVersion: invoice.version };
}

/**
 * Terminates the contract (smartape 2.2.5: the debt remains) or deletes the account and its data
 * (hostico IV. Neplačilo), each service in a transaction conditioned on the invoice still unpaid at
 * the version read, then tells the customer and bills the late penalty where the policy has one.
 */
export async function endContract(deps: DunningDeps, input: ActionInput) {
  const loaded = await load(deps, input.invoiceId);
  const { invoice, customer, timeline } = loaded;
  const end = timeline.end;
  if (!dueNow(deps, loaded, input).due || !end) return { ended: [] as string[] };
  const requires = [{ type: 'invoice' as const, id: invoice.id, state: invoice.state, version: invoice.version }];
  const target = end.kind === 'termination' ? 'terminated' : 'deleted';
  const ended: Service[] = [];
  for (let service of timeline.suspendable) {
    if (service.state === 'active' && target === 'deleted') {
      // The lifecycle deletes only a suspended or terminated account; an active one is terminated first.
      service = await deps.repo.transition('service', service.id, {
        expectedState: 'active', expectedVersion: service.version, to: 'terminated', requires,
        audit: audit(end.clause, { invoiceId: invoice.id }),
      });
    }
    if (service.state === 'active' || service.state === 'suspended' || (service.state === 'terminated' && target === 'deleted')) {
      service = await deps.repo.transition('service', service.id, {
        expectedState: service.state, expectedVersion: service.version, to: target, requires,
        // The suspension describes only a suspended service; the ended one keeps its audit trail.
        patch: { endedAt: now(deps), suspension: undefined },
        audit: audit(end.clause, { invoiceId: invoice.id, debtRemains: end.kind === 'termination' }),
      });
    }
    if (service.state === target) ended.push(service);
  }
  const at = now(deps);
  const penalty = await penaltySoFar(deps, invoice, timeline.dueAt, at);
  for (const service of ended) {
    const common = { ...letterHead(deps, customer), serviceName: serviceName(service), invoiceId: invoice.id, rule: { clause: end.clause, days: end.days, from: end.from } };
    if (end.kind === 'termination') {
      await deps.mailer.send({
        id: `invoice#${invoice.id}#terminated#${service.id}`,
        template: 'service_terminated',
        language: customer.language,
        to: customer.email,
        vars: { ...common, terminatedAt: service.endedAt ?? at, amountOwed: amountDue(invoice), ...penaltyVars(penalty), ...paymentUrl(deps, invoice) },
      });
    } else {
      await deps.mailer.send({
        id: `invoice#${invoice.id}#deleted#${service.id}`,
        template: 'data_deleted',
        language: customer.language,
        to: customer.email,
        vars: { ...common, deletedAt: service.endedAt ?? at, amountOwed: amountDue(invoice), ...restoreOffer(deps, service) },
      });
    }
  }
  const penaltyInvoice = await chargeLatePenalty(deps, invoice, customer, penalty);
  return { ended: ended.map((s) => s.id), ...(penaltyInvoice ? { penaltyInvoiceId: penaltyInvoice } : {}) };
}

/**
 * Bills the late penalty (smartape 7.9) once, as its own invoice `<invoiceId>-penalty`: paying it does
 * not cure the other obligations (7.10), so it is separate from the invoice it penalises.
 */
async function chargeLatePenalty(deps: DunningDeps, invoice: Invoice, customer: Customer, penalty: LatePenalty | null): Promise<string | undefined> {
  const days = Math.max(0, ...(penalty?.segments.map((s) => s.days) ?? []));
  if (!penalty || penalty.total.amount <= 0 || days < 1) return undefined;
  const id = `${invoice.id}-penalty`;
  const issuedAt = now(deps);
  const issueDate = localDateOf(deps.policy.calendar, issuedAt);
  const draft = {
    id,
    state: 'draft' as const,
    customerId: invoice.customerId,
    provider: invoice.provider,
    kind: 'proforma' as const,
    lines: [{ kind: 'late_penalty' as const, description: `Late-payment penalty on invoice ${invoice.id}, ${days} days`, penalisedInvoiceId: invoice.id, days, amount: penalty.total }],
    total: penalty.total,
    amountPaid: { amount: 0, currency: penalty.total.currency },
    issueDate,
    dueDate: localDateOf(deps.policy.calendar, dueDate(deps.policy, issuedAt).at),
  };
  let created: Invoice;
  try {
    created = await deps.repo.create('invoice', draft, audit(penalty.clause, { penalisedInvoiceId: invoice.id, days }));
  } catch (error) {
    if (!(error instanceof AlreadyExistsError)) throw error;
    created = await deps.repo.get('invoice', id);
  }
  if (created.state === 'draft') {
    created = await deps.repo.transition('invoice', id, { expectedState: 'draft', expectedVersion: created.version, to: 'issued', audit: audit(penalty.clause, { penalisedInvoiceId: invoice.id }) });
  }
  const timeline = { issuedAt: issueInstant(deps.policy, created), dueAt: dueInstant(deps.policy, created) };
  await deps.mailer.send({
    id: `invoice#${id}#issued`,
    template: 'invoice_issued',
    language: customer.language,
    to: customer.email,
    vars: { ...letterHead(deps, customer), ...invoiceIssuedVars(deps, created, timeline) },
  });
  return id;
}

// ——— deferral beyond the limit ———

function deferralApproval(deps: DunningDeps, loaded: Loaded, deferral: Deferral): DeferralApprovalRequest {
  const rule = deps.policy.approvals.deferralBeyondLimit;
  const cal = deps.policy.calendar;
  const at = now(deps);
  const requested = endOfLocalDay(cal, atLocal(cal, deferral.requestedUntil, '12:00'));
  const limit = deferralLimit(deps, loaded);
  // Without a configured review time, staff have until the limit the policy grants anyway.
  const deadline = rule
    ? rule.timeout.basis === 'working' ? addBusinessDays(cal, at, rule.timeout.days) : addCalendarDays(cal, at, rule.timeout.days)
    : (limit ?? at);
  return {
    approvalId: deferral.approvalId ?? `deferral-${deferral.id}`,
    kind: 'deferral',
    customerId: deferral.customerId,
    context: {
      subject: { type: 'deferral', id: deferral.id },
      summary: `Payment deferral of invoice ${deferral.invoiceId} until ${deferral.requestedUntil}, beyond the ${deps.policy.dunning.deferral?.maxDaysFromDue ?? 0}-day limit`,
      details: {
        invoiceId: deferral.invoiceId,
        requestedUntil: requested,
        limit,
        amount: amountDue(loaded.invoice),
        reasons: [{ rule: 'dunning.deferral', clause: deps.policy.dunning.deferral?.clause ?? '', explanation: 'longer than the contract allows without a detailed review by support staff' }],
      },
    },
    deadline: compareInstants(deadline, at) > 0 ? deadline : at,
    defaultOutcome: rule?.onTimeout === 'grant' ? 'approved' : 'rejected',
  };
}

/**
 * Applies staff's decision (or the timeout's default): approved → the requested day; rejected → the
 * policy's limit stands (rules/dunning.ts decideDeferral), so the customer keeps what the contract gives.
 */
export async function applyDeferralDecision(
  deps: DunningDeps,
  input: { invoiceId: string; done: string[]; deferralId: string; decision: { outcome: 'approved' | 'rejected'; decidedBy: string; reason: string } },
) {
  const deferral = await deps.repo.get('deferral', input.deferralId);
  if (deferral.state === 'needs_staff') {
    const invoice = await deps.repo.get('invoice', deferral.invoiceId);
    const services = await loadServices(deps, invoice);
    const decision = decideDeferral(deps.policy, {
      dueAt: dueInstant(deps.policy, invoice),
      requestedUntil: atLocal(deps.policy.calendar, deferral.requestedUntil, '12:00'),
      productKind: dunningTimeline(deps.policy, invoice, services).suspendable[0]?.productKind ?? 'shared_hosting',
    });
    const limitDate = decision.outcome === 'needs_staff' ? localDateOf(deps.policy.calendar, decision.limit.at) : deferral.requestedUntil;
    const actor = input.decision.decidedBy === 'system' ? ACTOR : { type: 'staff' as const, id: input.decision.decidedBy };
    await deps.repo.transition('deferral', deferral.id, {
      expectedState: 'needs_staff',
      expectedVersion: deferral.version,
      to: input.decision.outcome,
      patch: { grantedUntil: input.decision.outcome === 'approved' ? deferral.requestedUntil : limitDate },
      audit: { actor, rule: deps.policy.dunning.deferral?.clause ?? 'dunning.deferral', details: { reason: input.decision.reason, approvalId: deferral.approvalId } },
    });
  }
  const { invoice, timeline } = await load(deps, input.invoiceId);
  return continuation(deps, invoice, timeline, input.done);
}

// ——— payment ———

/** A service suspended for non-payment may come back once the policy's condition holds. */
async function reactivationCandidates(deps: DunningDeps, invoice: Invoice): Promise<Service[]> {
  const rule = deps.policy.dunning.reactivation;
  if (!rule) return [];
  const suspended = (await deps.repo.customerRecords(invoice.customerId, 'service')).filter((s) => s.state === 'suspended' && s.suspension?.reason === 'non_payment');
  if (suspended.length === 0) return [];
  if (rule.requires === 'all_debts_paid') {
    // hostico IV. Preložitev…: only after full payment of all amounts owed.
    return (await deps.repo.openInvoices(invoice.customerId)).length === 0 ? suspended : [];
  }
  // smartape 2.2.5: suspended "until payment" of the invoice it was suspended for.
  const paid = await Promise.all(suspended.map(async (s) => (await deps.repo.find('invoice', s.suspension?.invoiceId ?? ''))?.state === 'paid'));
  return suspended.filter((_, i) => paid[i]);
}

/** Reactivation waits for business hours where the policy says so (hostico IV. Kampanje). */
async function reactivationWait(deps: DunningDeps, invoice: Invoice): Promise<string | undefined> {
  const at = reactivationAt(deps.policy, now(deps));
  if (!at || compareInstants(at.at, now(deps)) <= 0) return undefined;
  return (await reactivationCandidates(deps, invoice)).length > 0 ? at.at : undefined;
}

/** The periods an invoice's lines bill for one service (a third-party line without a period bills none). */
function periodsOf(invoice: Invoice, serviceId: string): { start: string; end: string }[] {
  return invoice.lines.flatMap((l) =>
    (l.kind === 'service_period' || l.kind === 'third_party') && l.serviceId === serviceId && l.periodStart !== undefined && l.periodEnd !== undefined
      ? [{ start: l.periodStart, end: l.periodEnd }]
      : [],
  );
}

const PAID_THROUGH_STATES: readonly string[] = ['active', 'suspended', 'expired'];

/**
 * Moves each service's paid-through date (`paidUntil`) to the end of the periods paid in full that
 * follow it without a gap: this invoice's period, and a later one paid earlier that was waiting for it.
 * A partially paid invoice moves nothing (it is not `paid`); an earlier period paid late never moves
 * the date back. Versioned writes: a service changed meanwhile is re-read and decided again.
 */
async function extendPaidUntil(deps: DunningDeps, invoice: Invoice): Promise<{ serviceId: string; paidUntil: string }[]> {
  const cal = deps.policy.calendar;
  const paid = (await deps.repo.customerRecords(invoice.customerId, 'invoice')).filter((i) => i.state === 'paid' && i.kind !== 'credit_note');
  const extended: { serviceId: string; paidUntil: string }[] = [];
  for (const serviceId of serviceIdsOf(invoice)) {
    const own = periodsOf(invoice, serviceId);
    if (own.length === 0) continue;
    const periods = [...own, ...paid.filter((i) => i.id !== invoice.id).flatMap((i) => periodsOf(i, serviceId))].sort((a, b) => a.start.localeCompare(b.start));
    const thirdParty = invoice.lines.some((l) => l.kind === 'third_party' && l.serviceId === serviceId);
    const clause = (thirdParty ? deps.policy.dunning.thirdPartyRenewal?.clause : undefined) ?? deps.policy.order.advancePayment?.clause ?? deps.policy.invoicing.issue.clause;
    for (let attempt = 1; ; attempt += 1) {
      const service = await deps.repo.find('service', serviceId);
      if (!service || !PAID_THROUGH_STATES.includes(service.state)) break;
      // Without a paid-through date (a free trial) the paid chain starts at this invoice's first period.
      let through = service.paidUntil ?? localDateOf(cal, addCalendarDays(cal, atLocal(cal, own[0]!.start, '12:00'), -1));
      for (const p of periods) {
        const dayAfter = localDateOf(cal, addCalendarDays(cal, atLocal(cal, through, '12:00'), 1));
        if (p.start <= dayAfter && p.end > through) through = p.end;
      }
      if (service.paidUntil !== undefined && through <= service.paidUntil) break;
      try {
        await deps.repo.update('service', serviceId, {
          expectedVersion: service.version,
          patch: { paidUntil: through },
          audit: audit(clause, { invoiceId: invoice.id, paidUntil: through, ...(service.paidUntil ? { previous: service.paidUntil } : {}) }),
        });
        extended.push({ serviceId, paidUntil: through });
        break;
      } catch (error) {
        if (!(error instanceof StaleStateError) || attempt >= 3) throw error;
      }
    }
  }
  return extended;
}

/**
 * A payment ended dunning: renew third-party items that expired (renewed only on payment), bring back
 * what the reactivation rule allows, say so, and bill the late penalty where the policy has one.
 */
export async function settlePayment(deps: DunningDeps, input: { invoiceId: string }) {
  const invoice = await deps.repo.get('invoice', input.invoiceId);
  if (invoice.state !== 'paid') throw new ValidationError('invoice.state', `${invoice.id} is ${invoice.state}, not paid`);
  const customer = await deps.repo.get('customer', invoice.customerId);
  const services = await loadServices(deps, invoice);
  const thirdParty = deps.policy.dunning.thirdPartyRenewal;
  const renewed: string[] = [];
  for (const service of services.filter((s) => s.state === 'expired')) {
    await deps.repo.transition('service', service.id, {
      expectedState: 'expired', expectedVersion: service.version, to: 'active',
      audit: audit(thirdParty?.clause ?? deps.policy.invoicing.due.clause, { invoiceId: invoice.id, renewedOnPayment: true }),
    });
    renewed.push(service.id);
  }

  const rule = deps.policy.dunning.reactivation;
  const reactivatedNow: string[] = [];
  for (const service of await reactivationCandidates(deps, invoice)) {
    await deps.repo.transition('service', service.id, {
      expectedState: 'suspended', expectedVersion: service.version, to: 'active', patch: { suspension: undefined },
      audit: audit(rule?.clause ?? 'dunning.reactivation', { invoiceId: invoice.id, suspendedFor: service.suspension?.invoiceId }),
    });
    reactivatedNow.push(service.id);
  }
  // recordPayment may have reactivated this invoice's services in the payment's own transaction.
  const byPayment = await Promise.all(
    services.map(async (s) => {
      const last = (await deps.repo.history('service', s.id)).at(-1);
      return s.state === 'active' && last?.from === 'suspended' && last.to === 'active' && last.details?.invoiceId === invoice.id ? s.id : undefined;
    }),
  );
  const reactivated = [...new Set([...reactivatedNow, ...byPayment.filter((id): id is string => id !== undefined)])];
  for (const serviceId of reactivated) {
    const service = await deps.repo.get('service', serviceId);
    await deps.mailer.send({
      id: `invoice#${invoice.id}#reactivated#${service.id}`,
      template: 'service_reactivated',
      language: customer.language,
      to: customer.email,
      vars: { ...letterHead(deps, customer), serviceName: serviceName(service), invoiceId: invoice.id, amountPaid: invoice.total, reactivatedAt: now(deps) },
    });
  }

  // After the reactivation check above, which reads each service's last history event.
  const paidThrough = await extendPaidUntil(deps, invoice);
  const dueAt = dueInstant(deps.policy, invoice);
  const paidAt = invoice.paidAt ?? now(deps);
  const penalty = await penaltySoFar(deps, invoice, dueAt, paidAt);
  const penaltyInvoice = await chargeLatePenalty(deps, invoice, customer, penalty);
  return { renewed, reactivated, paidThrough, ...(penaltyInvoice ? { penaltyInvoiceId: penaltyInvoice } : {}) };
}

