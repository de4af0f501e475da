/**
 * The steps of workflows/order-activation.asl.json: plain functions of (deps, input) that read the
 * record, apply the policy's rules and write through the repository (functions/lifecycles/README.md).
 * Every step can run again (Lambda and ASL retries, a redriven execution) and then finds its own
 * earlier writes: it re-reads, skips what is done, and returns what it returned the first time.
 *
 * What the order was placed as (free trial or not, the country the customer declared, the IP) is
 * kept in the details of the order's creation audit event, written by `placeOrder`: the order
 * schema has no place for it, and the audit event is the immutable record of the placement.
 */
import { TIMEOUT_DECIDER } from '../../app/approvals';
import type { AppDeps } from '../../app/ports';
import { AlreadyExistsError } from '../../data/errors';
import type { AuditInput } from '../../data/repository';
import { addBusinessDays, addCalendarDays, addMonths, atLocal, endOfLocalDay, localDateOf } from '../../domain/calendar';
import { NotFoundError, ValidationError } from '../../domain/errors';
import { formatMoney, sum } from '../../domain/money';
import type { Actor, Customer, Invoice, InvoiceLine, Order, OrderItem, RefundBreakdownItem, Service } from '../../domain/model';
import { HOSTCYCLE_DEFAULT } from '../../domain/policy';
import { CYCLE_MONTHS, isThirdParty, type ProductKind } from '../../domain/product';
import { activationDeadline, activationDeadlineOrFallback, approvalTimeout, dueDate, freeTrialEnd, invoiceIssueDate, unpaidOrderCancellationAt, type TimedRule } from '../../domain/rules';
import type { TemplateName, TemplateVars } from '../../notifications/templates';
import { orderIds } from './ids';

const SYSTEM: Actor = { type: 'system', id: 'order-activation' };

/** What `placeOrder` records beside the order (see the module comment). */
export interface Placement {
  eventId: string;
  freeTrial: boolean;
  declaredCountry: string;
  customerIp?: string;
}

/** A request to `${ApprovalsFunction}` RequestApproval, less the task token the ASL adds. */
export interface ApprovalPlan {
  approvalId: string;
  /** `provisioning_failure` for a staff decision on a failed item (retry or cancel), so the queue tells it from an order review. */
  kind: 'order_review' | 'provisioning_failure';
  customerId: string;
  context: { subject: { type: 'order' | 'service'; id: string }; summary: string; details: Record<string, unknown> };
  deadline: string;
  defaultOutcome: 'approved' | 'rejected';
}

/** A staff decision as the approvals Lambda resumes the workflow with (or ResolveApprovalTimeout returns). */
export interface Decision {
  outcome: 'approved' | 'rejected';
  decidedBy?: string | undefined;
  reason?: string | undefined;
}

/** One Map item of ProvisionItems. */
export interface ProvisioningItem {
  serviceId: string;
  productKind: ProductKind;
  activateBy: string;
}

export type ReviewGround = 'new_customer' | 'country_mismatch' | 'unanswered_data_request';

// ——— shared reads ———

/** The staff member who decided, or undefined when the approval timed out to its default outcome. */
function staffDecider(decision: Decision | undefined): string | undefined {
  const by = decision?.decidedBy;
  return by && by !== TIMEOUT_DECIDER ? by : undefined;
}

async function placementOf(deps: AppDeps, orderId: string): Promise<Placement> {
  const [created] = await deps.repo.history('order', orderId);
  if (created === undefined) throw new NotFoundError(`order ${orderId} does not exist`);
  return created.details as unknown as Placement;
}

function now(deps: AppDeps): string {
  return deps.clock.now().toISOString();
}

function describeItem(item: Pick<OrderItem, 'productCode' | 'domain'> & { quantity?: number }): string {
  const domain = item.domain ? ` (${item.domain})` : '';
  const quantity = item.quantity !== undefined && item.quantity > 1 ? ` × ${item.quantity}` : '';
  return `${item.productCode}${domain}${quantity}`;
}

function chargedAmount(item: OrderItem) {
  return { amount: item.freeOfOffer ? 0 : item.price.amount * item.quantity, currency: item.price.currency };
}

/**
 * The activation deadline of a product kind after `paidAt`. Where the contract sets none (secom; the
 * smartape reseller), the provisioning wait still needs one (STYLE.md: every callback wait has a
 * timeout): the policy's `order.activationFallback`, a hostcycle default a provider can change.
 */
function activateBy(deps: AppDeps, productKind: ProductKind, paidAt: string): TimedRule {
  return activationDeadlineOrFallback(deps.policy, { productKind, paidAt });
}

function nextBusinessDayEnd(deps: AppDeps, at: string): string {
  return endOfLocalDay(deps.policy.calendar, addBusinessDays(deps.policy.calendar, at, 1));
}

function servicesOf(order: Order): { item: OrderItem; serviceId: string }[] {
  return order.items.map((item) => ({ item, serviceId: orderIds.service(order.id, item.id) }));
}

/** Creates the order's services as pending, skipping those a previous attempt created. */
async function ensureServices(deps: AppDeps, order: Order, audit: AuditInput): Promise<void> {
  for (const { item, serviceId } of servicesOf(order)) {
    if (await deps.repo.find('service', serviceId)) continue;
    await deps.repo.create(
      'service',
      {
        id: serviceId,
        state: 'pending',
        customerId: order.customerId,
        orderId: order.id,
        provider: order.provider,
        productKind: item.productKind,
        productCode: item.productCode,
        billingCycle: item.billingCycle,
        price: item.price,
        ...(item.domain ? { domain: item.domain } : {}),
      },
      audit,
    );
  }
}

