/**
 * What the refund and withdrawal steps read about a customer, in one place: the customer's letter
 * header, the paid period of a service with the payment that bought it, and the approval plan of a
 * policy rule. Both lifecycles pay money only through the refund steps (./steps.ts); this module is
 * what they share to describe it.
 */
import type { AppDeps } from '../../app/ports';
import { addBusinessDays, addCalendarDays, addMonths, compareInstants, endOfLocalDay, isBusinessDay, startOfLocalDay } from '../../domain/calendar';
import { NotFoundError } from '../../domain/errors';
import type { Money } from '../../domain/money';
import type { Customer, EntityOf, Invoice, Payment, Service } from '../../domain/model';
import type { Policy } from '../../domain/policy';
import { CYCLE_MONTHS } from '../../domain/product';

/** The records a refund or a withdrawal is decided from, by type. */
export interface CustomerRecords {
  readonly invoice: Invoice[];
  readonly payment: Payment[];
  readonly service: Service[];
  readonly refund: EntityOf<'refund'>[];
}

/** A customer's invoices, payments, services and refunds: one Query each on byCustomer, in parallel. */
export async function customerRecords(deps: AppDeps, customerId: string): Promise<CustomerRecords> {
  const [invoice, payment, service, refund] = await Promise.all([
    deps.repo.customerRecords(customerId, 'invoice'),
    deps.repo.customerRecords(customerId, 'payment'),
    deps.repo.customerRecords(customerId, 'service'),
    deps.repo.customerRecords(customerId, 'refund'),
  ]);
  return { invoice, payment, service, refund };
}

/** Whom an e-mail greets and whose rules, clock and signature it carries (templates' `letterVars`). */
export function letterOf(deps: AppDeps, customer: Customer) {
  return {
    to: customer.email,
    language: customer.language,
    vars: {
      customerName: customer.type === 'business' ? customer.companyName : customer.name,
      provider: { name: deps.provider.name, timeZone: deps.policy.calendar.timeZone, supportEmail: deps.provider.supportEmail },
    },
  };
}

/**
 * The invoice line that paid for a service most recently, with the payment that settled it: what
 * "amount paid" means for a refund, and the instrument the money goes back to (hostico, secom:
 * "the account it was paid from").
 */
export interface PaidLine {
  invoice: Invoice;
  amount: Money;
  payment: Payment | undefined;
}

export function paidLineFor(records: CustomerRecords, serviceId: string): PaidLine | undefined {
  const payments = records.payment;
  const paid = records.invoice
    .filter((inv) => inv.kind !== 'credit_note' && inv.state === 'paid')
    .sort((a, b) => compareInstants(b.paidAt ?? b.updatedAt, a.paidAt ?? a.updatedAt));
  for (const invoice of paid) {
    const line = invoice.lines.find((l) => (l.kind === 'service_period' || l.kind === 'third_party') && l.serviceId === serviceId);
    if (line === undefined) continue;
    const payment = payments
      .filter((p) => p.invoiceId === invoice.id)
      .sort((a, b) => compareInstants(b.receivedAt, a.receivedAt))[0];
    return { invoice, amount: line.amount, payment };
  }
  return undefined;
}

/**
 * The billing period of a service that contains `at`: periods follow each other from activation,
 * one billing cycle each (suspended time stays billable, so renewals do not shift them). A one-time
 * charge has a one-day period, so nothing of it is "remaining".
 */
export function periodAt(policy: Policy, service: Service, at: string): { start: string; end: string } {
  const activatedAt = service.activatedAt;
  if (activatedAt === undefined) throw new NotFoundError(`service ${service.id} was never activated`);
  const cal = policy.calendar;
  if (service.billingCycle === 'one_time') return { start: activatedAt, end: addCalendarDays(cal, activatedAt, 1) };
  const months = CYCLE_MONTHS[service.billingCycle];
  let n = 1;
  while (compareInstants(addMonths(cal, activatedAt, n * months), at) <= 0) n += 1;
  return { start: addMonths(cal, activatedAt, (n - 1) * months), end: addMonths(cal, activatedAt, n * months) };
}

export type ApprovalRule = NonNullable<Policy['approvals']['refund']>;

/**
 * The two instants that keep a refund inside its processing deadline (hostico 15, secom about 10
 * working days): at the start of the working day before the deadline's day staff are alerted if it
 * is still not paid, and at the start of the deadline's own day an undecided escalation takes its
 * default, so the payout still lands within the deadline.
 */
export function deadlineMarks(policy: Policy, deadline: string): { alertAt: string; lastDayStarts: string } {
  const cal = policy.calendar;
  let day = addCalendarDays(cal, deadline, -1);
  while (!isBusinessDay(cal, day)) day = addCalendarDays(cal, day, -1);
  return { alertAt: startOfLocalDay(cal, day), lastDayStarts: startOfLocalDay(cal, deadline) };
}

/**
 * How long staff have and what a silent timeout means. `approve` and `deny` are the approval's
 * default outcome. `escalate` (every preset's refund rule) keeps the request undecided: the first
 * wait's timeout opens a second approval, which defaults to approval so a request the policy found
 * due is never dropped silently. Where the policy has a processing deadline the second approval runs
 * until its last day begins (after the deadline alert), so the refund can still be paid in time.
 */
export function approvalPlan(rule: ApprovalRule, openedAt: string, policy: Policy, processingDeadline: string | null) {
  const deadline = timeoutDeadline(policy, rule, openedAt);
  if (rule.onTimeout !== 'escalate') {
    return { deadline, defaultOutcome: rule.onTimeout === 'approve' ? ('approved' as const) : ('rejected' as const), escalation: null };
  }
  const lastDay = processingDeadline === null ? null : deadlineMarks(policy, processingDeadline).lastDayStarts;
  const escalationDeadline = lastDay !== null && compareInstants(lastDay, deadline) > 0 ? lastDay : timeoutDeadline(policy, rule, deadline);
  return { deadline, defaultOutcome: 'approved' as const, escalation: { deadline: escalationDeadline, defaultOutcome: 'approved' as const } };
}

function timeoutDeadline(policy: Policy, rule: ApprovalRule, from: string): string {
  const { days, basis } = rule.timeout;
  const at = basis === 'working' ? addBusinessDays(policy.calendar, from, days) : addCalendarDays(policy.calendar, from, days);
  return endOfLocalDay(policy.calendar, at);
}
