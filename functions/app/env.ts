/**
 * The Lambda configuration, read and checked once when the function loads (STYLE.md: a missing
 * variable fails the cold start naming it, never the first request). One module-level client per
 * AWS service.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESClient } from '@aws-sdk/client-ses';
import { SFNClient } from '@aws-sdk/client-sfn';
import { z } from 'zod';
import { systemClock } from '../domain/clock';
import { isPresetName, PRESET_NAMES, type PresetName } from '../domain/policy';
import type { HttpRuntime } from '../http/define-route';
import { createWebhookLedger } from '../data/webhook-ledger';
import { createAppDeps, type PlatformDeps } from './deps';
import { ConfigurationError } from './errors';
import { WORKFLOW_NAMES } from './ports';
import { createHttpPaymentGateway, createHttpProvisioner } from './remote-ports';

type Env = Readonly<Record<string, string | undefined>>;

// One client per service for the whole process; creating one opens no connection.
const clients = { dynamodb: new DynamoDBClient({}), ses: new SESClient({}), sfn: new SFNClient({}) };

function required(env: Env, name: string): string {
  const value = env[name]?.trim();
  if (!value) throw new ConfigurationError(`environment variable ${name} is required but not set`);
  return value;
}

function parsed<T>(env: Env, name: string, schema: z.ZodType<T>, hint: string): T {
  const raw = required(env, name);
  let json: unknown = raw;
  if (raw.startsWith('{') || raw.startsWith('[')) {
    try {
      json = JSON.parse(raw);
    } catch (error) {
      throw new ConfigurationError(`environment variable ${name} is not valid JSON (${hint})`, { cause: error });
    }
  }
  const result = schema.safeParse(json);
  if (!result.success) throw new ConfigurationError(`environment variable ${name} is invalid: ${result.error.issues[0]?.message ?? 'bad value'} (${hint})`);
  return result.data;
}

const stateMachineArnsSchema = z.partialRecord(z.enum(WORKFLOW_NAMES), z.string().regex(/^arn:aws[a-z-]*:states:/, 'must be state machine ARNs'));

export interface LambdaConfig {
  tableName: string;
  presetName: PresetName;
  sender: string;
  stateMachineArns: z.output<typeof stateMachineArnsSchema>;
  provider: { name: string; supportEmail: string; billingUrl: string };
  provisionerUrl: string;
  paymentGatewayUrl: string;
}

export function readConfig(env: Env = process.env): LambdaConfig {
  const preset = required(env, 'POLICY_PRESET');
  if (!isPresetName(preset)) throw new ConfigurationError(`environment variable POLICY_PRESET must be one of ${PRESET_NAMES.join(', ')}, not "${preset}"`);
  return {
    tableName: required(env, 'TABLE_NAME'),
    presetName: preset,
    sender: parsed(env, 'SENDER_EMAIL', z.string().min(3), 'a verified SES sender such as "Hostico <billing@hostico.example>"'),
    stateMachineArns: parsed(env, 'STATE_MACHINE_ARNS', stateMachineArnsSchema, 'a JSON object of workflow name to state machine ARN'),
    provider: {
      name: required(env, 'PROVIDER_NAME'),
      supportEmail: parsed(env, 'SUPPORT_EMAIL', z.email(), 'an e-mail address'),
      billingUrl: parsed(env, 'BILLING_URL', z.url(), 'an https URL'),
    },
    provisionerUrl: parsed(env, 'PROVISIONER_URL', z.url(), 'the provisioning bridge endpoint'),
    paymentGatewayUrl: parsed(env, 'PAYMENT_GATEWAY_URL', z.url(), 'the payout endpoint'),
  };
}

/** AppDeps from the Lambda environment; call once at module load. */
export function depsFromEnv(env: Env = process.env): PlatformDeps {
  const config = readConfig(env);
  return createAppDeps({
    clock: systemClock,
    presetName: config.presetName,
    dynamodb: clients.dynamodb,
    tableName: config.tableName,
    ses: clients.ses,
    sender: config.sender,
    sfn: clients.sfn,
    stateMachineArns: config.stateMachineArns,
    provisioner: createHttpProvisioner(config.provisionerUrl),
    payments: createHttpPaymentGateway(config.paymentGatewayUrl),
    provider: config.provider,
  });
}

const webhookSecretSchema = z.union([
  z.string().min(32),
  z.object({ current: z.string().min(32), next: z.string().min(32).optional() }),
]);

/**
 * The webhook secrets from Secrets Manager, through the AWS Parameters and Secrets Lambda Extension
 * (a localhost endpoint the layer serves), so no secret sits in the environment. The secret holds the
 * active secret, or `{ "current": …, "next": … }` while rotating.
 */
async function webhookSecretsFromExtension(secretArn: string, env: Env): Promise<HttpRuntime['webhooks']['secrets']> {
  const port = env.PARAMETERS_SECRETS_EXTENSION_HTTP_PORT ?? '2773';
  const res = await fetch(`http://localhost:${port}/secretsmanager/get?secretId=${encodeURIComponent(secretArn)}`, {
    headers: { 'X-Aws-Parameters-Secrets-Token': required(env, 'AWS_SESSION_TOKEN') },
  });
  if (!res.ok) throw new ConfigurationError(`reading the webhook secret ${secretArn} failed with ${res.status}`);
  const { SecretString } = (await res.json()) as { SecretString?: string };
  const value = webhookSecretSchema.safeParse(SecretString?.trim().startsWith('{') ? JSON.parse(SecretString) : SecretString);
  if (!value.success) throw new ConfigurationError(`the webhook secret ${secretArn} must hold a secret of at least 32 characters, or { "current", "next" }`);
  const v = value.data;
  return typeof v === 'string' ? [v] : v.next === undefined ? [v.current] : [v.current, v.next];
}

/** The HTTP runtime on AWS: staff tokens are verified by API Gateway's JWT authorizer before the Lambda runs. */
export async function httpRuntimeFromEnv(deps: PlatformDeps, env: Env = process.env): Promise<HttpRuntime> {
  const secretArn = required(env, 'WEBHOOK_SECRET_ARN');
  const tableName = required(env, 'TABLE_NAME');
  return {
    clock: deps.app.clock,
    webhooks: {
      secrets: await webhookSecretsFromExtension(secretArn, env),
      ledger: createWebhookLedger({ client: clients.dynamodb, tableName, clock: deps.app.clock }),
    },
    staffAuth: { mode: 'api-gateway' },
  };
}
