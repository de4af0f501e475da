/**
 * The steps of workflows/withdrawal.asl.json (POLICY-RULES.md §4, smartape 003 11.6). The decision
 * of each deciding step is kept in the audit event of its transition, so a retried step replays it
 * and the e-mails quote it. The money goes through the refund lifecycle: an accepted withdrawal
 * creates a refund record with its breakdown (paid, less the 11.6.1 charge) and starts the `refund`
 * execution named by its id, which issues the credit note and pays it out exactly once.
 */
import { z } from 'zod';
import { TIMEOUT_DECIDER } from '../../app/approvals';
import type { AppDeps } from '../../app/ports';
import { AlreadyExistsError } from '../../data/errors';
import { addBusinessDays, addCalendarDays, compareInstants, endOfLocalDay } from '../../domain/calendar';
import { NotFoundError, ValidationError } from '../../domain/errors';
import { formatMoney, moneySchema, negate, sum, zero, type Money } from '../../domain/money';
import type { Actor, Order, RefundBreakdownItem, Service, Withdrawal } from '../../domain/model';
import { HOSTCYCLE_DEFAULT, type Policy } from '../../domain/policy';
import { refundProcessingDeadline, withdrawalCharge, withdrawalEligibility } from '../../domain/rules';
import { approvalPlan, customerRecords, letterOf, paidLineFor, periodAt } from '../refund/records';
import { approvalRequestSchema, type ApprovalRequest } from '../refund/steps';

const SYSTEM: Actor = { type: 'system', id: 'withdrawal-workflow' };

type WithdrawalRule = NonNullable<Policy['withdrawal']>;

function ruleOf(deps: AppDeps): WithdrawalRule {
  const rule = deps.policy.withdrawal;
  if (rule === null) throw new ValidationError('policy.withdrawal', `${deps.policy.name}'s contract grants no right of withdrawal`);
  return rule;
}

const rejectionSchema = z.discriminatedUnion('code', [
  z.object({ code: z.literal('not_consumer') }),
  z.object({ code: z.literal('period_expired'), periodDays: z.number().int(), periodEndedAt: z.string() }),
  z.object({ code: z.literal('excluded_item') }),
  z.object({ code: z.literal('staff_decision'), statement: z.string() }),
  z.object({ code: z.literal('no_contractual_right') }),
]);
type Rejection = z.infer<typeof rejectionSchema>;

export const eligibilitySchema = z.object({
  outcome: z.enum(['rejected', 'needs_approval', 'eligible']),
  withdrawalId: z.string(),
  approval: approvalRequestSchema.nullable(),
  escalation: approvalRequestSchema.nullable(),
});
export type Eligibility = z.infer<typeof eligibilitySchema>;

export const withdrawalIdsOf = (withdrawalId: string) => ({
  approval: `withdrawal:${withdrawalId}`,
  escalation: `withdrawal:${withdrawalId}:escalation`,
  // Also the name of its refund execution: AWS execution names allow letters, digits, - and _.
  refund: `${withdrawalId}-refund`,
  /** Also the key of the waiting token; it comes back in the `provisioning.result` webhook, whose ids allow no `#`. */
  terminate: (serviceId: string) => `service:${serviceId}:terminate:${withdrawalId}`,
});

async function servicesOf(deps: AppDeps, withdrawal: Withdrawal): Promise<Service[]> {
  return Promise.all(withdrawal.serviceIds.map((id) => deps.repo.get('service', id)));
}

/** A delivered software licence is opened software (11.6.2); the other exclusions are not in the order model (staff judge them in the approval). */
function exclusionOf(services: readonly Service[]) {
  return services.some((s) => s.productKind === 'software_licence' && s.activatedAt !== undefined) ? ('opened_software_or_media' as const) : null;
}

/**
 * The provider's contract has no withdrawal clause (hostico, secom). hostcycle does not decide what
 * the law grants the customer: the request is refused as a contractual withdrawal, and the letter says
 * so, offers a staff review by reply and names cancelling instead (`hostcycle default`).
 */
