/**
 * The steps of workflows/refund.asl.json (POLICY-RULES.md §3). Every step reads the refund record,
 * applies the policy through functions/domain/rules and writes by a conditional transition, so a
 * retried or late step finds the record already moved and answers from it instead of acting twice.
 * The decision of ComputeRefund (and why) is kept in the audit event of its transition: a retry
 * replays it from there, and the rejection e-mail quotes it.
 *
 * Withdrawals pay through these same steps (ComputeRefund with a `withdrawalId`): one code path
 * moves money, whoever asked for it.
 */
import { z } from 'zod';
import { TIMEOUT_DECIDER } from '../../app/approvals';
import type { AppDeps } from '../../app/ports';
import { addCalendarDays, compareInstants, endOfLocalDay, localDateOf } from '../../domain/calendar';
import { NotFoundError, ValidationError } from '../../domain/errors';
import { formatMoney, money, moneySchema, negate, sum, zero } from '../../domain/money';
import type { Actor, Customer, Refund, RefundBreakdownItem, Service } from '../../domain/model';
import { HOSTCYCLE_DEFAULT } from '../../domain/policy';
import { computeRefund, refundProcessingDeadline, type RefundInput, type RefundResult } from '../../domain/rules';
import { PayoutFailedError } from './errors';
import { approvalPlan, customerRecords, deadlineMarks, letterOf, paidLineFor, periodAt } from './records';

const SYSTEM: Actor = { type: 'system', id: 'refund-workflow' };

/** What the workflow sends to `${ApprovalsFunction}` RequestApproval, less the task token the ASL adds. */
export const approvalRequestSchema = z.object({
  approvalId: z.string(),
  kind: z.enum(['refund', 'withdrawal']),
  customerId: z.string(),
  context: z.object({
    subject: z.object({ type: z.enum(['refund', 'withdrawal']), id: z.string() }),
    summary: z.string(),
    details: z.record(z.string(), z.unknown()),
  }),
  deadline: z.string(),
  defaultOutcome: z.enum(['approved', 'rejected']),
});
export type ApprovalRequest = z.infer<typeof approvalRequestSchema>;

const rejectionSchema = z.discriminatedUnion('code', [
  z.object({ code: z.literal('window_expired'), windowEndedAt: z.string() }),
  z.object({ code: z.literal('non_refundable_service') }),
  z.object({ code: z.literal('terms_violation') }),
  z.object({ code: z.literal('nothing_left'), deductions: moneySchema }),
  z.object({ code: z.literal('staff_decision'), statedReason: z.string().min(1) }),
]);
const rejectionRecordSchema = z.object({ reason: rejectionSchema, clause: z.string(), note: z.string().optional() });
type RejectionRecord = z.infer<typeof rejectionRecordSchema>;

/** ComputeRefund's answer: the branch to take and everything the later states need. */
export const assessmentSchema = z.object({
  outcome: z.enum(['rejected', 'needs_approval', 'approved']),
  refundId: z.string(),
  customerId: z.string(),
  amount: moneySchema,
  approval: approvalRequestSchema.nullable(),
  /** A second approval opened when the first times out under an `escalate` rule. */
  escalation: approvalRequestSchema.nullable(),
  /** The policy's processing deadline (hostico 15, secom ~10 working days), null where it has none. */
  processingDeadline: z.string().nullable(),
  /** When the watch branch checks that the refund is paid: the start of the working day before the deadline's day. */
  deadlineAlertAt: z.string().nullable(),
});
export type Assessment = z.infer<typeof assessmentSchema>;

export const refundIds = (refundId: string) => ({
  approval: `refund:${refundId}`,
  escalation: `refund:${refundId}:escalation`,
  deadlineAlert: `refund:${refundId}:deadline-alert`,
  /** Staff's decision on retrying a payout the gateway kept failing; a round per failure. */
  payoutRetry: (round: number) => `refund:${refundId}:payout-retry:${round}`,
  creditNote: `CN-${refundId}`,
  payout: `refund#${refundId}#payout`,
});