// ——— RecordOrder ———

export interface OrderSummary {
  orderId: string;
  customerId: string;
  freeTrial: boolean;
}

/** The intake recorded the order before starting this execution; the workflow reads it back and fails loudly if it is missing. */
export async function recordOrder(deps: AppDeps, input: { orderId: string }): Promise<OrderSummary> {
  const order = await deps.repo.get('order', input.orderId);
  const placement = await placementOf(deps, order.id);
  return { orderId: order.id, customerId: order.customerId, freeTrial: placement.freeTrial };
}

// ——— ReviewOrder ———

export type ReviewResult = { needed: false } | { needed: true; grounds: ReviewGround[]; approval: ApprovalPlan };

/**
 * The review grounds of the policy, applied to what the records say about the customer:
 *
 * - `new_customer`: no earlier order of theirs was fulfilled. A provider that reviews authenticity and
 *   trust (hostico II. Pogodba) has no trust to go on yet. The contracts name no order size, and
 *   hostcycle invents no provider numbers, so every first order is reviewed; a "large order"
 *   threshold needs a policy field first.
 * - `country_mismatch`: the country in this order differs from the one on the customer's record.
 *   The storefront sends no payment or IP country, so that is the comparison the data allows.
 * - `unanswered_data_request`: a service of theirs is suspended because a data request went
 *   unanswered; new orders may then be refused (smartape 2.2.9).
 *
 * Data doubts (smartape 2.2.9) are the last two; authenticity and trust (hostico) are all three.
 */
export async function reviewGrounds(deps: AppDeps, order: Order, placement: Placement): Promise<ReviewGround[]> {
  const review = deps.policy.order.review;
  if (!review) return [];
  const [customer, orders, services] = await Promise.all([
    deps.repo.get('customer', order.customerId),
    deps.repo.customerRecords(order.customerId, 'order'),
    deps.repo.customerRecords(order.customerId, 'service'),
  ]);
  const grounds: ReviewGround[] = [];
  if (review.grounds === 'authenticity_and_trust') {
    const fulfilledBefore = orders.some((o) => o.id !== order.id && o.state === 'fulfilled');
    if (!fulfilledBefore) grounds.push('new_customer');
  }
  if (placement.declaredCountry !== customer.country) grounds.push('country_mismatch');
  const dataRequestOpen = services.some((s) => s.state === 'suspended' && s.suspension?.reason === 'unanswered_data_request');
  if (dataRequestOpen) grounds.push('unanswered_data_request');
  return grounds;
}

const GROUND_EXPLANATIONS: Record<ReviewGround, string> = {
  new_customer: 'first order of this customer: no fulfilled order to trust yet',
  country_mismatch: 'the country in this order differs from the one on the customer record',
  unanswered_data_request: 'a service of this customer is suspended for an unanswered data request',
};

export async function reviewOrder(deps: AppDeps, input: { orderId: string }): Promise<ReviewResult> {
  const order = await deps.repo.get('order', input.orderId);
  if (order.state === 'in_review') {
    // A retry after the transition committed: the approval planned then is the one to wait for.
    const history = await deps.repo.history('order', order.id);
    const toReview = history.findLast((e) => e.to === 'in_review');
    return toReview?.details as unknown as ReviewResult;
  }
  const review = deps.policy.order.review;
  // A contract without a review clause, or without an approval rule to end the wait, reviews nothing.
  const timeout = approvalTimeout(deps.policy, 'orderReview', now(deps));
  if (order.state !== 'received' || !review || !timeout) return { needed: false };
  const grounds = await reviewGrounds(deps, order, await placementOf(deps, order.id));
  if (grounds.length === 0) return { needed: false };
  const result: ReviewResult = {
    needed: true,
    grounds,
    approval: {
      approvalId: orderIds.reviewApproval(order.id),
      kind: 'order_review',
      customerId: order.customerId,
      context: {
        subject: { type: 'order', id: order.id },
        summary: `Accept or reject order ${order.id} (${formatMoney(order.total)}): ${grounds.join(', ')}`,
        // The staff list shows `reasons` and `amount` as they are (functions/app/actions.ts).
        details: {
          reasons: grounds.map((ground) => ({ rule: ground, clause: review.clause, explanation: GROUND_EXPLANATIONS[ground] })),
          amount: order.total,
          items: order.items.map((i) => describeItem(i)),
        },
      },
      deadline: timeout.at,
      // The preset says what an unanswered review means (hostico and smartape: the order is not accepted).
      defaultOutcome: timeout.onTimeout === 'accept' ? 'approved' : 'rejected',
    },
  };
  await deps.repo.transition('order', order.id, {
    expectedState: 'received',
    expectedVersion: order.version,
    to: 'in_review',
    audit: { actor: SYSTEM, rule: review.clause, details: result as unknown as Record<string, unknown> },
  });
  return result;
}

// ——— RejectOrder ———

export interface Rejection {
  rejectedAt: string;
  clause: string;
  reason?: string;
}