async function refuseWithoutClause(deps: AppDeps, withdrawal: Withdrawal): Promise<Eligibility> {
  const eligibility: Eligibility = { withdrawalId: withdrawal.id, approval: null, escalation: null, outcome: 'rejected' };
  const rejection: Rejection = { code: 'no_contractual_right' };
  await deps.repo.transition('withdrawal', withdrawal.id, {
    expectedState: 'requested',
    expectedVersion: withdrawal.version,
    to: 'rejected',
    audit: { actor: SYSTEM, rule: HOSTCYCLE_DEFAULT, details: { eligibility, rejection, reason: `${deps.policy.name}'s terms have no withdrawal clause` } },
  });
  return eligibility;
}

// ── CheckEligibility ────────────────────────────────────────────────────────────────────────────

export async function checkEligibility(deps: AppDeps, input: { withdrawalId: string }): Promise<Eligibility> {
  const withdrawal = await deps.repo.get('withdrawal', input.withdrawalId);
  if (withdrawal.state !== 'requested') return replay(deps, withdrawal);
  if (deps.policy.withdrawal === null) return refuseWithoutClause(deps, withdrawal);
  const rule = ruleOf(deps);
  const customer = await deps.repo.get('customer', withdrawal.customerId);
  const services = await servicesOf(deps, withdrawal);
  const exclusion = exclusionOf(services);
  const verdict = withdrawalEligibility(deps.policy, {
    customerType: customer.type,
    contractConcludedAt: withdrawal.contractConcludedAt,
    requestedAt: withdrawal.requestedAt,
    exclusion,
  });
  const base = { withdrawalId: withdrawal.id, approval: null, escalation: null };

  if (!verdict.eligible) {
    const rejection: Rejection =
      customer.type !== 'consumer'
        ? { code: 'not_consumer' }
        : exclusion !== null && rule.exclusions.includes(exclusion)
          ? { code: 'excluded_item' }
          : { code: 'period_expired', periodDays: rule.days, periodEndedAt: endOfLocalDay(deps.policy.calendar, addCalendarDays(deps.policy.calendar, withdrawal.contractConcludedAt, rule.days)) };
    const eligibility: Eligibility = { ...base, outcome: 'rejected' };
    await deps.repo.transition('withdrawal', withdrawal.id, {
      expectedState: 'requested',
      expectedVersion: withdrawal.version,
      to: 'rejected',
      audit: { actor: SYSTEM, rule: verdict.clause ?? rule.clause, details: { eligibility, rejection, reason: verdict.reason } },
    });
    return eligibility;
  }

  const approvalRule = deps.policy.approvals.withdrawal;
  if (approvalRule === null) return { ...base, outcome: 'eligible' };
  const ids = withdrawalIdsOf(withdrawal.id);
  const terms = await termsOf(deps, withdrawal, services);
  const plan = approvalPlan(approvalRule, deps.clock.now().toISOString(), deps.policy, null);
  const context = (summary: string) => ({
    subject: { type: 'withdrawal' as const, id: withdrawal.id },
    summary,
    details: {
      amount: terms.refund,
      breakdown: terms.breakdown,
      charge: terms.charge,
      contractConcludedAt: withdrawal.contractConcludedAt,
      requestedAt: withdrawal.requestedAt,
      withdrawalDeadline: verdict.deadline,
      clause: verdict.clause,
      statement: withdrawal.statement ?? null,
    },
  });
  const about = `Withdrawal ${withdrawal.id} by consumer ${withdrawal.customerId} from order ${withdrawal.orderId} (${verdict.clause}): refund ${formatMoney(terms.refund)}`;
  const request = (approvalId: string, summary: string, deadline: string, defaultOutcome: 'approved' | 'rejected'): ApprovalRequest => ({
    approvalId,
    kind: 'withdrawal',
    customerId: withdrawal.customerId,
    context: context(summary),
    deadline,
    defaultOutcome,
  });
  const eligibility: Eligibility = {
    ...base,
    outcome: 'needs_approval',
    approval: request(ids.approval, `${about}. Reject only for an exclusion of 11.6.2 the order does not show.`, plan.deadline, plan.defaultOutcome),
    escalation: plan.escalation && request(ids.escalation, `Escalated: nobody decided ${ids.approval} in time. ${about}.`, plan.escalation.deadline, plan.escalation.defaultOutcome),
  };
  await deps.repo.transition('withdrawal', withdrawal.id, {
    expectedState: 'requested',
    expectedVersion: withdrawal.version,
    to: 'awaiting_approval',
    patch: { approvalId: ids.approval },
    audit: { actor: SYSTEM, rule: approvalRule.clause, details: { eligibility } },
  });
  return eligibility;
}