// ── ComputeRefund ───────────────────────────────────────────────────────────────────────────────

export async function computeRefundStep(deps: AppDeps, input: { refundId: string; withdrawalId?: string | undefined }): Promise<Assessment> {
  const refund = await deps.repo.get('refund', input.refundId);
  if (refund.state !== 'requested') return replayAssessment(deps, refund);
  const processingDeadline = refundProcessingDeadline(deps.policy, refund.requestedAt)?.at ?? null;
  const base = {
    refundId: refund.id,
    customerId: refund.customerId,
    processingDeadline,
    deadlineAlertAt: processingDeadline === null ? null : deadlineMarks(deps.policy, processingDeadline).alertAt,
  };
  if (input.withdrawalId !== undefined) return approveForWithdrawal(deps, refund, input.withdrawalId, base);
  if (refund.origin === 'provider_cancellation') return approveProviderCancellation(deps, refund, base);

  const customer = await deps.repo.get('customer', refund.customerId);
  const { result, input: computed, destination } = await computeFor(deps, refund, customer);
  const breakdown = breakdownOf(result);
  const amount = result.total;
  const patch = { amount, breakdown, destination };

  const rejection = amount.amount === 0 ? rejectionOf(deps, result, computed) : null;
  if (rejection !== null) {
    const assessment: Assessment = { ...base, outcome: 'rejected', amount, approval: null, escalation: null, deadlineAlertAt: null };
    await deps.repo.transition('refund', refund.id, {
      expectedState: 'requested',
      expectedVersion: refund.version,
      to: 'rejected',
      patch,
      audit: { actor: SYSTEM, rule: rejection.clause, details: { assessment, rejection } },
    });
    return assessment;
  }

  const rule = deps.policy.approvals.refund;
  const method = deps.policy.refund.method;
  const clause = method?.clause ?? HOSTCYCLE_DEFAULT;
  if (rule === null) {
    const assessment: Assessment = { ...base, outcome: 'approved', amount, approval: null, escalation: null };
    await deps.repo.transition('refund', refund.id, {
      expectedState: 'requested',
      expectedVersion: refund.version,
      to: 'approved',
      patch,
      audit: { actor: SYSTEM, rule: clause, details: { assessment } },
    });
    return assessment;
  }

  const ids = refundIds(refund.id);
  const plan = approvalPlan(rule, deps.clock.now().toISOString(), deps.policy, processingDeadline);
  const context = (summary: string) => ({
    subject: { type: 'refund' as const, id: refund.id },
    summary,
    details: { amount, breakdown, requestedAt: refund.requestedAt, processingDeadline, clause, reason: refund.reason ?? null },
  });
  const about = `Refund ${refund.id} of ${formatMoney(amount)} to customer ${refund.customerId}`;
  const assessment: Assessment = {
    ...base,
    outcome: 'needs_approval',
    amount,
    approval: {
      approvalId: ids.approval,
      kind: 'refund',
      customerId: refund.customerId,
      context: context(`${about}, computed under ${clause}: approve or reject.`),
      deadline: plan.deadline,
      defaultOutcome: plan.defaultOutcome,
    },
    escalation:
      plan.escalation === null
        ? null
        : {
            approvalId: ids.escalation,
            kind: 'refund',
            customerId: refund.customerId,
            context: context(`Escalated: nobody decided ${ids.approval} in time. ${about}; it is approved if still undecided at the deadline.`),
            deadline: plan.escalation.deadline,
            defaultOutcome: plan.escalation.defaultOutcome,
          },
  };
  await deps.repo.transition('refund', refund.id, {
    expectedState: 'requested',
    expectedVersion: refund.version,
    to: 'awaiting_approval',
    patch: { ...patch, approvalId: ids.approval },
    audit: { actor: SYSTEM, rule: rule.clause, details: { assessment } },
  });
  return assessment;
}

