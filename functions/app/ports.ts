/**
 * What the lifecycle handlers and the domain actions depend on, as interfaces. One implementation of
 * each runs on AWS (SDK clients from the Lambda environment), one in the local runtime (the same
 * clients pointed at DynamoDB Local, the SES emulator and the local engine, plus simulated
 * provisioner and payment gateway). Handlers are built by factories that receive an `AppDeps`, so
 * tests and the local runtime pass the virtual clock and local clients (Temporal's createActivities).
 */
import type { Clock } from '../domain/clock';
import type { Money } from '../domain/money';
import type { Approval } from '../domain/model';
import type { Policy, PresetName } from '../domain/policy';
import type { Repository } from '../data/repository';
import type { Mailer } from '../notifications/mailer';

/** The state machines, named as their files in workflows/ (`<name>.asl.json`). */
export const WORKFLOW_NAMES = ['order-activation', 'invoice-dunning', 'refund', 'withdrawal'] as const;
export type WorkflowName = (typeof WORKFLOW_NAMES)[number];

/** Starts and signals workflows through the Step Functions API (AWS or the local engine). */
export interface Workflows {
  /**
   * Starts `workflow` with an execution named by the business id (e.g. the invoice id), so a repeated
   * start of the same execution is harmless: `alreadyStarted` is true when it exists (open or closed).
   */
  start(workflow: WorkflowName, executionName: string, input: unknown): Promise<{ executionArn: string; alreadyStarted: boolean }>;
  sendTaskSuccess(taskToken: string, output: unknown): Promise<void>;
  sendTaskFailure(taskToken: string, error: string, cause: string): Promise<void>;
  /** Where an execution is (status and current state), for the staff timeline. */
  describe(
    workflow: WorkflowName,
    executionName: string,
  ): Promise<{ status: string; currentState?: string; executionArn: string; startedAt?: string; updatedAt?: string } | undefined>;
}

/**
 * Staff approvals (ARCHITECTURE.md invariant 7). The workflow waits on a `.waitForTaskToken` task that
 * calls `request`; the token is stored beside the approval in the backend, never returned to staff.
 */
export interface Approvals {
  /** Creates the approval (idempotent by approvalId) and stores the task token of the waiting step. */
  request(input: {
    approvalId: string;
    kind: Approval['kind'];
    customerId: string;
    context: Approval['context'];
    deadline: string;
    defaultOutcome: Approval['defaultOutcome'];
    taskToken: string;
    /** The waiting execution (`$states.context.Execution.Name`), stored beside the token for whoever investigates. */
    executionName?: string;
  }): Promise<Approval>;
  /** A staff decision: records who, when and why, then resumes the workflow. Not pending → ApprovalClosedError (409). */
  decide(input: { approvalId: string; decision: 'approve' | 'reject'; reason: string; decidedBy: string }): Promise<Approval>;
  /**
   * Called by the workflow when its wait timed out: a still-pending approval becomes `timed_out` and the
   * default outcome applies; one that staff decided in the meantime keeps its decision.
   */
  resolveTimeout(approvalId: string): Promise<{ outcome: 'approved' | 'rejected'; approval: Approval }>;
  listPending(): Promise<Approval[]>;
}

/** The control-panel / registrar side. Commands are idempotent by id; the result comes back later as a callback. */
export interface Provisioner {
  submit(command: {
    id: string;
    action: 'provision' | 'suspend' | 'unsuspend' | 'terminate' | 'delete';
    serviceId: string;
    productKind: string;
    /** The token of the workflow step waiting for the result; the callback resumes it. */
    taskToken: string;
  }): Promise<void>;
}

/** The payment gateway's payout side (refunds). Idempotent by id: a repeated payout returns the first result. */
export interface PaymentGateway {
  payout(input: { id: string; refundId: string; amount: Money; destination: string }): Promise<{ payoutId: string }>;
  /**
   * What the gateway charged on the incoming payment and charges for returning the funds, which
   * secom withholds from a refund (000 Refund policy). A gateway without it charges nothing.
   */
  refundCommissions?(input: { paymentId: string; refundId: string; currency: string }): Promise<{ paymentSystem: Money; return: Money }>;
}

/**
 * Task tokens of workflow steps that wait for an outside event (a payment, a provisioning callback),
 * stored in the backend under a business key such as `invoice#INV-7#payment-wait`. A token never
 * leaves the backend.
 */
export interface TaskTokens {
  /** Stores (or replaces, on a retried step) the token waiting under `key`. */
  put(key: string, taskToken: string, context: { executionName: string; expiresAt: string }): Promise<void>;
  /** The token waiting under `key`, if any. */
  get(key: string): Promise<string | undefined>;
  /** Removes it once the waiting step was resumed, so a second signal finds nothing to resume. */
  delete(key: string): Promise<void>;
}

export interface AppDeps {
  clock: Clock;
  presetName: PresetName;
  policy: Policy;
  repo: Repository;
  mailer: Mailer;
  workflows: Workflows;
  approvals: Approvals;
  tokens: TaskTokens;
  provisioner: Provisioner;
  payments: PaymentGateway;
  /** Used in e-mails: the provider's name and the links customers act on. */
  provider: { name: string; supportEmail: string; billingUrl: string };
}

/** A Lambda handler as the engine and AWS call it; `functions/lambda/<name>.ts` exports one per function. */
export type TaskHandler = (event: unknown, context?: unknown) => Promise<unknown>;