async function replay(deps: AppDeps, withdrawal: Withdrawal): Promise<Eligibility> {
  const decided = (await deps.repo.history('withdrawal', withdrawal.id)).find((e) => e.from === 'requested');
  if (decided?.details?.eligibility !== undefined) return eligibilitySchema.parse(decided.details.eligibility);
  // Accepted straight from `requested`: it was eligible without an approval.
  if (decided !== undefined) return { outcome: 'eligible', withdrawalId: withdrawal.id, approval: null, escalation: null };
  throw new NotFoundError(`withdrawal ${withdrawal.id} is ${withdrawal.state} but has no eligibility decision`);
}

// ── Terms of the withdrawal: what was paid, the 11.6.1 charge, the refund ───────────────────────

interface ServiceTerms {
  serviceId: string;
  productKind: Service['productKind'];
  label: string;
  paid: Money;
  charge: Money;
  consent: boolean;
}

function consentOf(order: Order, service: Service): boolean {
  const item = order.items.find((i) => i.productKind === service.productKind && i.productCode === service.productCode && (service.domain === undefined || i.domain === service.domain));
  return item?.consentToEarlyStart === true;
}

async function termsOf(deps: AppDeps, withdrawal: Withdrawal, services: readonly Service[]) {
  const records = await customerRecords(deps, withdrawal.customerId);
  const order = await deps.repo.get('order', withdrawal.orderId);
  const rule = ruleOf(deps);
  const lines: ServiceTerms[] = services.map((service) => {
    const paid = paidLineFor(records, service.id);
    const amount = paid?.amount ?? zero(order.total.currency);
    const consent = consentOf(order, service);
    const label = service.domain ? `${service.productCode} (${service.domain})` : service.productCode;
    if (service.activatedAt === undefined || amount.amount === 0) return { serviceId: service.id, productKind: service.productKind, label, paid: amount, charge: zero(amount.currency), consent };
    const period = periodAt(deps.policy, service, withdrawal.requestedAt);
    const charge = withdrawalCharge(deps.policy, {
      price: amount,
      periodStart: period.start,
      periodEnd: period.end,
      serviceStartedAt: service.activatedAt,
      withdrawnAt: withdrawal.requestedAt,
      explicitConsent: consent,
    });
    return { serviceId: service.id, productKind: service.productKind, label, paid: amount, charge: charge?.amount ?? zero(amount.currency), consent };
  });
  const currency = lines[0]?.paid.currency ?? order.total.currency;
  const breakdown: RefundBreakdownItem[] = lines.flatMap((l) => [
    { label: `${l.label}: paid, refunded on withdrawal`, amount: l.paid, clause: rule.clause },
    ...(l.charge.amount > 0 ? [{ label: `${l.label}: service provided until the withdrawal, at the consumer's request`, amount: negate(l.charge), clause: rule.clause }] : []),
  ]);
  return {
    lines,
    breakdown,
    paid: sum(lines.map((l) => l.paid), currency),
    charge: sum(lines.map((l) => l.charge), currency),
    consent: lines.some((l) => l.consent),
    refund: sum(breakdown.map((l) => l.amount), currency),
    payment: lines.map((l) => paidLineFor(records, l.serviceId)?.payment).find((p) => p !== undefined),
  };
}

// ── Staff decision ──────────────────────────────────────────────────────────────────────────────

/**
 * The approval's outcome. Eligibility already checked who and when; what staff can add is an
 * exclusion of 11.6.2 the order does not record (made to specification, unsealed goods). A staff
 * refusal is sent with the reason the staff member stated, verbatim (`staff_decision`), rather than
 * mapped to the nearest template reason; a refusal by the approval's timeout default, which has no
 * stated reason, is sent as the exclusion.
 */
