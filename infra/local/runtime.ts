/**
 * The local runtime: all of hostcycle in one process, on the embedded defaults (ARCHITECTURE.md, "The
 * local runtime"). `npm start` (./start.ts) and the test harness (test/support/runtime.ts) both start
 * it; they differ only in options.
 *
 *   DynamoDB Local (or an existing endpoint)   ensureTable, the repository and the ledgers
 *   the SES emulator                           the mailer's SES client points at it
 *   the local engine on an EngineClock         every Lambda of functions/lambda/manifest.ts registered by name,
 *                                              workflows/*.asl.json loaded with placeholders → names
 *   the engine's Step Functions HTTP endpoint  Workflows uses the ordinary SFNClient against it
 *   the HTTP API                               the same routes as API Gateway, local JWT staff auth
 *   a simulated provisioner and gateway        answering on the engine clock
 *
 * Workflows talk to the engine through the ordinary SFNClient rather than calling LocalStepFunctions
 * directly: the handlers then run exactly the client code they run on AWS, and every local run proves
 * the wire protocol (serialisation, error codes such as TaskTimedOut) that the AWS SDK relies on. Its
 * request handler answers in process (engine and app share it), so no call opens a socket; the HTTP
 * endpoint serves the CLI, the AWS CLI and other processes.
 *
 * With `dataDir`, the engine journals executions there and a restart on the same directory resumes
 * every open execution. The simulators keep their state in memory: a provisioning command that was
 * pending when the process stopped is not answered after the restart (its workflow's timeout applies).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { basename, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESClient } from '@aws-sdk/client-ses';
import { SFNClient } from '@aws-sdk/client-sfn';
import { createActions } from '../../functions/app/actions';
import { createAppDeps, type PlatformDeps } from '../../functions/app/deps';
import { createHttpRoutes } from '../../functions/app/http';
import { WORKFLOW_NAMES, type AppDeps, type PaymentGateway, type Provisioner, type TaskHandler, type WorkflowName } from '../../functions/app/ports';
import { addCalendarDays, startOfLocalDay } from '../../functions/domain/calendar';
import type { Money } from '../../functions/domain/money';
import { getPreset, type PresetName } from '../../functions/domain/policy';
import type { Repository } from '../../functions/data/repository';
import { ensureTable } from '../../functions/data/table';
import { createWebhookLedger } from '../../functions/data/webhook-ledger';
import type { HttpRuntime } from '../../functions/http/define-route';
import { signLocalJwt } from '../../functions/http/local-jwt';
import { STAFF_SCOPE } from '../../functions/http/middlewares/staff-auth';
import type { WebhookEventOf } from '../../functions/http/schemas/webhooks';
import { FUNCTIONS, placeholderSubstitutions, type FunctionDeps } from '../../functions/lambda/manifest';
import { LOCAL_AWS, startDynamoDbLocal, type DynamoDbLocal } from './dynamodb-local';
import { EngineClock, LocalStepFunctions, parseDuration, SfnApiError, type ClockMode } from './engine';
import { startHttpApi } from './http-api';
import { startSesLocal, type SesLocal, type StoredMail } from './ses-local';
import { inProcessSfnHandler, startSfnHttp } from './sfn-http';

/** A local-only webhook secret, printed at start; a storefront pointed at a local runtime signs with it. */
export const LOCAL_WEBHOOK_SECRET = 'whsec_local_hostcycle_0123456789abcdef';

export interface LocalRuntimeOptions {
  preset?: PresetName;
  /** The engine clock, or how to make one: real time by default. */
  clock?: EngineClock | { mode: ClockMode; start?: string };
  /**
   * An existing DynamoDB endpoint and table (the test suite's shared DynamoDB Local), or where to start
   * DynamoDB Local: its data directory (omit for in-memory) and port.
   */
  dynamodb?: { endpoint: string; tableName: string } | { dataDir?: string; port?: number; tableName?: string };
  /** The engine's journal directory; omit for an in-memory engine. */
  engineDataDir?: string;
  /** An SES emulator already running in this process (there can be one per process), or its port. */
  ses?: SesLocal | { port?: number };
  /** 0 or omitted: a free port. */
  ports?: { api?: number; sfn?: number };
  host?: string;
  workflowsDir?: string;
  webhookSecret?: string;
  staffJwtSecret?: string;
  provider?: Partial<AppDeps['provider']>;
  sender?: string;
  provisioner?: { delay?: string; failureRate?: number; random?: () => number };
  /** Runs the daily billing run at each local midnight of the provider (default on). */
  billingRun?: boolean;
  log?: Pick<Console, 'info' | 'warn' | 'error'>;
}

