/**
 * What a simulation left behind, read back from the runtime once the clock stopped: every record and
 * audit event of each customer (the repository's customer index, never a scan), the e-mails the
 * ledger recorded with their virtual send times, what the SES emulator actually accepted, and every
 * workflow execution. The timeline and the invariant checks are pure functions of this.
 */
import type { WorkflowName } from '../app/ports';
import type { SentMail } from '../data/side-effect-ledger';
import type { Approval, AuditEvent, Customer, Invoice, Service } from '../domain/model';
import type { TimelineEntry as RecordEntry } from '../data/repository';
import type { LocalRuntime } from '../../infra/local/runtime';

export interface CustomerObservation {
  customer: Customer;
  audit: AuditEvent[];
  /** The current record of each of the customer's entities, in creation order. */
  records: RecordEntry[];
  mails: SentMail[];
}

export interface ExecutionObservation {
  workflow: WorkflowName;
  name: string;
  status: string;
  startedAt: string;
  stoppedAt?: string;
  /** Where a RUNNING execution waits; why a failed one failed. */
  currentState?: string;
  error?: string;
  cause?: string;
}

export interface Observation {
  customers: CustomerObservation[];
  executions: ExecutionObservation[];
  /** The notification id of every e-mail the SES emulator accepted from this runtime, once per message. */
  sentReferences: string[];
}

/** The mailer puts the notification id in every e-mail's reference line (English and Slovenian). */
const REFERENCE = /^(?:Reference|Sklic): (\S+)$/m;

export function invoicesOf(c: CustomerObservation): Invoice[] {
  return c.records.flatMap((e) => (e.type === 'invoice' ? [e.record] : []));
}

export function servicesOf(c: CustomerObservation): Service[] {
  return c.records.flatMap((e) => (e.type === 'service' ? [e.record] : []));
}

export function approvalsOf(c: CustomerObservation): Approval[] {
  return c.records.flatMap((e) => (e.type === 'approval' ? [e.record] : []));
}

export async function observe(rt: LocalRuntime, customerIds: readonly string[]): Promise<Observation> {
  const customers: CustomerObservation[] = [];
  for (const id of customerIds) {
    const customer = await rt.repo.find('customer', id);
    // A customer whose first order was never accepted as input has no record: nothing happened to them.
    if (customer === undefined) continue;
    const entries = await rt.repo.customerTimeline(id);
    const records: RecordEntry[] = [];
    const audit: AuditEvent[] = [];
    for (const e of entries) {
      if (e.type === 'auditEvent') audit.push(e.record);
      else records.push(e);
    }
    customers.push({ customer, audit, records, mails: await rt.platform.mailLog.sentTo(customer.email) });
  }

  const executions: ExecutionObservation[] = [];
  for (const [workflow, stateMachineArn] of Object.entries(rt.stateMachineArns) as [WorkflowName, string][]) {
    let nextToken: string | undefined;
    do {
      const page = await rt.sfn.listExecutions({ stateMachineArn, maxResults: 1000, ...(nextToken === undefined ? {} : { nextToken }) });
      for (const e of page.executions ?? []) {
        const name = e.name ?? '';
        const observed: ExecutionObservation = {
          workflow,
          name,
          status: e.status ?? 'UNKNOWN',
          startedAt: (e.startDate ?? new Date(0)).toISOString(),
          ...(e.stopDate === undefined ? {} : { stoppedAt: e.stopDate.toISOString() }),
        };
        if (observed.status === 'RUNNING') {
          const where = await rt.deps.workflows.describe(workflow, name);
          if (where?.currentState !== undefined) observed.currentState = where.currentState;
        } else if (observed.status !== 'SUCCEEDED' && e.executionArn !== undefined) {
          const d = await rt.sfn.describeExecution({ executionArn: e.executionArn });
          if (d.error !== undefined) observed.error = d.error;
          if (d.cause !== undefined) observed.cause = d.cause;
        }
        executions.push(observed);
      }
      nextToken = page.nextToken;
    } while (nextToken !== undefined);
  }

  const sentReferences = (await rt.mail()).flatMap((m) => {
    const ref = REFERENCE.exec(m.body.text ?? '');
    return ref?.[1] === undefined ? [] : [ref[1]];
  });
  return { customers, executions, sentReferences };
}
