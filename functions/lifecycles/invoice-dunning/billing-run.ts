/**
 * The daily billing run (EventBridge Scheduler on AWS, the virtual clock locally). It reads only what
 * falls due on the day, by one Query on the due-date index (repository.dueOn, never a scan):
 *
 *  - a billable service whose renewal falls due gets its renewal invoice, idempotent by the
 *    deterministic id `<serviceId>-<periodStart>`, so a re-run never bills a period twice;
 *  - every invoice of the day gets its dunning execution, named by the invoice id, so a repeated
 *    start is harmless (an open invoice due today whose execution an order already started included).
 */
import { z } from 'zod';
import type { AppDeps, TaskHandler } from '../../app/ports';
import { AlreadyExistsError } from '../../data/errors';
import { addCalendarDays, addMonths, atLocal, localDateOf } from '../../domain/calendar';
import { sum } from '../../domain/money';
import { isoDateSchema, parseWith, utcTimestampSchema, type Invoice, type InvoiceLine, type Service } from '../../domain/model';
import { CYCLE_MONTHS, isThirdParty } from '../../domain/product';
import { dueDate, invoiceIssueDate } from '../../domain/rules';
import { serviceIdsOf } from './schedule';

type BillingDeps = Pick<AppDeps, 'clock' | 'policy' | 'repo' | 'workflows'>;

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

/** The period a renewal bills: from the day after the paid-up date (or the renewal day) for one billing cycle. */
function renewalPeriod(deps: BillingDeps, service: Service, day: string): { start: string; end: string } | undefined {
  if (service.billingCycle === 'one_time') return undefined;
  const cal = deps.policy.calendar;
  const start = service.paidUntil === undefined ? day : localDateOf(cal, addCalendarDays(cal, atLocal(cal, service.paidUntil, '12:00'), 1));
  const next = addMonths(cal, atLocal(cal, start, '12:00'), CYCLE_MONTHS[service.billingCycle]);
  return { start, end: localDateOf(cal, addCalendarDays(cal, next, -1)) };
}

async function issueRenewal(deps: BillingDeps, service: Service, day: string): Promise<{ invoice: Invoice; created: boolean } | undefined> {
  const period = renewalPeriod(deps, service, day);
  if (!period) return undefined;
  const id = `${service.id}-${period.start}`;
  const existing = await deps.repo.find('invoice', id);
  if (existing) return { invoice: existing, created: false };
  const issuedAt = invoiceIssueDate(deps.policy, deps.clock.now()).at;
  const description = `${service.productCode}${service.domain ? ` (${service.domain})` : ''}, ${period.start} – ${period.end}`;
  const line: InvoiceLine = isThirdParty(service.productKind)
    ? { kind: 'third_party', description, serviceId: service.id, productKind: service.productKind, amount: service.price }
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
      { actor: { type: 'system', id: 'billing-run' }, rule: deps.policy.invoicing.issue.clause, details: { serviceId: service.id, period, billingRun: day } },
    );
    return { invoice, created: true };
  } catch (error) {
    // Another run of the same day created it first.
    if (!(error instanceof AlreadyExistsError)) throw error;
    return { invoice: await deps.repo.get('invoice', id), created: false };
  }
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
    const renewal = await issueRenewal(deps, service, day);
    if (!renewal) continue;
    result.itemsDue += 1;
    if (renewal.created) result.invoicesIssued += 1;
    toDun.set(renewal.invoice.id, renewal.invoice);
  }
  // A late-penalty invoice bills no service: it is not dunned (smartape 7.10: paying it cures nothing else).
  for (const invoice of due.invoices.filter((i) => serviceIdsOf(i).length > 0)) {
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