export async function recordApprovalDecision(
  deps: AppDeps,
  input: { withdrawalId: string; approvalId: string; outcome: 'approved' | 'rejected'; decidedBy?: string | undefined; reason?: string | undefined },
): Promise<{ outcome: 'approved' | 'rejected'; decidedBy?: string }> {
  const withdrawal = await deps.repo.get('withdrawal', input.withdrawalId);
  const byStaff = input.decidedBy !== undefined && input.decidedBy !== TIMEOUT_DECIDER;
  const decided = byStaff && input.decidedBy ? { decidedBy: input.decidedBy } : {};
  if (input.outcome === 'approved' || withdrawal.state === 'rejected') return { outcome: withdrawal.state === 'rejected' ? 'rejected' : input.outcome, ...decided };
  if (withdrawal.state !== 'awaiting_approval') throw new ValidationError('withdrawal.state', `withdrawal ${withdrawal.id} is ${withdrawal.state}, not awaiting approval`);
  const statement = input.reason?.trim();
  const rejection: Rejection = byStaff && statement ? { code: 'staff_decision', statement } : { code: 'excluded_item' };
  await deps.repo.transition('withdrawal', withdrawal.id, {
    expectedState: 'awaiting_approval',
    expectedVersion: withdrawal.version,
    to: 'rejected',
    audit: {
      actor: byStaff && input.decidedBy ? { type: 'staff', id: input.decidedBy } : { type: 'system', id: 'approval-timeout' },
      rule: ruleOf(deps).clause,
      details: { approvalId: input.approvalId, rejection, reason: input.reason ?? null },
    },
  });
  return { outcome: 'rejected', ...decided };
}

// ── AcceptWithdrawal ────────────────────────────────────────────────────────────────────────────

export const acceptanceSchema = z.object({
  withdrawalId: z.string(),
  refundId: z.string().nullable(),
  paid: moneySchema,
  refund: moneySchema,
  charge: moneySchema,
  services: z.array(z.object({ serviceId: z.string(), productKind: z.string() })),
  /** Until when the workflow waits for the provisioner to confirm each service is taken down. */
  deprovisionBy: z.string(),
});
export type Acceptance = z.infer<typeof acceptanceSchema>;

/**
 * Accepts the withdrawal with its proportional charge (11.6.1: only with explicit consent to an
 * early start) and records the refund of the rest, in that order: a retry after the refund was
 * created finds it and still accepts.
 */
export async function acceptWithdrawal(deps: AppDeps, input: { withdrawalId: string; decidedBy?: string | undefined }): Promise<Acceptance> {
  const withdrawal = await deps.repo.get('withdrawal', input.withdrawalId);
  if (withdrawal.state === 'accepted' || withdrawal.state === 'completed') {
    const event = (await deps.repo.history('withdrawal', withdrawal.id)).find((e) => e.to === 'accepted');
    return acceptanceSchema.parse(event?.details?.acceptance);
  }
  if (withdrawal.state !== 'requested' && withdrawal.state !== 'awaiting_approval') {
    throw new ValidationError('withdrawal.state', `withdrawal ${withdrawal.id} is ${withdrawal.state}`);
  }
  const rule = ruleOf(deps);
  const services = await servicesOf(deps, withdrawal);
  const terms = await termsOf(deps, withdrawal, services);
  const ids = withdrawalIdsOf(withdrawal.id);
  const refundId = terms.refund.amount > 0 ? ids.refund : null;
  const acceptance: Acceptance = {
    withdrawalId: withdrawal.id,
    refundId,
    paid: terms.paid,
    refund: terms.refund,
    charge: terms.charge,
    services: terms.lines.map((l) => ({ serviceId: l.serviceId, productKind: l.productKind })),
    deprovisionBy: deprovisionDeadline(deps.policy, deps.clock.now().toISOString()),
  };
  if (refundId !== null) {
    try {
      await deps.repo.create(
        'refund',
        {
          id: refundId,
          state: 'requested',
          customerId: withdrawal.customerId,
          provider: deps.presetName,
          serviceIds: withdrawal.serviceIds,
          requestedAt: withdrawal.requestedAt,
          amount: terms.refund,
          breakdown: terms.breakdown,
          destination: terms.payment ? { kind: 'original_method', details: `payment ${terms.payment.id}` } : { kind: 'original_method' },
          reason: `withdrawal ${withdrawal.id}`,
        },
        { actor: SYSTEM, rule: rule.clause, details: { withdrawalId: withdrawal.id } },
      );
    } catch (error) {
      if (!(error instanceof AlreadyExistsError)) throw error;
    }
  }
  await deps.repo.transition('withdrawal', withdrawal.id, {
    expectedState: withdrawal.state,
    expectedVersion: withdrawal.version,
    to: 'accepted',
    patch: { proportionalCharge: terms.charge, ...(refundId === null ? {} : { refundId }) },
    audit: {
      actor: input.decidedBy ? { type: 'staff', id: input.decidedBy } : SYSTEM,
      rule: rule.clause,
      details: { acceptance, paid: formatMoney(terms.paid), charge: formatMoney(terms.charge), consentToEarlyStart: terms.consent },
    },
  });
  return acceptance;
}