export async function rejectOrder(
  deps: AppDeps,
  input: { orderId: string; ground: 'review' | 'free_trial_used'; decision?: Decision | undefined },
): Promise<Rejection> {
  const order = await deps.repo.get('order', input.orderId);
  if (order.state === 'rejected') {
    const history = await deps.repo.history('order', order.id);
    const rejected = history.findLast((e) => e.to === 'rejected');
    return { rejectedAt: rejected?.at ?? order.updatedAt, clause: rejected?.rule ?? '', ...(rejected?.details?.reason ? { reason: String(rejected.details.reason) } : {}) };
  }
  const { clause, reason } = rejectionGround(deps, order, input);
  const decidedBy = staffDecider(input.decision);
  const rejected = await deps.repo.transition('order', order.id, {
    expectedState: order.state === 'in_review' ? 'in_review' : 'received',
    expectedVersion: order.version,
    to: 'rejected',
    audit: {
      actor: decidedBy ? { type: 'staff', id: decidedBy } : SYSTEM,
      rule: clause,
      details: { ground: input.ground, ...(reason ? { reason } : {}), ...(input.ground === 'review' && !decidedBy ? { outcome: 'default outcome of the review' } : {}) },
    },
  });
  return { rejectedAt: rejected.updatedAt, clause, ...(reason ? { reason } : {}) };
}

function rejectionGround(deps: AppDeps, order: Order, input: { ground: 'review' | 'free_trial_used'; decision?: Decision | undefined }) {
  if (input.ground === 'free_trial_used') {
    const rule = order.items.map((i) => deps.policy.order.freeTrial[i.productKind]).find((r) => r !== null && r !== undefined);
    return { clause: rule?.clause ?? HOSTCYCLE_DEFAULT, reason: 'The free test period of this product is offered once per customer, and it has already been used.' };
  }
  // A staff decision stands on the review clause; a timed-out review on the approval rule's default,
  // and the customer is not shown the system's note about the timeout as if it were a reviewer's reason.
  if (staffDecider(input.decision)) return { clause: deps.policy.order.review?.clause ?? HOSTCYCLE_DEFAULT, reason: input.decision?.reason };
  return { clause: deps.policy.approvals.orderReview?.clause ?? deps.policy.order.review?.clause ?? HOSTCYCLE_DEFAULT, reason: undefined };
}

// ——— StartFreeTrial ———

export type TrialResult = { granted: true; items: ProvisioningItem[] } | { granted: false };

/**
 * A free trial has nothing to pay: no invoice and no payment wait. Each trial kind with a
 * once-per-customer rule is claimed under the customer's id; a claim held by another order refuses
 * this one (smartape Annex 11 4.3). The trial start stands in for the payment date of the activation
 * deadline.
 */
export async function startFreeTrial(deps: AppDeps, input: { orderId: string }): Promise<TrialResult> {
  const order = await deps.repo.get('order', input.orderId);
  const clauses: string[] = [];
  for (const item of order.items) {
    const rule = deps.policy.order.freeTrial[item.productKind];
    if (!rule) throw new ValidationError(`order.items.${item.id}`, `${deps.presetName} offers no free trial of ${item.productKind}`);
    clauses.push(rule.clause);
    if (!rule.oncePerCustomer) continue;
    const { claimed, claim } = await deps.repo.claimSideEffect(orderIds.freeTrial(order.customerId, item.productKind), {
      orderId: order.id,
      clause: rule.clause,
    });
    if (!claimed && claim.details.orderId !== order.id) return { granted: false };
  }
  await ensureServices(deps, order, { actor: SYSTEM, rule: [...new Set(clauses)].join('; '), details: { orderId: order.id, freeTrial: true } });
  const startedAt = now(deps);
  return {
    granted: true,
    items: servicesOf(order).map(({ item, serviceId }) => ({ serviceId, productKind: item.productKind, activateBy: activateBy(deps, item.productKind, startedAt).at })),
  };
}

// ——— IssueInvoice ———

export interface IssuedInvoice {
  invoiceId: string;
  /** When the unpaid order is cancelled: WaitForPayment's timeout. */
  cancelAt: string;
}

function invoiceLines(order: Order, issueDate: string, cal: AppDeps['policy']['calendar']): InvoiceLine[] {
  return servicesOf(order).map(({ item, serviceId }) => {
    const description = describeItem(item) + (item.freeOfOffer ? ' — free with the offer' : '');
    const amount = chargedAmount(item);
    if (isThirdParty(item.productKind)) return { kind: 'third_party', description, serviceId, productKind: item.productKind, amount };
    const start = atLocal(cal, issueDate, '12:00');
    const end = item.billingCycle === 'one_time' ? start : addCalendarDays(cal, addMonths(cal, start, CYCLE_MONTHS[item.billingCycle]), -1);
    return { kind: 'service_period', description, serviceId, periodStart: issueDate, periodEnd: localDateOf(cal, end), amount };
  });
}

/**
 * The unpaid-order deadline runs from the invoice, not the order: a reviewed order becomes payable only
 * once accepted, and the customer gets the whole window to pay. A policy without one (none today)
 * cancels at the invoice's due date.
 */
function cancellationOf(deps: AppDeps, issuedAt: string): TimedRule {
  return unpaidOrderCancellationAt(deps.policy, issuedAt) ?? dueDate(deps.policy, issuedAt);
}

/**
 * Creates the pending services and the order's first invoice, issues it and moves the order to
 * awaiting_payment (100 % in advance: hostico IV. Splošno, smartape 5.1). Hostico recognises proof of
 * payment and issues the fiscal invoice only once the money is in (IV. Preložitev…), so its first
 * invoice is a proforma.
 */
