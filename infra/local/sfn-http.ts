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

/** One answer of the API: what goes on the wire, whether over a socket or in process. */
export interface SfnAnswer {
  status: number;
  body: string;
  errorType?: string;
}

function answer(status: number, body: unknown, errorType?: string): SfnAnswer {
  return { status, body: JSON.stringify(body), ...(errorType ? { errorType } : {}) };
}

function failure(code: string, message: string, status = 400): SfnAnswer {
  return answer(status, { __type: code, message }, code);
}

/** Serves one POST of the JSON 1.0 protocol: its `X-Amz-Target` and raw body → the answer. */
export async function answerSfnRequest(api: SfnApi, target: string, raw: string): Promise<SfnAnswer> {
  const [service, operation] = target.split('.');
  if (service !== 'AWSStepFunctions' || !operation || !(SFN_OPERATIONS as readonly string[]).includes(operation)) {
    return failure('UnknownOperationException', `operation not supported by the local engine: ${target || '(no X-Amz-Target)'}`);
  }
  let input: Record<string, unknown>;
  try {
    input = raw.trim() === '' ? {} : (JSON.parse(raw) as Record<string, unknown>);
  } catch {
    return failure('SerializationException', 'request body is not valid JSON');
  }
  const method = (operation[0]!.toLowerCase() + operation.slice(1)) as keyof SfnApi;
  try {
    return answer(200, toWire(await api[method](input as never)));
  } catch (err) {
    const e = err as { name?: string; message?: string; $fault?: string };
    // Engine errors carry the AWS error code as their name; anything else is our own fault, reported as AWS does.
    if (e && typeof e.name === 'string' && e.$fault !== 'server' && e.name !== 'Error' && e.name !== 'TypeError') {
      return failure(e.name, e.message ?? e.name);
    }
    return failure('InternalFailure', e?.message ?? 'internal error', 500);
  }
}

/** The headers an answer travels with. */
export function sfnAnswerHeaders(a: SfnAnswer): Record<string, string> {
  return {
    'content-type': 'application/x-amz-json-1.0',
    'content-length': String(Buffer.byteLength(a.body)),
    ...(a.errorType ? { 'x-amzn-errortype': a.errorType } : {}),
  };
}

function send(res: ServerResponse, a: SfnAnswer): void {
  res.writeHead(a.status, sfnAnswerHeaders(a));
  res.end(a.body);
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
    if (req.method !== 'POST') return send(res, failure('UnknownOperationException', 'the Step Functions API accepts only POST', 404));
    const raw = await readBody(req);
    if (raw === null) return send(res, failure('ValidationException', `request body exceeds ${MAX_BODY} bytes`));
    send(res, await answerSfnRequest(api, String(req.headers['x-amz-target'] ?? ''), raw));
  };
}

/**
 * An SDK request handler that answers in this process, for an SFNClient living next to the engine: the
 * client still serialises the request and parses the answer (the wire protocol is the same bytes), but
 * no socket is opened. `api` is read at each call, so the client can exist before the engine does.
 */
// Decodes the SDK's body without touching the string methods it wraps (which log a deprecation warning).
const utf8 = new TextDecoder();

export function inProcessSfnHandler(api: () => SfnApi) {
  return {
    async handle(request: { method: string; headers: Record<string, string>; body?: unknown }): Promise<{ response: { statusCode: number; headers: Record<string, string>; body: Uint8Array } }> {
      const target = Object.entries(request.headers).find(([k]) => k.toLowerCase() === 'x-amz-target')?.[1] ?? '';
      const body = request.body;
      const raw = body === undefined || body === null ? '' : typeof body === 'string' ? body : utf8.decode(body as Uint8Array);
      const a: SfnAnswer =
        request.method !== 'POST'
          ? failure('UnknownOperationException', 'the Step Functions API accepts only POST', 404)
          : Buffer.byteLength(raw) > MAX_BODY
            ? failure('ValidationException', `request body exceeds ${MAX_BODY} bytes`)
            : await answerSfnRequest(api(), target, raw);
      return { response: { statusCode: a.status, headers: sfnAnswerHeaders(a), body: Buffer.from(a.body) } };
    },
    updateHttpClientConfig(): void {},
    httpHandlerConfigs: () => ({}),
    destroy(): void {},
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