/** A withdrawal accepted under 11.6 is the decision to refund: its amount was fixed when it was accepted. */
async function approveForWithdrawal(deps: AppDeps, refund: Refund, withdrawalId: string, base: Omit<Assessment, 'outcome' | 'amount' | 'approval' | 'escalation'>) {
  const withdrawal = await deps.repo.get('withdrawal', withdrawalId);
  if (withdrawal.refundId !== refund.id || (withdrawal.state !== 'accepted' && withdrawal.state !== 'completed')) {
    throw new ValidationError('withdrawalId', `withdrawal ${withdrawalId} is ${withdrawal.state} and does not pay refund ${refund.id}`);
  }
  const assessment: Assessment = { ...base, outcome: 'approved', amount: refund.amount, approval: null, escalation: null };
  await deps.repo.transition('refund', refund.id, {
    expectedState: 'requested',
    expectedVersion: refund.version,
    to: 'approved',
    audit: { actor: SYSTEM, rule: deps.policy.withdrawal?.clause ?? HOSTCYCLE_DEFAULT, details: { assessment, withdrawalId } },
  });
  return assessment;
}

/**
 * The provider cancelled a paid order it did not deliver (order-activation CompleteOrder): the refund
 * was recorded with everything paid for the cancelled items, and that amount is kept — the refund
 * policy's computation (pro rata, deductions for a customer's early exit) is for customers who
 * leave, not for an order the provider never delivered. Nor is a refund approval asked: a staff
 * cancellation already was the decision, and a cancellation by the approval's timeout leaves the
 * money owed all the same (see order-activation `refundCancelledItems`).
 */
async function approveProviderCancellation(deps: AppDeps, refund: Refund, base: Omit<Assessment, 'outcome' | 'amount' | 'approval' | 'escalation'>) {
  const assessment: Assessment = { ...base, outcome: 'approved', amount: refund.amount, approval: null, escalation: null };
  await deps.repo.transition('refund', refund.id, {
    expectedState: 'requested',
    expectedVersion: refund.version,
    to: 'approved',
    audit: { actor: SYSTEM, rule: refund.breakdown[0]?.clause ?? HOSTCYCLE_DEFAULT, details: { assessment, origin: refund.origin, orderId: refund.orderId ?? null } },
  });
  return assessment;
}

async function replayAssessment(deps: AppDeps, refund: Refund): Promise<Assessment> {
  const decided = (await deps.repo.history('refund', refund.id)).find((e) => e.from === 'requested');
  if (decided === undefined) throw new NotFoundError(`refund ${refund.id} is ${refund.state} but has no ComputeRefund decision`);
  return assessmentSchema.parse(decided.details?.assessment);
}

async function computeFor(deps: AppDeps, refund: Refund, customer: Customer) {
  const policy = deps.policy;
  const records = await customerRecords(deps, customer.id);
  const services = await Promise.all(refund.serviceIds.map((id) => deps.repo.get('service', id)));
  const paid = services.map((s) => ({ service: s, line: paidLineFor(records, s.id) }));
  const currency = paid.find((p) => p.line)?.line?.amount.currency ?? policy.currency.billing;
  const first = services[0];
  if (first?.activatedAt === undefined) throw new ValidationError('serviceIds', `service ${refund.serviceIds[0]} was never activated`);

  const priorRefunds = records.refund.filter((r) => r.id !== refund.id && compareInstants(r.requestedAt, refund.requestedAt) <= 0);
  const serviceById = new Map(records.service.map((s) => [s.id, s]));
  const domains = new Set(services.map((s) => s.domain).filter((d) => d !== undefined));
  const orders = await Promise.all([...new Set(services.map((s) => s.orderId))].map((id) => deps.repo.get('order', id)));
  const proformas = (await deps.repo.openInvoices(customer.id)).filter((inv) => inv.kind === 'proforma');
  const payment = paid.find((p) => p.line?.payment)?.line?.payment;

  const input: RefundInput = {
    currency,
    requestedAt: refund.requestedAt,
    activatedAt: first.activatedAt,
    lines: paid.map(({ service, line }) => {
      const period = periodAt(policy, service, refund.requestedAt);
      return {
        label: serviceLabel(service),
        productKind: service.productKind,
        amountPaid: line?.amount ?? zero(currency),
        billingCycle: service.billingCycle,
        periodStart: period.start,
        periodEnd: period.end,
      };
    }),
    priorRequestSameCustomer: priorRefunds.length > 0,
    priorRequestSameDomain: priorRefunds.some((r) => r.serviceIds.some((id) => domains.has(serviceById.get(id)?.domain ?? '\u0000'))),
    violation: services.some((s) => s.suspension?.reason === 'violation'),
    freeOfferItems: orders.flatMap((o) =>
      o.items
        .filter((item) => item.freeOfOffer)
        .map((item) => ({ label: item.domain ? `${item.productCode} (${item.domain})` : item.productCode, value: money(item.price.amount * item.quantity, item.price.currency) })),
    ),
    unpaidProformas: proformas.map((inv) => ({ label: inv.id, amount: money(inv.total.amount - inv.amountPaid.amount, inv.total.currency) })),
    // secom: the window runs from the end of the work; a service still running ends with the request.
    endOfWorkAt: first.endedAt ?? refund.requestedAt,
    ...(await commissions(deps, payment, currency, refund)),
  };
  const result = computeRefund(policy, input);
  if (result === null) throw new ValidationError('policy.refund.method', `${policy.name} grants no refunds`);
  const destination: Refund['destination'] =
    refund.destination.kind === 'original_method' && payment !== undefined ? { kind: 'original_method', details: `payment ${payment.id}` } : refund.destination;
  return { result, input, destination };
}

