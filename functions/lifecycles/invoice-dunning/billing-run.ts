/**
 * The daily billing run (EventBridge Scheduler on AWS, the virtual clock locally). It reads only what
 * falls due on the day, by one Query on the due-date index (repository.dueOn, never a scan):
 *
 *  - a billable service whose renewal falls due gets its renewal invoice, idempotent by the
 *    deterministic id `<serviceId>-<periodStart>`, so a re-run never bills a period twice, and its
 *    `nextDueDate` moves on by one billing cycle from the service's anchor day (./renewal.ts), so the
 *    next renewal is found on its own day;
 *  - every invoice of the day gets its dunning execution, named by the invoice id, so a repeated
 *    start is harmless; except an order's first invoice while order-activation still waits for it.
 */
import { z } from 'zod';
import type { AppDeps, TaskHandler } from '../../app/ports';
import { AlreadyExistsError } from '../../data/errors';
import { localDateOf } from '../../domain/calendar';
import { StaleStateError } from '../../domain/errors';
import { sum } from '../../domain/money';
import { isoDateSchema, parseWith, terminalStates, utcTimestampSchema, type Invoice, type InvoiceLine, type Service } from '../../domain/model';
import { CYCLE_MONTHS, isThirdParty } from '../../domain/product';
import { dueDate, invoiceIssueDate } from '../../domain/rules';
import { orderIds } from '../order-activation/ids';
import { anchoredPeriod, deriveAnchorDay } from './renewal';
import { serviceIdsOf } from './schedule';

type BillingDeps = Pick<AppDeps, 'clock' | 'policy' | 'repo' | 'workflows'>;

const BILLING_RUN = { type: 'system', id: 'billing-run' } as const;
/** Tries of the nextDueDate move when another writer changes the service between our read and write. */
const ADVANCE_ATTEMPTS = 3;
const ORDER_ENDED: readonly string[] = terminalStates('order');

export interface BillingRunResult {
  date: string;
  /** Items the due-date query returned: the read cost of the run. */
  itemsRead: number;
  /** Of those, items the run acted on (a renewal billed, an invoice's dunning started): read amplification is itemsRead / itemsDue. */
  itemsDue: number;
  invoicesIssued: number;
  /** Starts accepted; an identical start of a running execution is accepted too and returns that execution. */
  executionsStarted: number;
  /** Invoices whose dunning execution had already ended. */
  executionsEnded: number;
}

interface RenewalPeriod {
  start: string;
  end: string;
  /** The day after the period: the service's next renewal falls due then. */
  next: string;
  /** The day of the month renewals are anchored to (./renewal.ts). */
  anchorDay: number;
}

/**
 * The period a renewal bills: from the renewal day to the day before the next one. The day is the
 * service's `nextDueDate` (that is how dueOn found it), which activation set and each renewal moves on
 * to the day after the period it billed, so periods follow each other whether or not the earlier ones
 * were paid. The next due date is the service's anchor day one billing cycle on, clamped to that
 * month's length (Jan 31 → Feb 28 → Mar 31), so a clamped month never drags the later ones back.
 */
function renewalPeriod(deps: BillingDeps, service: Service, day: string): RenewalPeriod | undefined {
  if (service.billingCycle === 'one_time') return undefined;
  const anchorDay = deriveAnchorDay(deps.policy.calendar, { ...service, nextDueDate: day }) ?? Number(day.slice(8, 10));
  return { ...anchoredPeriod(day, anchorDay, CYCLE_MONTHS[service.billingCycle]), anchorDay };
}

async function issueRenewal(deps: BillingDeps, service: Service, period: RenewalPeriod, day: string): Promise<{ invoice: Invoice; created: boolean }> {
  const id = `${service.id}-${period.start}`;
  const existing = await deps.repo.find('invoice', id);
  if (existing) return { invoice: existing, created: false };
  const issuedAt = invoiceIssueDate(deps.policy, deps.clock.now()).at;
  const description = `${service.productCode}${service.domain ? ` (${service.domain})` : ''}, ${period.start} – ${period.end}`;
  const line: InvoiceLine = isThirdParty(service.productKind)
    ? { kind: 'third_party', description, serviceId: service.id, productKind: service.productKind, periodStart: period.start, periodEnd: period.end, amount: service.price }
    : { kind: 'service_period', description, serviceId: service.id, periodStart: period.start, periodEnd: period.end, amount: service.price };
  try {
    const invoice = await deps.repo.create(
      'invoice',
      {
        id,
        state: 'draft',
        customerId: service.customerId,
        provider: service.provider,
        kind: 'proforma',
        lines: [line],
        total: sum([line.amount], service.price.currency),
        amountPaid: { amount: 0, currency: service.price.currency },
        issueDate: localDateOf(deps.policy.calendar, issuedAt),
        dueDate: localDateOf(deps.policy.calendar, dueDate(deps.policy, issuedAt).at),
      },
      { actor: BILLING_RUN, rule: deps.policy.invoicing.issue.clause, details: { serviceId: service.id, period: { start: period.start, end: period.end }, billingRun: day } },
    );
    return { invoice, created: true };
  } catch (error) {
    // Another run of the same day created it first.
    if (!(error instanceof AlreadyExistsError)) throw error;
    return { invoice: await deps.repo.get('invoice', id), created: false };
  }
}

