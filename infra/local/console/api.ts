/**
 * The staff console's JSON API, in-process over the local runtime. Decisions go through the same
 * domain action as the staff HTTP API (`decideApproval`), so they are recorded and resume the waiting
 * workflow exactly as a staff member's call would; only the decider comes from the page (a local
 * staff identity) instead of a token. Every input is parsed with zod; an error names the field.
 */
import { z } from 'zod';
import { createActions } from '../../../functions/app/actions';
import type { WorkflowName } from '../../../functions/app/ports';
import { formatMoney, moneySchema, type Money } from '../../../functions/domain/money';
import type { Approval, Customer, EntityType } from '../../../functions/domain/model';
import { approvalParamsSchema, decisionRequestSchema, timelineParamsSchema, type TimelinePage } from '../../../functions/http/schemas/staff';
import { instant } from '../../../functions/http/schemas/common';
import { parseDuration } from '../engine';
import type { LocalRuntime } from '../runtime';
import { layoutWorkflow, type Diagram } from './layout';
import { executionPosition, type ExecutionPosition } from './position';

export type ConsoleRuntime = Pick<LocalRuntime, 'clock' | 'sfn' | 'deps' | 'platform' | 'urls'>;

/** A request the console refuses: the status, and a body naming what was wrong. */
export class ConsoleApiError extends Error {
  override name = 'ConsoleApiError';
  constructor(
    readonly status: number,
    readonly body: { error: string; message: string; [key: string]: unknown },
  ) {
    super(body.message);
  }
}

/** A bad field, answered like a zod failure so the page shows every input error the same way. */
function fieldError(field: string, message: string): ConsoleApiError {
  return new ConsoleApiError(400, { error: 'ValidationError', message: `${field}: ${message}`, issues: [{ field, message }] });
}

function parseInput<T extends z.ZodType>(schema: T, value: unknown, where: string): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.flatMap((i) => {
    const at = (key?: PropertyKey) => [...i.path, ...(key === undefined ? [] : [key])].map(String).join('.') || where;
    // Strict objects list unknown fields in one issue; each is named on its own, like any other bad field.
    if (i.code === 'unrecognized_keys') return i.keys.map((key) => ({ field: at(key), message: 'is not a field of this request' }));
    return [{ field: at(), message: i.message }];
  });
  throw new ConsoleApiError(400, { error: 'ValidationError', message: issues.map((i) => `${i.field}: ${i.message}`).join('; '), issues });
}

/** A staff identity as the audit trail stores it (`actor.id`): short, printable, no spaces. */
const staffId = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/, 'must be your staff id: up to 64 letters, digits and . _ @ -, starting with a letter or digit');

const consoleDecisionSchema = z.strictObject({ ...decisionRequestSchema.shape, decidedBy: staffId });

/** The console's buttons send 1h/1d/7d/30d; anything the engine's duration syntax reads is accepted, up to a year and a bit. */
const MAX_ADVANCE_MS = parseDuration('400d');
const DURATION = /^(\d+(ms|s|m|h|d|w))+$/;
const advanceSchema = z
  .strictObject({
    by: z
      .string()
      .regex(DURATION, "must be a duration such as '1h', '1d', '7d' or '30d'")
      // zod runs this check after a failed regex too: only a well-formed duration is measured.
      .refine((d) => !DURATION.test(d) || parseDuration(d) <= MAX_ADVANCE_MS, 'must be at most 400d; advance in steps')
      .optional(),
    to: instant.optional(),
  })
  .refine((a) => (a.by === undefined) !== (a.to === undefined), { message: 'give either by (a duration) or to (an instant), not both or neither', path: ['by'] });

const clockModeSchema = z
  .strictObject({ mode: z.enum(['virtual', 'real', 'speed']), speed: z.number().positive('must be greater than 0').max(1_000_000).optional() })
  .refine((m) => m.mode !== 'speed' || m.speed !== undefined, { message: 'is required when mode is speed', path: ['speed'] });