/** secom withholds the payment system's commission and the commission for returning the funds (000 Refund policy). */
async function commissions(deps: AppDeps, payment: { id: string } | undefined, currency: string, refund: Refund) {
  const d = deps.policy.refund.deductions;
  if ((!d.paymentSystemCommission && !d.returnCommission) || payment === undefined || deps.payments.refundCommissions === undefined) return {};
  const quote = await deps.payments.refundCommissions({ paymentId: payment.id, refundId: refund.id, currency });
  return { paymentSystemCommission: quote.paymentSystem, returnCommission: quote.return };
}

function serviceLabel(service: Service): string {
  return service.domain ? `${service.productCode} (${service.domain})` : service.productCode;
}

/**
 * The stored breakdown must add up to the stored amount. When the deductions exceed what is
 * refundable, the rule function floors the refund at zero; the excess is shown as a line of its own
 * (it stays owed, e.g. an unpaid proforma, and is not taken from this refund).
 */
function breakdownOf(result: RefundResult): RefundBreakdownItem[] {
  const lines = result.lines.map((l) => ({ label: l.label, amount: l.amount, clause: l.clause }));
  if (result.notCovered.amount === 0) return lines;
  const clause = [...result.lines].reverse().find((l) => l.amount.amount < 0)?.clause ?? result.lines[0]?.clause ?? HOSTCYCLE_DEFAULT;
  return [...lines, { label: 'deductions beyond the refundable amount: still owed, not taken from this refund', amount: result.notCovered, clause }];
}

function rejectionOf(deps: AppDeps, result: RefundResult, input: RefundInput): RejectionRecord {
  const policy = deps.policy;
  const clause = result.lines[0]?.clause ?? HOSTCYCLE_DEFAULT;
  if (!result.eligible) {
    const method = policy.refund.method;
    if (input.violation && policy.refund.nonRefundable.violation) return { reason: { code: 'terms_violation' }, clause };
    if (method?.kind === 'after_end_of_work' && input.endOfWorkAt !== undefined) {
      const windowEndedAt = endOfLocalDay(policy.calendar, addCalendarDays(policy.calendar, input.endOfWorkAt, method.requestWindowDays));
      return { reason: { code: 'window_expired', windowEndedAt }, clause };
    }
    return { reason: { code: 'non_refundable_service' }, clause };
  }
  const deductions = result.lines.filter((l) => l.amount.amount < 0);
  if (deductions.length > 0) {
    const withheld = negate(sum(deductions.map((l) => l.amount), result.total.currency));
    return { reason: { code: 'nothing_left', deductions: withheld }, clause: deductions[0]?.clause ?? clause };
  }
  return { reason: { code: 'non_refundable_service' }, clause };
}