export interface LocalRuntime {
  clock: EngineClock;
  sfn: LocalStepFunctions;
  repo: Repository;
  deps: AppDeps;
  platform: PlatformDeps;
  /** The state machine ARN of each workflow loaded from the workflows directory. */
  stateMachineArns: Partial<Record<WorkflowName, string>>;
  urls: { api: string; sfn: string; ses: string; mail: string };
  webhookSecret: string;
  tableName: string;
  /** The runtime's own DynamoDB client (repository, ledgers, engine), e.g. for a capacity meter. */
  dynamodb: DynamoDBClient;
  provisioner: SimulatedProvisioner;
  payments: SimulatedPaymentGateway;
  /** A staff bearer token for the local API, valid for `hours` of clock time. */
  staffToken(staffId?: string, hours?: number): string;
  /** The e-mails this runtime sent, as the SES emulator stored them, oldest first. */
  mail(): Promise<StoredMail[]>;
  /** Moves the clock and returns once everything it triggered has settled. */
  advance(duration: string | number): Promise<void>;
  stop(): Promise<void>;
}


const DEFAULT_TABLE = 'hostcycle';

/** A port already taken gets one sentence naming it and what wanted it, not a stack trace. */
async function listen<T>(what: string, port: number | undefined, start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new PortInUseError(`Port ${port} is already in use, so the ${what} cannot start there; stop whatever holds it or choose another port.`, { cause: error });
    }
    throw error;
  }
}

export class PortInUseError extends Error {
  override name = 'PortInUseError';
}

/** The workflows a directory defines, by file name, so their ARNs are known before the engine loads them. */
function workflowFiles(dir: string): WorkflowName[] {
  if (!existsSync(dir)) return [];
  const names = readdirSync(dir).filter((f) => f.endsWith('.asl.json')).map((f) => basename(f, '.asl.json'));
  return WORKFLOW_NAMES.filter((w) => names.includes(w));
}