export async function issueInvoice(deps: AppDeps, input: { orderId: string }): Promise<IssuedInvoice> {
  const order = await deps.repo.get('order', input.orderId);
  const invoiceId = orderIds.invoice(order.id);
  if (order.state !== 'received' && order.state !== 'in_review') {
    const invoice = await deps.repo.get('invoice', invoiceId);
    return { invoiceId, cancelAt: cancellationOf(deps, invoice.createdAt).at };
  }
  const audit: AuditInput = { actor: SYSTEM, rule: deps.policy.order.advancePayment?.clause ?? HOSTCYCLE_DEFAULT, details: { orderId: order.id } };
  await ensureServices(deps, order, audit);

  let invoice = await deps.repo.find('invoice', invoiceId);
  if (!invoice) {
    const issued = invoiceIssueDate(deps.policy, now(deps));
    const issueDate = localDateOf(deps.policy.calendar, issued.at);
    invoice = await deps.repo.create(
      'invoice',
      {
        id: invoiceId,
        state: 'draft',
        customerId: order.customerId,
        provider: order.provider,
        kind: deps.policy.order.paymentRecognised?.at === 'proof_of_payment' ? 'proforma' : 'invoice',
        lines: invoiceLines(order, issueDate, deps.policy.calendar),
        total: order.total,
        amountPaid: { amount: 0, currency: order.total.currency },
        issueDate,
        dueDate: localDateOf(deps.policy.calendar, dueDate(deps.policy, issued.at).at),
      },
      { ...audit, rule: issued.clause },
    );
  }
  if (invoice.state === 'draft') {
    invoice = await deps.repo.transition('invoice', invoiceId, {
      expectedState: 'draft',
      expectedVersion: invoice.version,
      to: 'issued',
      audit: { ...audit, rule: deps.policy.invoicing.issue.clause },
    });
  }
  const cancel = cancellationOf(deps, invoice.createdAt);
  await deps.repo.transition('order', order.id, {
    expectedState: order.state,
    expectedVersion: order.version,
    to: 'awaiting_payment',
    audit: { ...audit, details: { invoiceId, cancelAt: cancel.at, cancelClause: cancel.clause } },
  });
  return { invoiceId, cancelAt: cancel.at };
}

// ——— WaitForPayment / ConfirmPayment / CancelUnpaidOrder ———

/**
 * Stores the token where the payment intake looks (`invoice#<id>#payment-wait`), then re-reads the
 * invoice: a payment recorded before the token was stored found nothing to wake, so this step wakes
 * itself. Storing first and reading second leaves no gap for a payment to slip through.
 */
export async function awaitPayment(deps: AppDeps, input: { orderId: string; taskToken: string; expiresAt: string }): Promise<{ key: string }> {
  const invoiceId = orderIds.invoice(input.orderId);
  const key = orderIds.paymentWait(invoiceId);
  await deps.tokens.put(key, input.taskToken, { executionName: input.orderId, expiresAt: input.expiresAt });
  const invoice = await deps.repo.get('invoice', invoiceId);
  if (invoice.state === 'paid') {
    await deps.workflows.sendTaskSuccess(input.taskToken, { invoiceId, state: invoice.state });
    await deps.tokens.delete(key);
  }
  return { key };
}

export type PaymentCheck = { paid: true; paidAt: string; items: ProvisioningItem[] } | { paid: false; amountPaid: string };

/** Paid in full → the order is paid and each item's activation deadline runs from the payment date (smartape 5.2: funds received). */
export async function confirmPayment(deps: AppDeps, input: { orderId: string }): Promise<PaymentCheck> {
  const invoiceId = orderIds.invoice(input.orderId);
  await deps.tokens.delete(orderIds.paymentWait(invoiceId));
  const invoice = await deps.repo.get('invoice', invoiceId);
  if (invoice.state !== 'paid' || invoice.paidAt === undefined) return { paid: false, amountPaid: formatMoney(invoice.amountPaid) };
  const order = await deps.repo.get('order', input.orderId);
  if (order.state === 'awaiting_payment') {
    await deps.repo.transition('order', order.id, {
      expectedState: 'awaiting_payment',
      expectedVersion: order.version,
      to: 'paid',
      audit: { actor: SYSTEM, rule: deps.policy.order.paymentRecognised?.clause ?? deps.policy.order.advancePayment?.clause ?? HOSTCYCLE_DEFAULT, details: { invoiceId, paidAt: invoice.paidAt } },
    });
  }
  const paidAt = invoice.paidAt;
  return {
    paid: true,
    paidAt,
    items: servicesOf(order).map(({ item, serviceId }) => ({ serviceId, productKind: item.productKind, activateBy: activateBy(deps, item.productKind, paidAt).at })),
  };
}

/**
 * The unpaid-order deadline passed. The invoice is cancelled first, by a write conditioned on its
 * version: a payment that commits first makes it stale, the ASL retries, and the re-read finds the
 * invoice paid, so the order goes on to provisioning instead (ARCHITECTURE.md invariant 2). Once the
 * invoice is cancelled, the payment intake can no longer pay it.
 */
export async function cancelUnpaidOrder(deps: AppDeps, input: { orderId: string }): Promise<{ outcome: 'paid' | 'cancelled' }> {
  const invoiceId = orderIds.invoice(input.orderId);
  await deps.tokens.delete(orderIds.paymentWait(invoiceId));
  const invoice = await deps.repo.get('invoice', invoiceId);
  if (invoice.state === 'paid') return { outcome: 'paid' };
  const order = await deps.repo.get('order', input.orderId);
  const rule = cancellationOf(deps, invoice.createdAt);
  const audit: AuditInput = { actor: SYSTEM, rule: rule.clause, details: { orderId: order.id, invoiceId, amountPaid: formatMoney(invoice.amountPaid) } };
  if (invoice.state !== 'cancelled') {
    await deps.repo.transition('invoice', invoiceId, { expectedState: invoice.state, expectedVersion: invoice.version, to: 'cancelled', audit });
  }
  for (const { serviceId } of servicesOf(order)) {
    const service = await deps.repo.get('service', serviceId);
    if (service.state === 'pending') {
      await deps.repo.transition('service', serviceId, { expectedState: 'pending', expectedVersion: service.version, to: 'cancelled', audit });
    }
  }
  if (order.state === 'awaiting_payment') {
    await deps.repo.transition('order', order.id, { expectedState: 'awaiting_payment', expectedVersion: order.version, to: 'cancelled', audit });
  }
  // A part-payment received before the window closed is not kept for an order that will never run.
  if (invoice.amountPaid.amount > 0) {
    await startCancellationRefund(deps, {
      order,
      invoiceId,
      serviceIds: servicesOf(order).map((s) => s.serviceId),
      breakdown: [{ label: `Part-payment received for order ${order.id}, cancelled unpaid`, amount: invoice.amountPaid, clause: HOSTCYCLE_DEFAULT }],
      reason: `order ${order.id} was cancelled unpaid after a part-payment`,
    });
  }
  return { outcome: 'cancelled' };
}