// ── Staff decision ──────────────────────────────────────────────────────────────────────────────

export interface DecisionInput {
  refundId: string;
  approvalId: string;
  outcome: 'approved' | 'rejected';
  decidedBy?: string | undefined;
  reason?: string | undefined;
}

/**
 * Applies the approval's outcome. Staff refusing an eligible refund is the blocking rule of the
 * terms (hostico IV. Kampanje: refunds may be blocked when the customer breached the terms), so the
 * rejection e-mail cites the violation clause and quotes the staff member's reason.
 */
export async function recordApprovalDecision(deps: AppDeps, input: DecisionInput): Promise<{ outcome: 'approved' | 'rejected' }> {
  const refund = await deps.repo.get('refund', input.refundId);
  if (refund.state !== 'awaiting_approval') {
    if (refund.state === 'approved' || refund.state === 'completed') return { outcome: 'approved' };
    if (refund.state === 'rejected') return { outcome: 'rejected' };
    throw new ValidationError('refund.state', `refund ${refund.id} is ${refund.state}, not awaiting approval`);
  }
  const rule = deps.policy.refund.method?.clause ?? HOSTCYCLE_DEFAULT;
  const actor: Actor =
    input.decidedBy !== undefined && input.decidedBy !== TIMEOUT_DECIDER ? { type: 'staff', id: input.decidedBy } : { type: 'system', id: 'approval-timeout' };
  const details: Record<string, unknown> = { approvalId: input.approvalId, outcome: input.outcome, reason: input.reason ?? null };
  if (input.outcome === 'rejected') {
    const clause = deps.policy.refund.nonRefundable.violation?.clause ?? rule;
    // A staff member who gives a reason is quoted as they wrote it (`staff_decision`); a rejection
    // nobody explained (the approval's default outcome) keeps the coded reason of the blocking rule.
    const stated = actor.type === 'staff' && input.reason !== undefined && input.reason.trim() !== '' ? input.reason.trim().slice(0, 500) : undefined;
    const rejection: RejectionRecord = stated
      ? { reason: { code: 'staff_decision', statedReason: stated }, clause }
      : { reason: { code: 'terms_violation' }, clause, ...(input.reason ? { note: input.reason } : {}) };
    details.rejection = rejection;
  }
  await deps.repo.transition('refund', refund.id, {
    expectedState: 'awaiting_approval',
    expectedVersion: refund.version,
    to: input.outcome,
    audit: { actor, rule: input.outcome === 'rejected' ? (deps.policy.refund.nonRefundable.violation?.clause ?? rule) : rule, details },
  });
  return { outcome: input.outcome };
}

// ── E-mails ─────────────────────────────────────────────────────────────────────────────────────

async function letter(deps: AppDeps, refund: Refund) {
  return letterOf(deps, await deps.repo.get('customer', refund.customerId));
}

const destinationOf = (refund: Refund): 'account_you_named' | 'original_payment_method' =>
  refund.destination.kind === 'other_account' ? 'account_you_named' : 'original_payment_method';

export async function sendRefundRejected(deps: AppDeps, input: { refundId: string }) {
  const refund = await deps.repo.get('refund', input.refundId);
  if (refund.state !== 'rejected') throw new ValidationError('refund.state', `refund ${refund.id} is ${refund.state}, not rejected`);
  const event = (await deps.repo.history('refund', refund.id)).find((e) => e.to === 'rejected');
  const rejection = rejectionRecordSchema.parse(event?.details?.rejection);
  const { to, language, vars } = await letter(deps, refund);
  return deps.mailer.send({
    id: `refund#${refund.id}#rejected`,
    template: 'refund_rejected',
    language,
    to,
    vars: { ...vars, refundId: refund.id, requestedAt: refund.requestedAt, reason: rejection.reason, clause: rejection.clause, note: rejection.note },
  });
}