export async function startLocalRuntime(options: LocalRuntimeOptions = {}): Promise<LocalRuntime> {
  const log = options.log ?? console;
  const presetName = options.preset ?? 'hostico';
  const policy = getPreset(presetName);
  const host = options.host ?? '127.0.0.1';
  const clock = options.clock instanceof EngineClock ? options.clock : new EngineClock(options.clock ?? { mode: 'real' });
  const cleanup: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  };

  try {
    // ——— DynamoDB ———
    let dynamoEndpoint: string;
    let tableName: string;
    const ddbOptions = options.dynamodb ?? {};
    if ('endpoint' in ddbOptions) {
      dynamoEndpoint = ddbOptions.endpoint;
      tableName = ddbOptions.tableName;
    } else {
      const ddb: DynamoDbLocal = await startDynamoDbLocal({
        ...(ddbOptions.dataDir === undefined ? {} : { dataDir: ddbOptions.dataDir }),
        ...(ddbOptions.port === undefined ? {} : { port: ddbOptions.port }),
      });
      cleanup.push(() => ddb.stop());
      dynamoEndpoint = ddb.endpoint;
      tableName = ddbOptions.tableName ?? DEFAULT_TABLE;
    }
    const dynamodb = new DynamoDBClient({ endpoint: dynamoEndpoint, ...LOCAL_AWS });
    cleanup.push(async () => dynamodb.destroy());
    await ensureTable(dynamodb, tableName);

    // ——— SES ———
    const sesOption = options.ses ?? {};
    let sesLocal: SesLocal;
    if (isSesLocal(sesOption)) sesLocal = sesOption;
    else {
      const started = await startSesLocal(sesOption.port ? { port: sesOption.port } : {});
      cleanup.push(() => started.stop());
      sesLocal = started;
    }
    const ses = new SESClient({ endpoint: sesLocal.endpoint, ...LOCAL_AWS });
    cleanup.push(async () => ses.destroy());
    // The emulator's store is shared by the process; this runtime's mail is what its client was answered.
    const sentMessageIds = new Set<string>();
    ses.middlewareStack.add(
      (next) => async (args) => {
        const result = await next(args);
        const messageId = (result.output as { MessageId?: string }).MessageId;
        if (messageId !== undefined) sentMessageIds.add(messageId);
        return result;
      },
      { step: 'initialize', name: 'recordSentMessageIds' },
    );

    // ——— Step Functions client, pointed at the engine endpoint started below ———
    const sfnPort = options.ports?.sfn || (await freePortOn(host));
    const sfnUrl = `http://${host}:${sfnPort}`;
    // Answered in this process (the engine shares it): the SDK still writes and parses the JSON 1.0
    // wire format, without a socket per call. The HTTP endpoint below serves the CLI and other clients.
    let engine: LocalStepFunctions | undefined;
    const sfnClient = new SFNClient({
      endpoint: sfnUrl,
      ...LOCAL_AWS,
      requestHandler: inProcessSfnHandler(() => {
        if (engine === undefined) throw new Error('the local engine is not started yet');
        return engine;
      }),
    });
    cleanup.push(async () => sfnClient.destroy());

    const workflowsDir = resolve(options.workflowsDir ?? 'workflows');
    const engineIdentity = { region: LOCAL_AWS.region, accountId: '123456789012' };
    // Known before the engine exists: a resumed execution's step may start another workflow at once.
    const stateMachineArns: Partial<Record<WorkflowName, string>> = Object.fromEntries(
      workflowFiles(workflowsDir).map((w) => [w, `arn:aws:states:${engineIdentity.region}:${engineIdentity.accountId}:stateMachine:${w}`]),
    );

    // ——— the outside world ———
    const work = new PendingWork(log);
    cleanup.push(() => work.whenIdle());
    const detachWork = clock.addIdleSource(work);
    cleanup.push(async () => detachWork());
    let actions: ReturnType<typeof createActions> | undefined;
    const provisioner = createSimulatedProvisioner({
      clock,
      work,
      delay: options.provisioner?.delay ?? '2m',
      failureRate: options.provisioner?.failureRate ?? 0,
      random: options.provisioner?.random ?? Math.random,
      deliver: (event) => {
        if (actions === undefined) throw new Error('the runtime is not started yet');
        return actions.recordProvisioningResult(event);
      },
    });
    const payments = createSimulatedPaymentGateway(clock);

    const platform = createAppDeps({
      clock,
      presetName,
      dynamodb,
      tableName,
      ses,
      sender: options.sender ?? `${policy.provider.displayName} <billing@${presetName}.example>`,
      sfn: sfnClient,
      stateMachineArns,
      provisioner,
      payments,
      provider: {
        name: options.provider?.name ?? policy.provider.displayName,
        supportEmail: options.provider?.supportEmail ?? `support@${presetName}.example`,
        billingUrl: options.provider?.billingUrl ?? `https://${presetName}.example/billing`,
      },
      logger: log,
    });
    actions = createActions(platform.app, platform.mailLog);

    const webhookSecret = options.webhookSecret ?? LOCAL_WEBHOOK_SECRET;
    const staffJwtSecret = options.staffJwtSecret ?? randomBytes(32).toString('hex');
    const http: HttpRuntime = {
      clock,
      webhooks: { secrets: [webhookSecret], ledger: createWebhookLedger({ client: dynamodb, tableName, clock }) },
      staffAuth: { mode: 'local', secret: staffJwtSecret },
    };
    const functionDeps: FunctionDeps = { ...platform, http };

    // ——— the engine ———
    const lambdas = Object.fromEntries(FUNCTIONS.map((f) => [f.name, f.create(functionDeps)]));
    const sfn = new LocalStepFunctions({
      clock,
      lambdas,
      dynamodb,
      ...engineIdentity,
      ...(options.engineDataDir === undefined ? {} : { dataDir: options.engineDataDir }),
    });
    engine = sfn;
    cleanup.push(() => sfn.close());
    const sfnHttp = await listen('Step Functions endpoint', sfnPort, () => startSfnHttp(sfn, { port: sfnPort, host }));
    // Steps still running may call the endpoint (a decision resuming a wait): they finish before it closes.
    cleanup.push(async () => {
      await work.whenIdle();
      await sfn.whenIdle();
      await sfnHttp.stop();
    });
    try {
      Object.assign(stateMachineArns, await sfn.loadWorkflowsDir(workflowsDir, placeholderSubstitutions((f) => f.name)));
    } catch (error) {
      if (error instanceof SfnApiError && error.name === 'StateMachineAlreadyExists') {
        throw new Error(
          `A workflow in ${workflowsDir} changed since the executions in ${options.engineDataDir ?? 'the engine'} were started, and the local engine cannot run two versions of one state machine; finish or delete those executions (remove the engine data directory) and start again.`,
          { cause: error },
        );
      }
      throw error;
    }

    // ——— the HTTP API ———
    const apiPort = options.ports?.api ?? 0;
    const api = await listen('HTTP API', apiPort, () => startHttpApi({ port: apiPort, host, routes: createHttpRoutes(platform, http), clock }));
    cleanup.push(() => api.stop());

    // ——— scheduled functions (the daily billing run), at each local midnight of the provider ———
    if (options.billingRun ?? true) {
      const scheduled = FUNCTIONS.filter((f) => f.trigger === 'schedule').map((f) => lambdas[f.name] as TaskHandler);
      let timer: { cancel(): void } | undefined;
      const scheduleNext = () => {
        const at = Date.parse(addCalendarDays(policy.calendar, startOfLocalDay(policy.calendar, clock.now()), 1));
        timer = clock.schedule(at, () => {
          // The payload EventBridge Scheduler is configured to send on AWS.
          for (const run of scheduled) work.track('billing run', () => run({ time: new Date(at).toISOString() }));
          scheduleNext();
        });
      };
      scheduleNext();
      cleanup.push(async () => timer?.cancel());
    }
    cleanup.push(async () => clock.stop());

    return {
      clock,
      sfn,
      repo: platform.app.repo,
      deps: platform.app,
      platform,
      stateMachineArns,
      urls: { api: api.url, sfn: sfnHttp.url, ses: sesLocal.endpoint, mail: `${sesLocal.endpoint}/` },
      webhookSecret,
      tableName,
      dynamodb,
      provisioner,
      payments,
      staffToken: (staffId = 'staff-local', hours = 12) =>
        signLocalJwt(staffJwtSecret, { sub: staffId, scope: STAFF_SCOPE, exp: Math.floor(clock.nowMs() / 1000) + hours * 3600 }),
      mail: async () => (await sesLocal.readStore()).filter((m) => sentMessageIds.has(m.messageId)),
      advance: (duration) => clock.advance(duration),
      stop: stopAll,
    };
  } catch (error) {
    await stopAll().catch((stopError: unknown) => log.error('stopping after a failed start failed too:', stopError));
    throw error;
  }
}