// ——— ProvisionItems ———

/**
 * Sends one provisioning command and leaves the Map item waiting for its callback. The token is
 * stored under the command id, where `recordProvisioningResult` finds it. A result the intake has
 * already recorded (a late success of an earlier command, or this command answered before a retried
 * invocation stored its new token) resumes the item at once instead of provisioning twice.
 */
export async function submitProvisioning(
  deps: AppDeps,
  input: { orderId: string; serviceId: string; round: number; attempt: number; activateBy: string; taskToken: string },
): Promise<{ commandId: string }> {
  const commandId = orderIds.provisioningCommand(input.serviceId, input.round, input.attempt);
  await deps.tokens.put(commandId, input.taskToken, { executionName: input.orderId, expiresAt: input.activateBy });

  const provisioned = await deps.repo.find('sideEffect', orderIds.provisioned(input.serviceId));
  if (provisioned) {
    await deps.workflows.sendTaskSuccess(input.taskToken, { commandId: provisioned.details.commandId, outcome: 'succeeded' });
    await deps.tokens.delete(commandId);
    return { commandId };
  }
  const service = await deps.repo.get('service', input.serviceId);
  const { claimed, claim } = await deps.repo.claimSideEffect(commandId, { orderId: input.orderId, serviceId: service.id, action: 'provision', productKind: service.productKind });
  if (!claimed && claim.state === 'completed' && claim.result?.outcome === 'failed') {
    await deps.workflows.sendTaskFailure(input.taskToken, String(claim.result.error), String(claim.result.message ?? ''));
    await deps.tokens.delete(commandId);
    return { commandId };
  }
  // The provisioner is idempotent by command id: re-sending after a lost invocation does not provision twice.
  await deps.provisioner.submit({ id: commandId, action: 'provision', serviceId: service.id, productKind: service.productKind, taskToken: input.taskToken });
  return { commandId };
}

/**
 * Provisioning failed past its retries, the provider refused it, or the activation deadline passed:
 * the customer is told once per service (provisioning_failed) and staff decide. The approval model
 * has no provisioning kind yet, so it is an `order_review` of the service; approve = retry, reject =
 * cancel the item. Its deadline is the order-review approval rule's; when nobody decides, the item is
 * cancelled rather than retried without end (hostcycle default), and the paid amount is owed back.
 */
export async function handProvisioningToStaff(
  deps: AppDeps,
  input: { orderId: string; serviceId: string; round: number; activateBy: string; failure: { Error?: string; Cause?: string } },
): Promise<ApprovalPlan> {
  const service = await deps.repo.get('service', input.serviceId);
  const order = await deps.repo.get('order', input.orderId);
  const customer = await deps.repo.get('customer', order.customerId);
  const at = now(deps);
  await deps.mailer.send({
    id: `service#${service.id}#provisioning-failed`,
    template: 'provisioning_failed',
    language: customer.language,
    to: customer.email,
    vars: { ...letterHead(deps, customer), orderId: order.id, serviceName: describeItem(service), failedAt: at, activateBy: input.activateBy },
  });
  const timeout = approvalTimeout(deps.policy, 'orderReview', at);
  const error = input.failure.Error ?? 'unknown';
  return {
    approvalId: orderIds.provisioningApproval(service.id, input.round),
    kind: 'provisioning_failure',
    customerId: order.customerId,
    context: {
      subject: { type: 'service', id: service.id },
      summary: `Provisioning ${describeItem(service)} of order ${order.id} failed (${error}): approve to retry, reject to cancel the item`,
      details: {
        reasons: [{ rule: 'provisioning_failed', clause: activateBy(deps, service.productKind, at).clause, explanation: `${error}: ${input.failure.Cause ?? ''}`.slice(0, 500) }],
        amount: service.price,
        orderId: order.id,
        round: input.round,
        activateBy: input.activateBy,
      },
    },
    deadline: timeout?.at ?? nextBusinessDayEnd(deps, at),
    defaultOutcome: 'rejected',
  };
}

export type AppliedDecision = { outcome: 'retry'; activateBy: string } | { outcome: 'cancelled' };

/** Staff chose: a retry gets the kind's activation period again from now; a cancellation ends the item. */
export async function applyProvisioningDecision(
  deps: AppDeps,
  input: { orderId: string; serviceId: string; decision: Decision },
): Promise<AppliedDecision> {
  const service = await deps.repo.get('service', input.serviceId);
  if (input.decision.outcome === 'approved') return { outcome: 'retry', activateBy: activateBy(deps, service.productKind, now(deps)).at };
  if (service.state === 'pending') {
    const decidedBy = staffDecider(input.decision);
    await deps.repo.transition('service', service.id, {
      expectedState: 'pending',
      expectedVersion: service.version,
      to: 'cancelled',
      audit: {
        actor: decidedBy ? { type: 'staff', id: decidedBy } : SYSTEM,
        rule: decidedBy ? 'staff decision after failed provisioning' : HOSTCYCLE_DEFAULT,
        details: { orderId: input.orderId, ...(decidedBy && input.decision.reason ? { reason: input.decision.reason } : { outcome: 'default outcome of the approval' }) },
      },
    });
  }
  return { outcome: 'cancelled' };
}