/** Tells the customer the amount, the breakdown and the date it will be paid by; without a deadline in the policy there is no date to promise. */
export async function sendRefundApproved(deps: AppDeps, input: { refundId: string }) {
  const refund = await deps.repo.get('refund', input.refundId);
  const payBy = refundProcessingDeadline(deps.policy, refund.requestedAt);
  if (payBy === null) return { status: 'not_applicable' as const };
  const approved = (await deps.repo.history('refund', refund.id)).find((e) => e.to === 'approved');
  if (approved === undefined) throw new ValidationError('refund.state', `refund ${refund.id} is ${refund.state}, not approved`);
  const { to, language, vars } = await letter(deps, refund);
  return deps.mailer.send({
    id: `refund#${refund.id}#approved`,
    template: 'refund_approved',
    language,
    to,
    vars: {
      ...vars,
      refundId: refund.id,
      approvedAt: approved.at,
      lines: refund.breakdown.map((l) => ({ description: l.label, amount: l.amount })),
      refund: refund.amount,
      clause: refund.breakdown[0]?.clause ?? approved.rule,
      destination: destinationOf(refund),
      payBy: payBy.at,
    },
  });
}

export async function sendRefundPaid(deps: AppDeps, input: { refundId: string }) {
  const refund = await deps.repo.get('refund', input.refundId);
  if (refund.state !== 'completed' || refund.completedAt === undefined || refund.creditNoteId === undefined) {
    throw new ValidationError('refund.state', `refund ${refund.id} is ${refund.state}, not completed`);
  }
  const { to, language, vars } = await letter(deps, refund);
  return deps.mailer.send({
    id: `refund#${refund.id}#paid`,
    template: 'refund_paid',
    language,
    to,
    vars: { ...vars, refundId: refund.id, paidAt: refund.completedAt, refund: refund.amount, creditNoteId: refund.creditNoteId, destination: destinationOf(refund) },
  });
}

// ── Credit note, payout, completion ─────────────────────────────────────────────────────────────

async function approvedRefund(deps: AppDeps, refundId: string): Promise<Refund> {
  const refund = await deps.repo.get('refund', refundId);
  if (refund.state !== 'approved' && refund.state !== 'completed') {
    throw new ValidationError('refund.state', `refund ${refund.id} is ${refund.state}; only an approved refund is paid`);
  }
  return refund;
}

/** The storno invoice for the refunded value that confirms the refund (hostico 004 IV. Vračilo denarja). */
export async function issueCreditNote(deps: AppDeps, input: { refundId: string }): Promise<{ creditNoteId: string }> {
  const refund = await approvedRefund(deps, input.refundId);
  const id = refundIds(refund.id).creditNote;
  const rule = deps.policy.refund.processingDeadline?.creditNote ? deps.policy.refund.processingDeadline.clause : HOSTCYCLE_DEFAULT;
  const audit = { actor: SYSTEM, rule, details: { refundId: refund.id, amount: formatMoney(refund.amount) } };
  let note = await deps.repo.find('invoice', id);
  if (note === undefined) {
    const records = await customerRecords(deps, refund.customerId);
    // A part-paid invoice of an order cancelled unpaid is not `paid`, yet what it received is credited.
    const partPaid = () => {
      const invoice = records.invoice.find(
        (inv) => inv.kind !== 'credit_note' && inv.amountPaid.amount > 0 && inv.lines.some((l) => 'serviceId' in l && refund.serviceIds.includes(l.serviceId)),
      );
      return invoice && { invoice };
    };
    const credited = refund.serviceIds.map((s) => paidLineFor(records, s)).find((p) => p !== undefined) ?? (refund.origin === 'provider_cancellation' ? partPaid() : undefined);
    if (credited === undefined) throw new NotFoundError(`refund ${refund.id}: no paid invoice of its services to credit`);
    const today = localDateOf(deps.policy.calendar, deps.clock.now());
    note = await deps.repo.create(
      'invoice',
      {
        id,
        state: 'draft',
        customerId: refund.customerId,
        provider: deps.presetName,
        kind: 'credit_note',
        creditsInvoiceId: credited.invoice.id,
        lines: [{ kind: 'credit', description: `Refund ${refund.id}`, creditedInvoiceId: credited.invoice.id, amount: negate(refund.amount) }],
        total: negate(refund.amount),
        amountPaid: zero(refund.amount.currency),
        issueDate: today,
        dueDate: today,
      },
      audit,
    );
  }
  if (note.state === 'draft') {
    await deps.repo.transition('invoice', id, { expectedState: 'draft', expectedVersion: note.version, to: 'issued', audit });
  }
  return { creditNoteId: id };
}