const customerQuerySchema = z.strictObject({ q: z.string().trim().max(200, 'must be at most 200 characters').optional() });

const reasonsSchema = z.array(z.object({ rule: z.string(), clause: z.string(), explanation: z.string() }));
/** The approval context convention (functions/app/actions.ts): breakdown lines may name their clause. */
const breakdownSchema = z.array(z.object({ label: z.string(), amount: moneySchema, clause: z.string().optional() }));
const SHOWN_DETAILS = new Set(['reasons', 'amount', 'breakdown']);

/** The entity whose id names each lifecycle workflow's executions (functions/lifecycles/README.md). */
const ENTITY_OF: Record<WorkflowName, EntityType> = {
  'order-activation': 'order',
  'invoice-dunning': 'invoice',
  refund: 'refund',
  withdrawal: 'withdrawal',
};

const money = (m: Money) => ({ value: m, text: formatMoney(m) });

function displayName(customer: Customer): string {
  return customer.type === 'business' ? customer.companyName : customer.name;
}

function customerSummary(customer: Customer) {
  return { customerId: customer.id, displayName: displayName(customer), email: customer.email, type: customer.type, country: customer.country, state: customer.state };
}

/** A detail value staff can read in one line; nested structures other than money are left out. */
function factText(value: unknown): string | undefined {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  const m = moneySchema.safeParse(value);
  return m.success ? formatMoney(m.data) : undefined;
}

interface ExecutionView {
  workflow: string;
  stateMachineArn: string;
  name: string;
  status: string;
  startedAt: string;
  stoppedAt?: string;
  error?: string;
  cause?: string;
  position: ExecutionPosition;
}

