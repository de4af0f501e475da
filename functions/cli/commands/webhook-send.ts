/**
 * `hostcycle webhook send <event.json> [--url …] [--secret …]`: validates a storefront event with the
 * webhook schema, signs it and posts it to a running hostcycle, so the walkthrough and a storefront
 * developer can try every route by hand (examples in examples/events/).
 *
 * The signature carries a timestamp the receiver compares with its own clock, which in the local
 * runtime may be virtual and far from the machine's. So the event is signed at the receiver's time,
 * read from its public /health route, and at the machine's time only when that is unavailable.
 */
import { parseArgs } from 'node:util';
import { ValidationError } from '../../domain/errors';
import { webhookEventSchema } from '../../http/schemas/webhooks';
import { signWebhook, WEBHOOK_SIGNATURE_HEADER, WEBHOOK_TIMESTAMP_HEADER } from '../../http/webhook-signature';
import { LOCAL_WEBHOOK_SECRET } from '../../../infra/local/runtime';
import { UsageError, type CliIo, type Command } from '../io';
import { readJsonFile } from './simulate';

/**
 * Where `npm start` serves the API: DEFAULT_PORTS.api of infra/local/start.ts, which cannot be imported
 * here because importing that entry point starts the runtime.
 */
export const DEFAULT_URL = 'http://127.0.0.1:3000';
const WEBHOOK_PATH = '/webhooks/storefront';

/** The receiver's clock in unix seconds, or undefined when it does not say. */
async function receiverTime(base: string): Promise<number | undefined> {
  try {
    const res = await fetch(`${base}/health`);
    if (!res.ok) return undefined;
    const time = Date.parse(((await res.json()) as { time?: string }).time ?? '');
    return Number.isNaN(time) ? undefined : Math.floor(time / 1000);
  } catch {
    return undefined;
  }
}

export async function sendWebhook(event: unknown, options: { url: string; secret: string }, io: CliIo): Promise<number> {
  const parsed = webhookEventSchema.safeParse(event);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ValidationError(['event', ...(issue?.path ?? []).map(String)].join('.'), issue?.message ?? 'is invalid');
  }
  // The body is the file's event as written: the receiver parses it with the same schema.
  const rawBody = JSON.stringify(event);
  const base = options.url.replace(/\/+$/, '');
  const serverTime = await receiverTime(base);
  const timestamp = serverTime ?? Math.floor(Date.now() / 1000);
  let res: Response;
  try {
    res = await fetch(`${base}${WEBHOOK_PATH}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [WEBHOOK_TIMESTAMP_HEADER]: String(timestamp),
        [WEBHOOK_SIGNATURE_HEADER]: signWebhook(options.secret, timestamp, rawBody),
      },
      body: rawBody,
    });
  } catch (error) {
    io.err(`hostcycle webhook send: nothing answers at ${base} (${(error as Error & { cause?: { code?: string } }).cause?.code ?? (error as Error).message}); is hostcycle running (npm start)?`);
    return 1;
  }
  const text = await res.text();
  let body = text;
  try {
    body = JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    // Not JSON: printed as it came.
  }
  io.out(`${parsed.data.type} ${parsed.data.eventId} → POST ${base}${WEBHOOK_PATH}, signed at ${new Date(timestamp * 1000).toISOString()} (${serverTime === undefined ? 'this machine\'s clock' : 'the receiver\'s clock'})`);
  io.out(`HTTP ${res.status} ${res.statusText}`);
  if (body !== '') io.out(body);
  if (res.status === 401) io.err('hostcycle webhook send: the receiver refused the signature; check --secret (or HOSTCYCLE_WEBHOOK_SECRET) against the secret it printed at start');
  return res.ok ? 0 : 1;
}

export const webhookSendCommand: Command = {
  summary: 'validate, sign and post a storefront event to a running hostcycle',
  usage: 'hostcycle webhook send <event.json> [--url http://127.0.0.1:3000] [--secret …]',
  run(args, io) {
    const { positionals, values } = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: { url: { type: 'string' }, secret: { type: 'string' } },
    });
    const [sub, path, ...extra] = positionals;
    if (sub !== 'send' || path === undefined || extra.length > 0) throw new UsageError(`usage: ${this.usage}`);
    const url = values.url ?? process.env.HOSTCYCLE_URL ?? DEFAULT_URL;
    try {
      new URL(url);
    } catch {
      throw new UsageError(`--url: "${url}" is not a URL`);
    }
    // The same variable `npm start` reads its secret from, then the local runtime's default.
    const secret = values.secret ?? process.env.HOSTCYCLE_WEBHOOK_SECRET ?? LOCAL_WEBHOOK_SECRET;
    return sendWebhook(readJsonFile(path), { url, secret }, io);
  },
};