/**
 * How long the provisioner has to confirm the services are down: the notice the contract gives
 * for deactivating a cancelled service (smartape 2.4.10), counted from the acceptance.
 */
function deprovisionDeadline(policy: Policy, from: string): string {
  const notice = policy.contract.customerCancellationNotice;
  if (notice === null) return endOfLocalDay(policy.calendar, from);
  const at = notice.basis === 'working' ? addBusinessDays(policy.calendar, from, notice.days) : addCalendarDays(policy.calendar, from, notice.days);
  return endOfLocalDay(policy.calendar, at);
}

/** Starts the refund execution, named by the refund id, which pays through the refund steps. */
export async function startRefund(deps: AppDeps, input: { withdrawalId: string }): Promise<{ refundId: string; executionArn: string }> {
  const withdrawal = await deps.repo.get('withdrawal', input.withdrawalId);
  if (withdrawal.refundId === undefined) throw new ValidationError('withdrawal.refundId', `withdrawal ${withdrawal.id} has no refund`);
  const { executionArn } = await deps.workflows.start('refund', withdrawal.refundId, { refundId: withdrawal.refundId, withdrawalId: withdrawal.id });
  return { refundId: withdrawal.refundId, executionArn };
}

// ── Deprovisioning ──────────────────────────────────────────────────────────────────────────────

/**
 * Sends the terminate command and waits for its result by callback: the token is stored under the
 * command id, where the `provisioning.result` intake looks for it, and the command is claimed with
 * the service it is for, which that intake checks. A result that arrived before a retry of this step
 * is answered from the claim at once.
 */
export async function requestDeprovisioning(
  deps: AppDeps,
  input: { withdrawalId: string; serviceId: string; taskToken: string; expiresAt: string },
): Promise<{ commandId: string }> {
  const service = await deps.repo.get('service', input.serviceId);
  const commandId = withdrawalIdsOf(input.withdrawalId).terminate(service.id);
  await deps.tokens.put(commandId, input.taskToken, { executionName: input.withdrawalId, expiresAt: input.expiresAt });
  const { claim } = await deps.repo.claimSideEffect(commandId, {
    orderId: service.orderId,
    serviceId: service.id,
    action: 'terminate',
    productKind: service.productKind,
    withdrawalId: input.withdrawalId,
  });
  if (claim.state === 'completed') {
    if (claim.result?.outcome === 'succeeded') await deps.workflows.sendTaskSuccess(input.taskToken, { commandId, outcome: 'succeeded' });
    else await deps.workflows.sendTaskFailure(input.taskToken, String(claim.result?.error ?? 'DeprovisioningFailed'), String(claim.result?.message ?? ''));
    await deps.tokens.delete(commandId);
    return { commandId };
  }
  // The provisioner is idempotent by command id: re-sending after a lost invocation terminates once.
  await deps.provisioner.submit({ id: commandId, action: 'terminate', serviceId: service.id, productKind: service.productKind, taskToken: input.taskToken });
  return { commandId };
}

/** The provisioner confirmed: the service's contract ends with the withdrawal (11.6). */
export async function recordServiceEnded(deps: AppDeps, input: { withdrawalId: string; serviceId: string }): Promise<{ serviceId: string; state: string }> {
  const service = await deps.repo.get('service', input.serviceId);
  const to = service.state === 'active' || service.state === 'pending' ? 'cancelled' : service.state === 'suspended' ? 'terminated' : null;
  if (to === null) return { serviceId: service.id, state: service.state };
  const next = await deps.repo.transition('service', service.id, {
    expectedState: service.state,
    expectedVersion: service.version,
    to,
    patch: { endedAt: deps.clock.now().toISOString() },
    audit: { actor: SYSTEM, rule: ruleOf(deps).clause, details: { withdrawalId: input.withdrawalId } },
  });
  return { serviceId: next.id, state: next.state };
}