// ——— ActivateService / CompleteOrder ———

/**
 * Activates a provisioned service at once (its customer need not wait for the order's other items)
 * and schedules its first renewal in the same write: the repository writes only with a state change,
 * and one write means no active service ever lacks the `nextDueDate` the billing run queries
 * (table.ts byDueDate). A paid service is paid for one billing cycle from its activation. A free
 * trial's first invoice falls due when the trial ends: the billing run turns the trial into an
 * invoice then, and if that goes unpaid, dunning takes it from there under the policy.
 */
export async function activateService(deps: AppDeps, input: { orderId: string; serviceId: string }): Promise<{ serviceId: string; outcome: 'activated' }> {
  const service = await deps.repo.get('service', input.serviceId);
  if (service.state === 'pending') {
    const placement = await placementOf(deps, input.orderId);
    const cal = deps.policy.calendar;
    const at = now(deps);
    const renewal = firstRenewal(deps, service, at, placement.freeTrial);
    const nextDueDate = renewal.nextDue ? localDateOf(cal, renewal.nextDue) : undefined;
    await deps.repo.transition('service', service.id, {
      expectedState: 'pending',
      expectedVersion: service.version,
      to: 'active',
      patch: { activatedAt: at, ...(renewal.paidUntil ? { paidUntil: renewal.paidUntil } : {}), ...(nextDueDate ? { nextDueDate } : {}) },
      audit: { actor: SYSTEM, rule: renewal.clause, details: { orderId: input.orderId, ...(nextDueDate ? { nextDueDate } : {}) } },
    });
  }
  return { serviceId: service.id, outcome: 'activated' };
}

export interface Completion {
  activated: string[];
  cancelled: string[];
  /** The refund of what was paid for the cancelled items, started by this step. */
  refundId?: string;
}

/**
 * The order is fulfilled when any of its services was activated. When staff cancelled every item, a
 * paid order is cancelled and its audit event records the amount owed back; a free-trial order still
 * in review (nothing paid) is rejected, the only way out of review the lifecycle table has besides
 * fulfilment.
 */
export async function completeOrder(
  deps: AppDeps,
  input: { orderId: string; results: { serviceId: string; outcome: 'activated' | 'cancelled' }[] },
): Promise<Completion> {
  const activated = input.results.filter((r) => r.outcome === 'activated').map((r) => r.serviceId);
  const cancelled = input.results.filter((r) => r.outcome === 'cancelled').map((r) => r.serviceId);
  const order = await deps.repo.get('order', input.orderId);
  if (order.state === 'paid' || order.state === 'received' || order.state === 'in_review') {
    const placement = await placementOf(deps, order.id);
    const to = activated.length > 0 ? 'fulfilled' : order.state === 'in_review' ? 'rejected' : 'cancelled';
    await deps.repo.transition('order', order.id, {
      expectedState: order.state,
      expectedVersion: order.version,
      to,
      audit: {
        actor: SYSTEM,
        rule: to === 'fulfilled' ? (deps.policy.order.advancePayment?.clause ?? HOSTCYCLE_DEFAULT) : HOSTCYCLE_DEFAULT,
        details: { activated, cancelled, ...(to === 'cancelled' && !placement.freeTrial ? { refundDue: formatMoney(order.total) } : {}) },
      },
    });
  }
  // Also when the order had already moved: a retried CompleteOrder finishes what a failed attempt began.
  const refundId = cancelled.length > 0 ? await refundCancelledItems(deps, order.id, cancelled) : undefined;
  return { activated, cancelled, ...(refundId ? { refundId } : {}) };
}

/**
 * Money received for items the provider cancelled goes back in full through the refund lifecycle:
 * the provider did not deliver, so none of the customer-withdrawal computation (pro rata, deductions)
 * applies. No contract names this case (POLICY-RULES.md), hence `hostcycle default` on each line.
 *
 * The refund is recorded under `orderIds.cancellationRefund` and its execution started under the
 * same name, so a redelivered or retried step finds both and creates no second refund.
 *
 * No refund approval is asked (refund steps, `provider_cancellation`): when staff cancelled, they
 * already decided; when the approval timed out to cancel, nobody decided the money, but the money is
 * owed whatever anyone decides — holding it for staff would only delay it. Staff still see the
 * refund in its execution, and a failing payout comes back to them as an approval.
 */