function payoutDestination(refund: Refund): string {
  return refund.destination.kind === 'other_account'
    ? `account ${refund.destination.details ?? ''}`.trim()
    : `original method${refund.destination.details ? ` (${refund.destination.details})` : ''}`;
}

/**
 * Pays once (ARCHITECTURE.md invariant 3): the payout is claimed under `refund#<id>#payout` and the
 * gateway is idempotent by the same id, so a retried step, or one that died after the gateway paid,
 * gets the first payout back instead of a second one.
 */
export async function payOutRefund(deps: AppDeps, input: { refundId: string }): Promise<{ payoutId: string }> {
  const refund = await approvedRefund(deps, input.refundId);
  const id = refundIds(refund.id).payout;
  const destination = payoutDestination(refund);
  const { claim } = await deps.repo.claimSideEffect(id, { refundId: refund.id, amount: refund.amount, destination });
  const done = claim.state === 'completed' ? z.object({ payoutId: z.string() }).safeParse(claim.result) : null;
  if (done?.success) return done.data;
  let payoutId: string;
  try {
    ({ payoutId } = await deps.payments.payout({ id, refundId: refund.id, amount: refund.amount, destination }));
  } catch (error) {
    throw new PayoutFailedError(id, { cause: error });
  }
  await deps.repo.completeSideEffect(id, { payoutId });
  return { payoutId };
}

/**
 * The gateway kept failing after the step's retries: the refund is marked `failed` (the lifecycle's
 * edge for a payout to retry) and staff decide through an approval whether to retry it. Retrying is
 * safe, the payout being idempotent by its id, so a decision nobody takes retries it.
 */
export async function recordPayoutFailure(deps: AppDeps, input: { refundId: string; error: string; cause?: string | undefined }): Promise<{ approval: ApprovalRequest }> {
  let refund = await deps.repo.get('refund', input.refundId);
  if (refund.state === 'approved') {
    refund = await deps.repo.transition('refund', refund.id, {
      expectedState: 'approved',
      expectedVersion: refund.version,
      to: 'failed',
      audit: { actor: SYSTEM, rule: deps.policy.refund.method?.clause ?? HOSTCYCLE_DEFAULT, details: { error: input.error, cause: input.cause ?? null } },
    });
  }
  if (refund.state !== 'failed') throw new ValidationError('refund.state', `refund ${refund.id} is ${refund.state}, not failed`);
  const round = (await deps.repo.history('refund', refund.id)).filter((e) => e.to === 'failed').length;
  const rule = deps.policy.approvals.refund;
  const now = deps.clock.now().toISOString();
  const deadline = rule === null ? endOfLocalDay(deps.policy.calendar, now) : approvalPlan(rule, now, deps.policy, null).deadline;
  return {
    approval: {
      approvalId: refundIds(refund.id).payoutRetry(round),
      kind: 'refund',
      customerId: refund.customerId,
      context: {
        subject: { type: 'refund', id: refund.id },
        summary: `The payout of refund ${refund.id} (${formatMoney(refund.amount)}) failed at the payment gateway (${input.error}). Approve to retry it, reject to pay it by hand.`,
        details: { amount: refund.amount, breakdown: refund.breakdown, error: input.error, cause: input.cause ?? null, round },
      },
      deadline,
      defaultOutcome: 'approved',
    },
  };
}