/**
 * Moves the service's next renewal past the period its renewal invoice bills. The invoice and this
 * move are two writes; a run that stops between them leaves the service due on the same day, so the
 * next run of the day finds the invoice already there and makes the move then. The move happens only
 * while the service is still due on the invoice's period start, read consistently (the due-date index
 * may still show a service a run of the day already moved), so no run moves it twice.
 */
async function advanceRenewal(deps: BillingDeps, serviceId: string, invoiceId: string, period: RenewalPeriod, day: string): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    const service = await deps.repo.get('service', serviceId);
    if (service.nextDueDate !== period.start) return;
    try {
      await deps.repo.update('service', serviceId, {
        expectedVersion: service.version,
        patch: { nextDueDate: period.next, ...(service.billingAnchorDay === undefined ? { billingAnchorDay: period.anchorDay } : {}) },
        audit: { actor: BILLING_RUN, rule: deps.policy.invoicing.issue.clause, details: { invoiceId, nextDueDate: period.next, billingAnchorDay: period.anchorDay, billingRun: day } },
      });
      return;
    } catch (error) {
      // Somebody else changed the service first (README: re-read and decide again).
      if (!(error instanceof StaleStateError) || attempt === ADVANCE_ATTEMPTS) throw error;
    }
  }
}

/**
 * An order's first invoice belongs to order-activation until the order ends: its WaitForPayment keeps
 * its token under the invoice's payment-wait key, which a dunning execution would replace, and an
 * unpaid order is cancelled, not dunned. By the time the order ends the invoice is paid or cancelled,
 * so no first invoice is ever dunned; the order's state is still checked, not assumed.
 */
async function ownedByOrderActivation(deps: BillingDeps, invoice: Invoice): Promise<boolean> {
  const prefix = orderIds.invoice('');
  if (!invoice.id.startsWith(prefix)) return false;
  const order = await deps.repo.find('order', invoice.id.slice(prefix.length));
  return order !== undefined && !ORDER_ENDED.includes(order.state);
}

export async function runBilling(deps: BillingDeps, date: string): Promise<BillingRunResult> {
  const day = parseWith(isoDateSchema, date, 'date');
  const due = await deps.repo.dueOn(day);
  const result: BillingRunResult = {
    date: day,
    itemsRead: due.invoices.length + due.services.length,
    itemsDue: 0,
    invoicesIssued: 0,
    executionsStarted: 0,
    executionsEnded: 0,
  };
  const toDun = new Map<string, Invoice>();
  for (const service of due.services) {
    const period = renewalPeriod(deps, service, day);
    if (!period) continue;
    const renewal = await issueRenewal(deps, service, period, day);
    await advanceRenewal(deps, service.id, renewal.invoice.id, period, day);
    result.itemsDue += 1;
    if (renewal.created) result.invoicesIssued += 1;
    toDun.set(renewal.invoice.id, renewal.invoice);
  }
  // A late-penalty invoice bills no service: it is not dunned (smartape 7.10: paying it cures nothing else).
  for (const invoice of due.invoices.filter((i) => serviceIdsOf(i).length > 0)) {
    if (await ownedByOrderActivation(deps, invoice)) continue;
    result.itemsDue += 1;
    toDun.set(invoice.id, invoice);
  }
  for (const invoice of toDun.values()) {
    const started = await deps.workflows.start('invoice-dunning', invoice.id, { invoiceId: invoice.id });
    if (started.alreadyStarted) result.executionsEnded += 1;
    else result.executionsStarted += 1;
  }
  return result;
}

const billingEventSchema = z.object({ date: isoDateSchema.optional(), time: utcTimestampSchema.optional() }).loose();

/**
 * The scheduled event carries its scheduled `time` (EventBridge Scheduler); a manual re-run may name the
 * `date`. The day billed is that date, or the local day of the scheduled time (or of now) in the
 * provider's time zone.
 */
export function createBillingRunHandler(deps: AppDeps): TaskHandler {
  return async (event) => {
    const { date, time } = parseWith(billingEventSchema, event ?? {}, 'billing-run');
    return runBilling(deps, date ?? localDateOf(deps.policy.calendar, time ?? deps.clock.now()));
  };
}