async function refundCancelledItems(deps: AppDeps, orderId: string, cancelled: string[]): Promise<string | undefined> {
  const placement = await placementOf(deps, orderId);
  if (placement.freeTrial) return undefined;
  const invoice = await deps.repo.find('invoice', orderIds.invoice(orderId));
  if (invoice === undefined || invoice.state !== 'paid') return undefined;
  const order = await deps.repo.get('order', orderId);
  const everything = order.state === 'cancelled';
  const lines = invoice.lines.filter((l) => (l.kind === 'service_period' || l.kind === 'third_party') && cancelled.includes(l.serviceId));
  const currency = invoice.amountPaid.currency;
  const breakdown: RefundBreakdownItem[] = lines
    .filter((l) => l.amount.amount !== 0)
    .map((l) => ({ label: `Not delivered, cancelled by the provider: ${l.description}`, amount: l.amount, clause: HOSTCYCLE_DEFAULT }));
  if (everything) {
    // The whole order was cancelled: everything received goes back, whatever the lines add up to.
    const rest = invoice.amountPaid.amount - sum(breakdown.map((b) => b.amount), currency).amount;
    if (rest !== 0) breakdown.push({ label: `Rest of the amount paid for order ${orderId}`, amount: { amount: rest, currency }, clause: HOSTCYCLE_DEFAULT });
  }
  return startCancellationRefund(deps, {
    order,
    invoiceId: invoice.id,
    serviceIds: cancelled,
    breakdown,
    reason: `the provider cancelled ${everything ? `order ${orderId}` : `items of order ${orderId}`} after payment`,
  });
}

/**
 * Records the refund of money received for an order the provider cancelled and starts its execution,
 * both under `orderIds.cancellationRefund`, so a retried step creates neither twice. Nothing is
 * recorded when the breakdown adds up to nothing.
 */
async function startCancellationRefund(
  deps: AppDeps,
  input: { order: Order; invoiceId: string; serviceIds: string[]; breakdown: RefundBreakdownItem[]; reason: string },
): Promise<string | undefined> {
  const { order, breakdown } = input;
  const currency = breakdown[0]?.amount.currency ?? order.total.currency;
  const amount = sum(breakdown.map((b) => b.amount), currency);
  if (amount.amount <= 0) return undefined;
  const refundId = orderIds.cancellationRefund(order.id);
  const payment = (await deps.repo.customerRecords(order.customerId, 'payment')).find((p) => p.invoiceId === input.invoiceId);
  try {
    await deps.repo.create(
      'refund',
      {
        id: refundId,
        state: 'requested',
        customerId: order.customerId,
        provider: deps.presetName,
        serviceIds: input.serviceIds,
        requestedAt: now(deps),
        amount,
        breakdown,
        destination: payment ? { kind: 'original_method', details: `payment ${payment.id}` } : { kind: 'original_method' },
        reason: input.reason,
        origin: 'provider_cancellation',
        orderId: order.id,
      },
      { actor: SYSTEM, rule: HOSTCYCLE_DEFAULT, details: { orderId: order.id, cancelled: input.serviceIds, invoiceId: input.invoiceId } },
    );
  } catch (error) {
    if (!(error instanceof AlreadyExistsError)) throw error;
  }
  await deps.workflows.start('refund', refundId, { refundId });
  return refundId;
}

function firstRenewal(deps: AppDeps, service: Service, activatedAt: string, freeTrial: boolean): { nextDue?: string; paidUntil?: string; clause: string } {
  const cal = deps.policy.calendar;
  if (freeTrial) {
    const end = freeTrialEnd(deps.policy, { productKind: service.productKind, startedAt: activatedAt });
    return end ? { nextDue: end.at, clause: end.clause } : { clause: HOSTCYCLE_DEFAULT };
  }
  const clause = activationDeadline(deps.policy, { productKind: service.productKind, paidAt: activatedAt })?.clause ?? HOSTCYCLE_DEFAULT;
  if (service.billingCycle === 'one_time') return { clause };
  const nextDue = addMonths(cal, activatedAt, CYCLE_MONTHS[service.billingCycle]);
  return { nextDue, paidUntil: localDateOf(cal, addCalendarDays(cal, nextDue, -1)), clause };
}

// ——— Notify ———

export type OrderEmail = 'order_received' | 'review_approved' | 'review_rejected' | 'order_cancelled' | 'invoice_issued' | 'service_activated';

function letterHead(deps: AppDeps, customer: Customer) {
  return {
    customerName: customer.type === 'business' ? customer.companyName : customer.name,
    provider: { name: deps.provider.name, timeZone: deps.policy.calendar.timeZone, supportEmail: deps.provider.supportEmail },
  };
}

function paymentUrl(deps: AppDeps): { paymentUrl?: string } {
  // The templates link only over https; the local runtime's billing URL may be plain http.
  return deps.provider.billingUrl.startsWith('https://') ? { paymentUrl: deps.provider.billingUrl } : {};
}

function invoiceTimes(deps: AppDeps, invoice: Invoice): { issuedAt: string; dueAt: string; cancelAt: string } {
  const issuedAt = invoiceIssueDate(deps.policy, invoice.createdAt).at;
  return { issuedAt, dueAt: dueDate(deps.policy, issuedAt).at, cancelAt: cancellationOf(deps, invoice.createdAt).at };
}

/**
 * Why the order ended without a service, read back from its records so a retried Notify renders the
 * same letter: the unpaid window (the rule of CancelUnpaidOrder's audit event), a second free trial
 * (RejectOrder's), or items the provider cancelled after payment (CompleteOrder's), with the refund
 * CompleteOrder started and the staff member's reason when one cancelled an item.
 */