export async function completeWithdrawal(deps: AppDeps, input: { withdrawalId: string }): Promise<{ state: 'completed' }> {
  const withdrawal = await deps.repo.get('withdrawal', input.withdrawalId);
  if (withdrawal.state === 'completed') return { state: 'completed' };
  await deps.repo.transition('withdrawal', withdrawal.id, {
    expectedState: 'accepted',
    expectedVersion: withdrawal.version,
    to: 'completed',
    audit: { actor: SYSTEM, rule: ruleOf(deps).clause, details: { services: withdrawal.serviceIds, refundId: withdrawal.refundId ?? null } },
  });
  return { state: 'completed' };
}

// ── E-mails ─────────────────────────────────────────────────────────────────────────────────────

function serviceNameOf(services: readonly Service[]): string {
  return services.map((s) => (s.domain ? `${s.productCode} (${s.domain})` : s.productCode)).join(', ');
}

export async function sendWithdrawalAccepted(deps: AppDeps, input: { withdrawalId: string }) {
  const withdrawal = await deps.repo.get('withdrawal', input.withdrawalId);
  const history = await deps.repo.history('withdrawal', withdrawal.id);
  const accepted = history.find((e) => e.to === 'accepted');
  if (accepted === undefined) throw new ValidationError('withdrawal.state', `withdrawal ${withdrawal.id} is ${withdrawal.state}, not accepted`);
  const acceptance = acceptanceSchema.parse(accepted.details?.acceptance);
  const rule = ruleOf(deps);
  const services = await servicesOf(deps, withdrawal);
  const ended = services.map((s) => s.endedAt ?? accepted.at).sort(compareInstants);
  const { to, language, vars } = letterOf(deps, await deps.repo.get('customer', withdrawal.customerId));
  const consented = accepted.details?.consentToEarlyStart === true;
  return deps.mailer.send({
    id: `withdrawal#${withdrawal.id}#accepted`,
    template: 'withdrawal_accepted',
    language,
    to,
    vars: {
      ...vars,
      withdrawalId: withdrawal.id,
      serviceName: serviceNameOf(services),
      contractConcludedAt: withdrawal.contractConcludedAt,
      acceptedAt: accepted.at,
      paid: acceptance.paid,
      ...(consented ? { charge: { amount: acceptance.charge, clause: rule.clause } } : {}),
      refund: acceptance.refund,
      refundBy: refundByOf(deps.policy, rule, accepted.at),
      serviceEndsAt: ended[ended.length - 1] ?? accepted.at,
    },
  });
}

/**
 * The refund's processing deadline where the policy has one; otherwise the withdrawal period counted
 * again from the acceptance, the time a trader has to reimburse a consumer who withdrew
 * (Directive 2011/83/EU art. 13, which 11.6 implements).
 */
function refundByOf(policy: Policy, rule: WithdrawalRule, acceptedAt: string): string {
  return refundProcessingDeadline(policy, acceptedAt)?.at ?? endOfLocalDay(policy.calendar, addCalendarDays(policy.calendar, acceptedAt, rule.days));
}

export async function sendWithdrawalRejected(deps: AppDeps, input: { withdrawalId: string }) {
  const withdrawal = await deps.repo.get('withdrawal', input.withdrawalId);
  const event = (await deps.repo.history('withdrawal', withdrawal.id)).find((e) => e.to === 'rejected');
  if (event === undefined) throw new ValidationError('withdrawal.state', `withdrawal ${withdrawal.id} is ${withdrawal.state}, not rejected`);
  const rejection = rejectionSchema.parse(event.details?.rejection);
  const cancellation = deps.policy.contract.customerCancellationNotice;
  const services = await servicesOf(deps, withdrawal);
  const { to, language, vars } = letterOf(deps, await deps.repo.get('customer', withdrawal.customerId));
  return deps.mailer.send({
    id: `withdrawal#${withdrawal.id}#rejected`,
    template: 'withdrawal_rejected',
    language,
    to,
    vars: {
      ...vars,
      withdrawalId: withdrawal.id,
      serviceName: serviceNameOf(services),
      requestedAt: withdrawal.requestedAt,
      reason: rejection,
      clause: deps.policy.withdrawal?.clause ?? HOSTCYCLE_DEFAULT,
      // 2.4.10: what the customer can do instead is cancel, with this notice (where the terms set one).
      ...(cancellation === null ? {} : { cancellation: { clause: cancellation.clause, noticeWorkingDays: cancellation.days } }),
    },
  });
}
