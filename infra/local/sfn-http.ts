/**
 * The Step Functions API over HTTP, in AWS's JSON 1.0 protocol, so `@aws-sdk/client-sfn` and the AWS
 * CLI work against the local engine unchanged: `POST /` with `X-Amz-Target: AWSStepFunctions.<Operation>`
 * and an `application/x-amz-json-1.0` body. Timestamps travel as epoch seconds; errors as HTTP 400
 * with `{ "__type": <code>, "message": … }`, which both clients turn into the exception AWS names.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/** The operations served, each mapped to the engine method of the same name in camelCase. */
export const SFN_OPERATIONS = [
  'ListStateMachines',
  'DescribeStateMachine',
  'StartExecution',
  'DescribeExecution',
  'StopExecution',
  'ListExecutions',
  'GetExecutionHistory',
  'SendTaskSuccess',
  'SendTaskFailure',
  'SendTaskHeartbeat',
] as const;
export type SfnOperation = (typeof SFN_OPERATIONS)[number];

// Inputs are validated by the engine itself; `never` lets any SDK-shaped method signature fit.
type Method = (input: never) => Promise<unknown>;
export type SfnApi = { [K in SfnOperation as Uncapitalize<K>]: Method };

const MAX_BODY = 1024 * 1024;

function toWire(value: unknown): unknown {
  if (value instanceof Date) return value.getTime() / 1000;
  if (Array.isArray(value)) return value.map(toWire);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = toWire(v);
    return out;
  }
  return value;
}

function send(res: ServerResponse, status: number, body: unknown, errorType?: string): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/x-amz-json-1.0',
    'content-length': Buffer.byteLength(text),
    ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
  });
  res.end(text);
}

function sendError(res: ServerResponse, code: string, message: string, status = 400): void {
  send(res, status, { __type: code, message }, code);
}

async function readBody(req: IncomingMessage): Promise<string | null> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function createSfnRequestListener(api: SfnApi) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== 'POST') return sendError(res, 'UnknownOperationException', 'the Step Functions API accepts only POST', 404);
    const target = String(req.headers['x-amz-target'] ?? '');
    const [service, operation] = target.split('.');
    if (service !== 'AWSStepFunctions' || !operation || !(SFN_OPERATIONS as readonly string[]).includes(operation)) {
      return sendError(res, 'UnknownOperationException', `operation not supported by the local engine: ${target || '(no X-Amz-Target)'}`);
    }
    const raw = await readBody(req);
    if (raw === null) return sendError(res, 'ValidationException', `request body exceeds ${MAX_BODY} bytes`);
    let input: Record<string, unknown>;
    try {
      input = raw.trim() === '' ? {} : (JSON.parse(raw) as Record<string, unknown>);
    } catch {
      return sendError(res, 'SerializationException', 'request body is not valid JSON');
    }
    const method = (operation[0]!.toLowerCase() + operation.slice(1)) as keyof SfnApi;
    try {
      send(res, 200, toWire(await api[method](input as never)));
    } catch (err) {
      const e = err as { name?: string; message?: string; $fault?: string };
      // Engine errors carry the AWS error code as their name; anything else is our own fault, reported as AWS does.
      if (e && typeof e.name === 'string' && e.$fault !== 'server' && e.name !== 'Error' && e.name !== 'TypeError') {
        return sendError(res, e.name, e.message ?? e.name);
      }
      sendError(res, 'InternalFailure', e?.message ?? 'internal error', 500);
    }
  };
}

export async function startSfnHttp(api: SfnApi, opts: { port?: number; host?: string } = {}): Promise<{ url: string; server: Server; stop(): Promise<void> }> {
  const listener = createSfnRequestListener(api);
  const server = createServer((req, res) => void listener(req, res));
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(opts.port ?? 0, host, ok);
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `http://${host}:${port}`,
    server,
    stop: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}
