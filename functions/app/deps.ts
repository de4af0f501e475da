/**
 * Builds the AppDeps every handler receives from the clients of one process: the same function on AWS
 * (functions/app/env.ts, from the Lambda environment) and locally (infra/local/runtime.ts, from the
 * local emulators and the virtual clock), so the two cannot wire the parts differently.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SESClient } from '@aws-sdk/client-ses';
import type { SFNClient } from '@aws-sdk/client-sfn';
import type { Clock } from '../domain/clock';
import { getPreset, type PresetName } from '../domain/policy';
import { createRepository } from '../data/repository';
import { createSideEffectLedger } from '../data/side-effect-ledger';
import { createTaskTokens } from '../data/task-tokens';
import { createMailer } from '../notifications/mailer';
import { createApprovals } from './approvals';
import type { MailLog } from './actions';
import type { AppDeps, PaymentGateway, Provisioner } from './ports';
import { createWorkflows, type StateMachineArns } from './workflows';

export interface ProcessClients {
  clock: Clock;
  presetName: PresetName;
  dynamodb: DynamoDBClient;
  tableName: string;
  ses: SESClient;
  /** The verified sender of every e-mail. */
  sender: string;
  sfn: SFNClient;
  /** Read at each call, so the local runtime can fill it in once the workflows are loaded. */
  stateMachineArns: Partial<StateMachineArns>;
  provisioner: Provisioner;
  payments: PaymentGateway;
  provider: AppDeps['provider'];
  logger?: Pick<Console, 'warn'>;
}

export interface PlatformDeps {
  app: AppDeps;
  /** The e-mails sent per recipient, for the staff timeline. */
  mailLog: MailLog;
}

export function createAppDeps(c: ProcessClients): PlatformDeps {
  const table = { client: c.dynamodb, tableName: c.tableName };
  const repo = createRepository({ ...table, clock: c.clock });
  const ledger = createSideEffectLedger(table);
  const tokens = createTaskTokens({ ...table, clock: c.clock });
  const workflows = createWorkflows(c.sfn, c.stateMachineArns);
  const mailer = createMailer({ ses: c.ses, from: c.sender, claim: ledger, clock: c.clock, ...(c.logger ? { logger: c.logger } : {}) });
  const approvals = createApprovals({ repo, tokens, workflows, clock: c.clock, ...(c.logger ? { logger: c.logger } : {}) });
  return {
    app: {
      clock: c.clock,
      presetName: c.presetName,
      policy: getPreset(c.presetName),
      repo,
      mailer,
      workflows,
      approvals,
      tokens,
      provisioner: c.provisioner,
      payments: c.payments,
      provider: c.provider,
    },
    mailLog: ledger,
  };
}
