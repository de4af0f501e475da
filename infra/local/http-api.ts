/**
 * The local HTTP API: what API Gateway (HTTP API, payload format 2.0) does in front of the Lambda
 * handlers, on localhost. Each request becomes the same event API Gateway would build and is passed to
 * the same handler a Lambda would run, so a route behaves identically here and on AWS.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { systemClock, type Clock } from '../../functions/domain/clock';
import type { HttpApiEvent, HttpApiResult } from '../../functions/http/api-gateway';
import type { Route } from '../../functions/http/define-route';
import { renderOpenApiJson } from '../../functions/http/openapi';

export interface HttpApiOptions {
  /** 0 picks a free port. */
  port: number;
  routes: readonly Route[];
  host?: string;
  /** Requests with a larger body get 413 before any handler runs. */
  maxBodyBytes?: number;
  /** Stamps `requestContext.time`; the virtual clock in simulations. */
  clock?: Clock;
}

export interface RunningHttpApi {
  url: string;
  stop(): Promise<void>;
}

/** API Gateway passes these bodies as text; anything else arrives base64-encoded. */
const TEXT_MEDIA_TYPE = /^(?:text\/|application\/(?:[\w.+-]+\+)?(?:json|xml)|application\/x-www-form-urlencoded)/i;

interface CompiledRoute {
  route: Route;
  pattern: RegExp;
  names: string[];
}

function compile(route: Route): CompiledRoute {
  const names: string[] = [];
  const source = route.spec.path
    .split('/')
    .map((segment) => {
      const match = /^\{(\w+)\}$/.exec(segment);
      if (match?.[1] === undefined) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(match[1]);
      return '([^/]+)';
    })
    .join('/');
  return { route, pattern: new RegExp(`^${source}$`), names };
}

class BodyTooLargeError extends Error {}
class MalformedPathError extends Error {}

function decodeSegment(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch (error) {
    throw new MalformedPathError(`malformed path segment: ${value}`, { cause: error });
  }
}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new BodyTooLargeError(`body exceeds ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** API Gateway's access-log time format: `22/Nov/2026:03:25:47 +0000`. */
function gatewayTime(at: Date): string {
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(at.getUTCDate())}/${months[at.getUTCMonth()]}/${at.getUTCFullYear()}:${pad(at.getUTCHours())}:${pad(at.getUTCMinutes())}:${pad(at.getUTCSeconds())} +0000`;
}

function headersOf(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || name === 'cookie') continue;
    headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  return headers;
}

function queryOf(search: URLSearchParams): Record<string, string> | undefined {
  const query: Record<string, string> = {};
  for (const key of new Set(search.keys())) query[key] = search.getAll(key).join(',');
  return Object.keys(query).length === 0 ? undefined : query;
}

function buildEvent(
  req: IncomingMessage,
  url: URL,
  compiled: CompiledRoute,
  values: string[],
  body: Buffer,
  requestId: string,
  now: Date,
): HttpApiEvent {
  const method = req.method ?? 'GET';
  const routeKey = `${compiled.route.spec.method} ${compiled.route.spec.path}`;
  const headers = headersOf(req);
  const cookieHeader = req.headers.cookie;
  const pathParameters = Object.fromEntries(compiled.names.map((name, i) => [name, decodeSegment(values[i] ?? '')]));
  const isText = TEXT_MEDIA_TYPE.test(headers['content-type'] ?? '');
  return {
    version: '2.0',
    routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    ...(cookieHeader === undefined ? {} : { cookies: cookieHeader.split(';').map((c) => c.trim()) }),
    headers,
    ...(url.search === '' ? {} : { queryStringParameters: queryOf(url.searchParams) }),
    ...(compiled.names.length === 0 ? {} : { pathParameters }),
    ...(body.length === 0 ? {} : { body: isText ? body.toString('utf8') : body.toString('base64') }),
    isBase64Encoded: body.length > 0 && !isText,
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: (headers.host ?? 'localhost').split('.')[0] ?? 'localhost',
      requestId,
      routeKey,
      stage: '$default',
      time: gatewayTime(now),
      timeEpoch: now.getTime(),
      http: {
        method,
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
    },
  };
}

function send(res: ServerResponse, result: HttpApiResult, requestId: string): void {
  const body = result.body === undefined ? undefined : Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8');
  res.writeHead(result.statusCode, { ...result.headers, 'apigw-requestid': requestId });
  res.end(body);
}

function sendJson(res: ServerResponse, statusCode: number, body: unknown, requestId: string, headers: Record<string, string> = {}): void {
  send(res, { statusCode, headers: { 'content-type': 'application/json; charset=utf-8', ...headers }, body: JSON.stringify(body) }, requestId);
}

export async function startHttpApi(options: HttpApiOptions): Promise<RunningHttpApi> {
  const clock = options.clock ?? systemClock;
  const limit = options.maxBodyBytes ?? 1024 * 1024;
  const compiled = options.routes.map(compile);
  const openApiJson = renderOpenApiJson(options.routes.map((r) => r.spec));

  const server = createServer(async (req, res) => {
    const requestId = randomUUID();
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const method = req.method ?? 'GET';
      if (url.pathname === '/openapi.json' && (method === 'GET' || method === 'HEAD')) {
        send(res, { statusCode: 200, headers: { 'content-type': 'application/json; charset=utf-8' }, body: openApiJson }, requestId);
        return;
      }
      const candidates = compiled
        .map((c) => ({ c, match: c.pattern.exec(url.pathname) }))
        .filter((m): m is { c: CompiledRoute; match: RegExpExecArray } => m.match !== null);
      if (candidates.length === 0) {
        sendJson(res, 404, { message: 'Not Found' }, requestId);
        return;
      }
      const chosen = candidates.find(({ c }) => c.route.spec.method === method);
      if (chosen === undefined) {
        const allow = candidates.map(({ c }) => c.route.spec.method).join(', ');
        sendJson(res, 405, { message: 'Method Not Allowed' }, requestId, { allow });
        return;
      }
      const body = await readBody(req, limit);
      const event = buildEvent(req, url, chosen.c, chosen.match.slice(1), body, requestId, clock.now());
      send(res, await chosen.c.route.handler(event, { awsRequestId: requestId, functionName: 'local' }), requestId);
    } catch (error) {
      if (error instanceof MalformedPathError) {
        sendJson(res, 400, { message: 'Bad Request' }, requestId);
        return;
      }
      if (error instanceof BodyTooLargeError) {
        sendJson(res, 413, { message: 'Request Entity Too Large' }, requestId, { connection: 'close' });
        return;
      }
      // What API Gateway answers when the Lambda itself fails; the error is not hidden from the operator.
      console.error(JSON.stringify({ level: 'error', requestId, error: String(error), stack: (error as Error).stack }));
      if (!res.headersSent) sendJson(res, 500, { message: 'Internal Server Error' }, requestId);
      else res.destroy();
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
