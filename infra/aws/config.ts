/**
 * The deployment's configuration, read from CDK context and checked once before any construct is
 * built: a missing or invalid key stops synthesis with a message naming the key, so nothing half-
 * configured ever reaches CloudFormation.
 *
 * Values come from `-c key=value` (always strings) or from a `context` block (JSON values), so list
 * values accept both a JSON array and a comma-separated string.
 */
import type { Node } from 'constructs';
import { z } from 'zod';
import { getPreset, PRESET_NAMES, type Policy } from '../../functions/domain/policy';

const email = z.email('must be an e-mail address');
const httpsUrl = z.url({ protocol: /^https$/, error: 'must be an https URL' });

const httpsOrigin = z
  .string()
  .trim()
  .refine((value) => {
    try {
      const url = new URL(value);
      // An origin is scheme + host (+ port): a path, query or trailing slash never matches a browser's Origin header.
      return url.protocol === 'https:' && url.origin === value;
    } catch {
      return false;
    }
  }, 'must be an https origin such as https://staff.example.com (no path, no trailing slash)');

/** A `-c` value is a string; JSON in it is parsed, and what is not JSON is left for the schema to reject. */
function parseJson(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

const originList = z.preprocess((value) => {
  if (typeof value !== 'string' || value.trim().startsWith('[')) return parseJson(value);
  return value.trim() === '' ? [] : value.split(',').map((part) => part.trim());
}, z.array(httpsOrigin).min(1, 'must name at least one origin'));

const staffIssuer = z.preprocess(parseJson, z.object({ issuer: httpsUrl, audience: z.array(z.string().min(1)).min(1) }).strict());

export const contextSchema = z.object({
  preset: z.enum(PRESET_NAMES as [string, ...string[]], { error: `must be one of ${PRESET_NAMES.join(', ')}` }),
  /** The verified SES sender of every e-mail. */
  senderEmail: email,
  /** Origins of the staff console: CORS of the API and the sign-in redirects. */
  allowedOrigins: originList,
  /** Who receives alarms and bounce/complaint notices. */
  alarmEmail: email,
  /** Named in customer e-mails (functions/app/env.ts). */
  supportEmail: email,
  billingUrl: httpsUrl,
  /** The provider's provisioning bridge and payout endpoints (functions/app/remote-ports.ts). */
  provisionerUrl: httpsUrl,
  paymentGatewayUrl: httpsUrl,
  /**
   * Optional: an external OpenID Connect issuer for staff tokens (`{"issuer": "https://…", "audience": ["…"]}`).
   * Without it the stack creates its own Cognito user pool.
   */
  staffIssuer: staffIssuer.optional(),
});

export const CONTEXT_KEYS = Object.keys(contextSchema.shape) as readonly (keyof typeof contextSchema.shape)[];

export type HostcycleConfig = z.output<typeof contextSchema> & { policy: Policy };

export class ConfigurationError extends Error {
  constructor(
    readonly key: string,
    reason: string,
  ) {
    super(`CDK context "${key}" ${reason} (set it with -c ${key}=… or in the context block of cdk.json)`);
    this.name = 'ConfigurationError';
  }
}

/** Reads every key of `contextSchema` from `node`'s context; throws ConfigurationError naming the first bad key. */
export function readConfig(node: Node): HostcycleConfig {
  const raw: Record<string, unknown> = {};
  for (const key of CONTEXT_KEYS) raw[key] = node.tryGetContext(key);
  const result = contextSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    const key = issue === undefined ? 'context' : issue.path.map(String).join('.');
    const topLevel = issue?.path[0];
    const reason = topLevel !== undefined && raw[String(topLevel)] === undefined ? 'is missing' : `is invalid: ${issue?.message ?? 'unknown reason'}`;
    throw new ConfigurationError(key, reason);
  }
  return { ...result.data, policy: getPreset(result.data.preset) };
}
