/**
 * Every Lambda function of hostcycle, listed once. The CDK reads it to create each function from its
 * entry file with the grants its `needs` name, and to substitute `${placeholder}` in workflows/*.asl.json
 * with the function's ARN; the local runtime registers each `create` under `name` in the local engine
 * and substitutes the same placeholders with the names.
 */
import type { HttpRuntime } from '../http/define-route';
import { createApprovalsHandler } from '../app/approvals-handler';
import type { PlatformDeps } from '../app/deps';
import { createHttpApiHandler, createHttpRoutes } from '../app/http';
import type { TaskHandler } from '../app/ports';
import { createBillingRunHandler } from '../lifecycles/invoice-dunning/billing-run';
import { createInvoiceDunningHandler } from '../lifecycles/invoice-dunning/handler';
import { createOrderActivationHandler } from '../lifecycles/order-activation/handler';
import { createRefundHandler } from '../lifecycles/refund/handler';
import { createWithdrawalHandler } from '../lifecycles/withdrawal/handler';

/**
 * What a function touches, for its IAM grants and environment: the table (read/write), SES (send as
 * the sender), Step Functions (start/describe executions, send task results), the webhook secret.
 */
export type FunctionNeed = 'table' | 'ses' | 'sfn' | 'webhookSecret';

export interface FunctionDeps extends PlatformDeps {
  http: HttpRuntime;
}

export interface FunctionSpec {
  name: string;
  /** The `${…}` placeholder workflows use for this function; absent for functions no workflow calls. */
  placeholder?: string;
  /** The thin entry file, relative to the repository root; it exports `handler`. */
  entry: string;
  needs: readonly FunctionNeed[];
  /** `trigger: 'schedule'` runs daily (EventBridge Scheduler on AWS, the clock locally). */
  trigger?: 'schedule' | 'http';
  create(deps: FunctionDeps): TaskHandler;
}

const lifecycle = ['table', 'ses', 'sfn'] as const;

export const FUNCTIONS: readonly FunctionSpec[] = [
  {
    name: 'hostcycle-order-activation-steps',
    placeholder: 'OrderActivationStepsFunction',
    entry: 'functions/lambda/order-activation-steps.ts',
    needs: lifecycle,
    create: (deps) => createOrderActivationHandler(deps.app),
  },
  {
    name: 'hostcycle-invoice-dunning-steps',
    placeholder: 'InvoiceDunningStepsFunction',
    entry: 'functions/lambda/invoice-dunning-steps.ts',
    needs: lifecycle,
    create: (deps) => createInvoiceDunningHandler(deps.app),
  },
  {
    name: 'hostcycle-refund-steps',
    placeholder: 'RefundStepsFunction',
    entry: 'functions/lambda/refund-steps.ts',
    needs: lifecycle,
    create: (deps) => createRefundHandler(deps.app),
  },
  {
    name: 'hostcycle-withdrawal-steps',
    placeholder: 'WithdrawalStepsFunction',
    entry: 'functions/lambda/withdrawal-steps.ts',
    needs: lifecycle,
    create: (deps) => createWithdrawalHandler(deps.app),
  },
  {
    name: 'hostcycle-approvals',
    placeholder: 'ApprovalsFunction',
    entry: 'functions/lambda/approvals.ts',
    needs: ['table', 'sfn'],
    create: (deps) => createApprovalsHandler(deps.app),
  },
  {
    name: 'hostcycle-billing-run',
    entry: 'functions/lambda/billing-run.ts',
    needs: lifecycle,
    trigger: 'schedule',
    create: (deps) => createBillingRunHandler(deps.app),
  },
  {
    name: 'hostcycle-http-api',
    entry: 'functions/lambda/http-api.ts',
    needs: ['table', 'ses', 'sfn', 'webhookSecret'],
    trigger: 'http',
    create: (deps) => {
      const handler = createHttpApiHandler(createHttpRoutes(deps, deps.http));
      return (event, context) => handler(event as Parameters<typeof handler>[0], context);
    },
  },
];

/** `{ OrderActivationStepsFunction: <value of the function> }` for every function a workflow calls. */
export function placeholderSubstitutions(valueOf: (spec: FunctionSpec) => string): Record<string, string> {
  return Object.fromEntries(FUNCTIONS.flatMap((f) => (f.placeholder === undefined ? [] : [[f.placeholder, valueOf(f)]])));
}