export function createConsoleApi(runtime: ConsoleRuntime) {
  const { clock, sfn, deps } = runtime;
  const actions = createActions(deps, runtime.platform.mailLog);
  const diagrams = new Map<string, Diagram>();
  /** execution ARN → customer id; an execution's customer never changes, so each is resolved once. */
  const executionCustomer = new Map<string, string>();

  function clockView() {
    const mode = clock.mode;
    const next = clock.nextTimerAt();
    return {
      now: clock.now().toISOString(),
      mode: typeof mode === 'string' ? mode : 'speed',
      speed: typeof mode === 'string' ? (mode === 'virtual' ? 0 : 1) : mode.speed,
      ...(next === undefined ? {} : { nextTimerAt: new Date(next).toISOString() }),
    };
  }

  async function stateMachines() {
    const out: { arn: string; name: string }[] = [];
    let nextToken: string | undefined;
    do {
      const page = await sfn.listStateMachines({ maxResults: 1000, ...(nextToken === undefined ? {} : { nextToken }) });
      for (const m of page.stateMachines ?? []) if (m.stateMachineArn && m.name) out.push({ arn: m.stateMachineArn, name: m.name });
      nextToken = page.nextToken;
    } while (nextToken !== undefined);
    return out;
  }

  async function diagramOf(arn: string): Promise<Diagram> {
    // The engine never changes the definition behind an ARN (a changed file is refused at load).
    const cached = diagrams.get(arn);
    if (cached !== undefined) return cached;
    const { definition } = await sfn.describeStateMachine({ stateMachineArn: arn });
    const diagram = layoutWorkflow(definition ?? '{}');
    diagrams.set(arn, diagram);
    return diagram;
  }

  async function customerOfExecution(workflow: string, executionArn: string, name: string): Promise<string | undefined> {
    const known = executionCustomer.get(executionArn);
    if (known !== undefined) return known;
    const { input } = await sfn.describeExecution({ executionArn });
    const parsed = z.object({ customerId: z.string() }).safeParse(JSON.parse(input ?? '{}'));
    let customerId = parsed.success ? parsed.data.customerId : undefined;
    const entity = ENTITY_OF[workflow as WorkflowName] as EntityType | undefined;
    if (customerId === undefined && entity !== undefined) {
      const record = (await deps.repo.find(entity, name)) as { customerId?: string } | undefined;
      customerId = record?.customerId;
    }
    if (customerId !== undefined) executionCustomer.set(executionArn, customerId);
    return customerId;
  }

  /**
   * Every execution with the customer it belongs to. The table has no list of customers (a Scan is no
   * access pattern of ours), so the console knows the customers that have a workflow or an approval.
   */
  async function executionsByCustomer() {
    const out: { customerId: string; workflow: string; stateMachineArn: string; executionArn: string }[] = [];
    for (const machine of await stateMachines()) {
      let nextToken: string | undefined;
      do {
        const page = await sfn.listExecutions({ stateMachineArn: machine.arn, maxResults: 1000, ...(nextToken === undefined ? {} : { nextToken }) });
        for (const e of page.executions ?? []) {
          if (!e.executionArn || !e.name) continue;
          const customerId = await customerOfExecution(machine.name, e.executionArn, e.name);
          if (customerId !== undefined) out.push({ customerId, workflow: machine.name, stateMachineArn: machine.arn, executionArn: e.executionArn });
        }
        nextToken = page.nextToken;
      } while (nextToken !== undefined);
    }
    return out;
  }

  async function executionView(e: { workflow: string; stateMachineArn: string; executionArn: string }): Promise<ExecutionView> {
    const described = await sfn.describeExecution({ executionArn: e.executionArn });
    const events = [];
    let nextToken: string | undefined;
    do {
      const page = await sfn.getExecutionHistory({ executionArn: e.executionArn, maxResults: 1000, includeExecutionData: false, ...(nextToken === undefined ? {} : { nextToken }) });
      events.push(...(page.events ?? []));
      nextToken = page.nextToken;
    } while (nextToken !== undefined);
    return {
      workflow: e.workflow,
      stateMachineArn: e.stateMachineArn,
      name: described.name ?? e.executionArn,
      status: described.status ?? 'UNKNOWN',
      startedAt: (described.startDate ?? clock.now()).toISOString(),
      ...(described.stopDate === undefined ? {} : { stoppedAt: described.stopDate.toISOString() }),
      ...(described.error === undefined ? {} : { error: described.error }),
      ...(described.cause === undefined ? {} : { cause: described.cause }),
      position: executionPosition(events, described.status),
    };
  }

  function approvalView(approval: Approval, customer: Customer | undefined) {
    const details = approval.context.details ?? {};
    const reasons = reasonsSchema.safeParse(details.reasons);
    const amount = moneySchema.safeParse(details.amount);
    const breakdown = breakdownSchema.safeParse(details.breakdown);
    const facts = Object.entries(details).flatMap(([key, value]) => {
      const text = SHOWN_DETAILS.has(key) ? undefined : factText(value);
      return text === undefined ? [] : [{ key, value: text }];
    });
    return {
      approvalId: approval.id,
      kind: approval.kind,
      summary: approval.context.summary,
      subject: approval.context.subject,
      customer: customer === undefined ? { customerId: approval.customerId, displayName: approval.customerId } : customerSummary(customer),
      requestedAt: approval.createdAt,
      deadline: approval.deadline,
      defaultOutcome: approval.defaultOutcome,
      reasons: reasons.success ? reasons.data : [],
      ...(amount.success ? { amount: money(amount.data) } : {}),
      ...(breakdown.success ? { breakdown: breakdown.data.map((l) => ({ label: l.label, ...(l.clause === undefined ? {} : { clause: l.clause }), amount: money(l.amount) })) } : {}),
      facts,
    };
  }

  return {
    overview() {
      const { policy } = deps;
      return {
        provider: deps.provider.name,
        preset: deps.presetName,
        timeZone: policy.calendar.timeZone,
        mailUrl: runtime.urls.mail,
        clock: clockView(),
      };
    },

    clock: clockView,

    async advanceClock(body: unknown) {
      const input = parseInput(advanceSchema, body, 'body');
      if (input.to !== undefined) {
        if (Date.parse(input.to) <= clock.nowMs()) throw fieldError('to', `must be after the current time ${clock.now().toISOString()}`);
        await clock.advanceTo(input.to);
      } else await clock.advance(input.by as string);
      return clockView();
    },

    setClockMode(body: unknown) {
      const input = parseInput(clockModeSchema, body, 'body');
      clock.setMode(input.mode === 'speed' ? { speed: input.speed as number } : input.mode);
      return clockView();
    },

    async listApprovals() {
      const pending = await deps.approvals.listPending();
      const customers = new Map<string, Customer | undefined>();
      for (const id of new Set(pending.map((a) => a.customerId))) customers.set(id, await deps.repo.find('customer', id));
      return { items: pending.map((a) => approvalView(a, customers.get(a.customerId))) };
    },

    async decide(params: unknown, body: unknown) {
      const { approvalId } = parseInput(approvalParamsSchema, params, 'approvalId');
      const input = parseInput(consoleDecisionSchema, body, 'body');
      const result = await actions.decideApproval({ approvalId, decision: input.decision, reason: input.reason, decidedBy: { staffId: input.decidedBy } });
      if (result.outcome === 'decided') return result.approval;
      const { status, decidedBy, closedAt } = result.approval;
      const who = status === 'timed_out' ? 'timed out (its default outcome applied)' : `already ${status} by ${decidedBy?.staffId ?? 'someone else'}`;
      throw new ConsoleApiError(409, { error: 'ApprovalClosed', message: `Approval ${approvalId} was ${who} at ${closedAt}; nothing was changed.`, ...result.approval });
    },

    async customers(query: unknown) {
      const { q } = parseInput(customerQuerySchema, query, 'query');
      const needle = q?.toLowerCase() ?? '';
      const executions = await executionsByCustomer();
      const pending = await deps.approvals.listPending();
      const ids = new Set([...executions.map((e) => e.customerId), ...pending.map((a) => a.customerId)]);
      // Any customer by exact id, known to the console or not.
      if (q !== undefined && q !== '' && timelineParamsSchema.safeParse({ customerId: q }).success) ids.add(q);
      const found: ReturnType<typeof customerSummary>[] = [];
      for (const id of ids) {
        const customer = await deps.repo.find('customer', id);
        if (customer === undefined) continue;
        const summary = customerSummary(customer);
        const haystack = [summary.customerId, summary.displayName, summary.email].join(' ').toLowerCase();
        if (needle === '' || haystack.includes(needle)) found.push(summary);
      }
      found.sort((a, b) => a.displayName.localeCompare(b.displayName) || a.customerId.localeCompare(b.customerId));
      return {
        items: found.slice(0, 100).map((c) => ({
          ...c,
          executions: executions.filter((e) => e.customerId === c.customerId).length,
          pendingApprovals: pending.filter((a) => a.customerId === c.customerId).length,
        })),
      };
    },

    async customer(params: unknown) {
      const { customerId } = parseInput(timelineParamsSchema, params, 'customerId');
      const customer = await deps.repo.get('customer', customerId);
      const entries: TimelinePage['entries'] = [];
      let cursor: string | undefined;
      // A few hundred lines are more than a page can show usefully; the staff API pages through the rest.
      do {
        const page = await actions.customerTimeline({ customerId, limit: 100, ...(cursor === undefined ? {} : { cursor }) });
        entries.push(...page.entries);
        cursor = page.nextCursor ?? undefined;
      } while (cursor !== undefined && entries.length < 500);
      const mine = (await executionsByCustomer()).filter((e) => e.customerId === customerId);
      const executions = await Promise.all(mine.map(executionView));
      executions.sort((a, b) => b.startedAt.localeCompare(a.startedAt) || a.name.localeCompare(b.name));
      return { customer: customerSummary(customer), timeline: entries, timelineTruncated: cursor !== undefined, executions };
    },

    async workflows() {
      const machines = await stateMachines();
      return { items: await Promise.all(machines.map(async (m) => ({ name: m.name, stateMachineArn: m.arn, diagram: await diagramOf(m.arn) }))) };
    },
  };
}

export type ConsoleApi = ReturnType<typeof createConsoleApi>;