/** Staff's answer to a failed payout: a retry moves the refund back to `approved`, where the payout step picks it up. */
export async function recordPayoutRetryDecision(deps: AppDeps, input: DecisionInput): Promise<{ outcome: 'approved' | 'rejected' }> {
  const refund = await deps.repo.get('refund', input.refundId);
  if (input.outcome === 'rejected' || refund.state !== 'failed') return { outcome: refund.state === 'failed' ? 'rejected' : 'approved' };
  const byStaff = input.decidedBy !== undefined && input.decidedBy !== TIMEOUT_DECIDER;
  await deps.repo.transition('refund', refund.id, {
    expectedState: 'failed',
    expectedVersion: refund.version,
    to: 'approved',
    audit: {
      actor: byStaff && input.decidedBy ? { type: 'staff', id: input.decidedBy } : { type: 'system', id: 'approval-timeout' },
      rule: deps.policy.refund.method?.clause ?? HOSTCYCLE_DEFAULT,
      details: { approvalId: input.approvalId, reason: input.reason ?? null },
    },
  });
  return { outcome: 'approved' };
}

export async function completeRefund(deps: AppDeps, input: { refundId: string }): Promise<{ state: 'completed' }> {
  const refund = await approvedRefund(deps, input.refundId);
  if (refund.state === 'completed') return { state: 'completed' };
  const ids = refundIds(refund.id);
  const payout = await deps.repo.get('sideEffect', ids.payout);
  if (payout.state !== 'completed') throw new ValidationError('payout', `refund ${refund.id} is not paid out yet`);
  const creditNote = await deps.repo.get('invoice', ids.creditNote);
  await deps.repo.transition('refund', refund.id, {
    expectedState: 'approved',
    expectedVersion: refund.version,
    to: 'completed',
    patch: { creditNoteId: creditNote.id, completedAt: deps.clock.now().toISOString() },
    audit: {
      actor: SYSTEM,
      rule: deps.policy.refund.processingDeadline?.clause ?? deps.policy.refund.method?.clause ?? HOSTCYCLE_DEFAULT,
      details: { payout: payout.result ?? null, creditNoteId: creditNote.id, amount: formatMoney(refund.amount) },
    },
  });
  return { state: 'completed' };
}

// ── Processing deadline ─────────────────────────────────────────────────────────────────────────

/**
 * Run by the watch branch a working day before the deadline's day. A refund still not paid raises
 * the alert: an approval of kind `refund` that staff see at the top of their queue (pending
 * approvals are listed by deadline), whose creation is an audit event on the customer's timeline
 * naming the deadline and its clause. The repository has no audit event without a state change and
 * the refund record no flag for it, so the approval is the staff-visible flag. Deciding it records
 * who took charge; it moves no money, the refund's own path does that.
 */
export async function checkProcessingDeadline(deps: AppDeps, input: { refundId: string }): Promise<{ atRisk: false } | { atRisk: true; alert: ApprovalRequest }> {
  const refund = await deps.repo.get('refund', input.refundId);
  if (refund.state === 'completed' || refund.state === 'rejected') return { atRisk: false };
  const deadline = refundProcessingDeadline(deps.policy, refund.requestedAt);
  if (deadline === null) return { atRisk: false };
  const late = compareInstants(deps.clock.now(), deadline.at) > 0;
  return {
    atRisk: true,
    alert: {
      approvalId: refundIds(refund.id).deadlineAlert,
      kind: 'refund',
      customerId: refund.customerId,
      context: {
        subject: { type: 'refund', id: refund.id },
        summary:
          `Deadline ${late ? 'missed' : 'at risk'}: refund ${refund.id} (${formatMoney(refund.amount)}) must be paid by ${deadline.at} under ${deadline.clause} ` +
          `and is still ${refund.state.replace('_', ' ')}. Approve once you have taken charge of it; this moves no money.`,
        details: { alert: 'refund_processing_deadline', refundState: refund.state, deadline: deadline.at, clause: deadline.clause, amount: refund.amount, breakdown: refund.breakdown },
      },
      deadline: late ? endOfLocalDay(deps.policy.calendar, deps.clock.now()) : deadline.at,
      defaultOutcome: 'approved',
    },
  };
}