async function cancellationNotice(deps: AppDeps, order: Order) {
  const history = await deps.repo.history('order', order.id);
  const ended = history.findLast((e) => e.to === 'cancelled' || e.to === 'rejected');
  if (ended === undefined || order.state !== ended.to) throw new ValidationError('orderId', `order ${order.id} is ${order.state}, neither cancelled nor refused`);
  const reasonOf = (d: Record<string, unknown> | undefined) => (typeof d?.reason === 'string' && d.reason.trim() !== '' ? { reason: d.reason.trim().slice(0, 500) } : {});
  if (ended.to === 'rejected') {
    if (ended.details?.ground !== 'free_trial_used') throw new ValidationError('orderId', `order ${order.id} was rejected in review: that is review_rejected`);
    return { cancelledAt: ended.at, cause: 'free_trial_used' as const, clause: ended.rule, ...reasonOf(ended.details) };
  }
  const refund = await deps.repo.find('refund', orderIds.cancellationRefund(order.id));
  if (ended.from === 'awaiting_payment') return { cancelledAt: ended.at, cause: 'unpaid' as const, clause: ended.rule, ...(refund ? { refund: refund.amount } : {}) };
  const cancelled = Array.isArray(ended.details?.cancelled) ? (ended.details.cancelled as string[]) : [];
  const staffReason = (await Promise.all(cancelled.map(async (id) => (await deps.repo.history('service', id)).findLast((e) => e.to === 'cancelled'))))
    .map((e) => (e?.actor.type === 'staff' ? reasonOf(e.details) : {}))
    .find((r) => 'reason' in r);
  return {
    cancelledAt: ended.at,
    cause: 'not_delivered' as const,
    clause: refund?.breakdown[0]?.clause ?? ended.rule,
    ...(staffReason ?? {}),
    ...(refund ? { refund: refund.amount } : {}),
  };
}

/**
 * The e-mails of the lifecycle, each under a deterministic id so that a retried state sends it once.
 * Their variables are read from the records, so a retry renders exactly the same letter.
 */
export async function notify(
  deps: AppDeps,
  input: { email: OrderEmail; orderId: string; serviceId?: string | undefined; rejection?: Rejection | undefined },
): Promise<{ sent: string[]; undeliverable: string[] }> {
  const undeliverable: string[] = [];
  const { sent } = await sendOrderEmail(deps, input, (id) => undeliverable.push(id));
  // An e-mail SES refused for good is not an error (staff re-send it); it is just not reported as sent.
  return { sent: sent.filter((id) => !undeliverable.includes(id)), undeliverable };
}

async function sendOrderEmail(
  deps: AppDeps,
  input: { email: OrderEmail; orderId: string; serviceId?: string | undefined; rejection?: Rejection | undefined },
  refused: (id: string) => void,
): Promise<{ sent: string[] }> {
  const order = await deps.repo.get('order', input.orderId);
  const customer = await deps.repo.get('customer', order.customerId);
  const send = async <N extends TemplateName>(id: string, template: N, vars: TemplateVars<N>) => {
    const outcome = await deps.mailer.send({ id, template, language: customer.language, to: customer.email, vars });
    if (outcome.status === 'undeliverable') refused(id);
    return id;
  };
  const head = letterHead(deps, customer);
  switch (input.email) {
    case 'order_received': {
      const review = deps.policy.order.review;
      return {
        sent: [
          await send(`order#${order.id}#received`, 'order_received', {
            ...head,
            orderId: order.id,
            receivedAt: order.placedAt,
            items: order.items.map((i) => ({ description: describeItem(i), amount: chargedAmount(i) })),
            total: order.total,
            ...(review ? { reviewClause: review.clause } : {}),
          }),
        ],
      };
    }
    case 'invoice_issued': {
      const invoice = await deps.repo.get('invoice', orderIds.invoice(order.id));
      const { issuedAt, dueAt } = invoiceTimes(deps, invoice);
      return {
        sent: [
          await send(`invoice#${invoice.id}#issued`, 'invoice_issued', {
            ...head,
            invoiceId: invoice.id,
            issuedAt,
            dueAt,
            lines: invoice.lines.map((l) => ({ description: l.description, amount: l.amount })),
            total: invoice.total,
            ...paymentUrl(deps),
          }),
        ],
      };
    }
    case 'review_approved': {
      const invoice = await deps.repo.get('invoice', orderIds.invoice(order.id));
      const { dueAt, cancelAt } = invoiceTimes(deps, invoice);
      return {
        sent: [
          await send(`order#${order.id}#review-approved`, 'review_approved', {
            ...head,
            orderId: order.id,
            approvedAt: invoice.createdAt,
            invoiceId: invoice.id,
            amountDue: invoice.total,
            dueAt,
            cancelAt,
            ...paymentUrl(deps),
          }),
        ],
      };
    }
    case 'review_rejected': {
      const rejection = input.rejection;
      if (!rejection) throw new ValidationError('rejection', 'is required for review_rejected');
      return {
        sent: [
          await send(`order#${order.id}#review-rejected`, 'review_rejected', {
            ...head,
            orderId: order.id,
            rejectedAt: rejection.rejectedAt,
            clause: rejection.clause,
            ...(rejection.reason ? { reason: rejection.reason } : {}),
          }),
        ],
      };
    }
    case 'order_cancelled': {
      const cancellation = await cancellationNotice(deps, order);
      return { sent: [await send(`order#${order.id}#cancelled`, 'order_cancelled', { ...head, orderId: order.id, ...cancellation })] };
    }
    case 'service_activated': {
      if (!input.serviceId) throw new ValidationError('serviceId', 'is required for service_activated');
      const service = await deps.repo.get('service', input.serviceId);
      if (service.activatedAt === undefined) throw new ValidationError('serviceId', `service ${service.id} is not activated`);
      return {
        sent: [
          await send(`service#${service.id}#activated`, 'service_activated', {
            ...head,
            orderId: order.id,
            serviceName: describeItem(service),
            activatedAt: service.activatedAt,
            ...(service.nextDueDate ? { nextDueAt: endOfLocalDay(deps.policy.calendar, atLocal(deps.policy.calendar, service.nextDueDate, '12:00')) } : {}),
          }),
        ],
      };
    }
  }
}