function isSesLocal(option: SesLocal | { port?: number }): option is SesLocal {
  return 'readStore' in option;
}

function freePortOn(host: string): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, host, () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? ok(addr.port) : fail(new Error('no free port'))));
    });
  });
}

// ——— the simulated outside world ———

/** Work started by a timer that the clock must wait for (it is not the engine's own work). */
export class PendingWork {
  private readonly running = new Set<Promise<unknown>>();

  constructor(private readonly log: Pick<Console, 'error'>) {}

  track(what: string, work: () => Promise<unknown>): void {
    const promise = work()
      .catch((error: unknown) => this.log.error(`${what} failed:`, error))
      .finally(() => this.running.delete(promise));
    this.running.add(promise);
  }

  isIdle(): boolean {
    return this.running.size === 0;
  }

  async whenIdle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }
}

export interface SimulatedProvisionerOptions {
  clock: EngineClock;
  work: PendingWork;
  /** Virtual time from a command to its result, e.g. '2m'. */
  delay: string;
  /** Share of commands that fail, 0…1. */
  failureRate: number;
  random: () => number;
  /** Where results go: the intake action a `provisioning.result` webhook reaches. */
  deliver: (event: WebhookEventOf<'provisioning.result'>) => Promise<unknown>;
}

export interface SimulatedProvisioner extends Provisioner {
  /** Every command received, in order, once per id. */
  readonly commands: Parameters<Provisioner['submit']>[0][];
}

export function createSimulatedProvisioner(o: SimulatedProvisionerOptions): SimulatedProvisioner {
  const delayMs = parseDuration(o.delay);
  const seen = new Set<string>();
  const commands: SimulatedProvisioner['commands'] = [];
  return {
    commands,
    async submit(command) {
      // Idempotent by id, like a real control panel behind an idempotency key.
      if (seen.has(command.id)) return;
      seen.add(command.id);
      commands.push(command);
      const fails = o.random() < o.failureRate;
      o.clock.schedule(o.clock.nowMs() + delayMs, () => {
        const completedAt = o.clock.now().toISOString();
        const common = { commandId: command.id, serviceId: command.serviceId, completedAt };
        const event: WebhookEventOf<'provisioning.result'> = {
          eventId: `provisioning-result.${command.id.replace(/[^A-Za-z0-9._:/-]/g, '.')}`,
          type: 'provisioning.result',
          occurredAt: completedAt,
          data: fails
            ? { ...common, outcome: 'failed', errorCode: 'SIMULATED_FAILURE', message: `simulated ${command.action} failure`, retryable: true }
            : { ...common, outcome: 'succeeded', details: { simulated: 'true', action: command.action } },
        };
        o.work.track(`provisioning result of ${command.id}`, () => o.deliver(event));
      });
    },
  };
}

export interface Payout {
  id: string;
  refundId: string;
  amount: Money;
  destination: string;
  payoutId: string;
  at: string;
}

export interface SimulatedPaymentGateway extends PaymentGateway {
  readonly payouts: Payout[];
}

export function createSimulatedPaymentGateway(clock: EngineClock): SimulatedPaymentGateway {
  const byId = new Map<string, Payout>();
  const payouts: Payout[] = [];
  return {
    payouts,
    async payout(input) {
      const existing = byId.get(input.id);
      if (existing !== undefined) return { payoutId: existing.payoutId };
      const payout: Payout = { ...input, payoutId: `po_${payouts.length + 1}_${input.id}`, at: clock.now().toISOString() };
      byId.set(input.id, payout);
      payouts.push(payout);
      return { payoutId: payout.payoutId };
    },
  };
}
