/**
 * The staff console: a page and its JSON API, served by the local runtime (`npm start` prints its
 * URL). The page is hand-written HTML, CSS and browser modules in ./static, served as they are: no
 * build step, no framework, nothing from the network.
 *
 * It has no login: it is a local tool, bound to 127.0.0.1 by default, and the decider is the staff id
 * typed into the page. A web page on another origin must not be able to decide approvals through a
 * staff member's browser, so every POST must be `application/json` (a cross-site form cannot send
 * that without a CORS preflight, which this server never grants) and, when the browser sends an
 * Origin, come from the console's own.
 *
 *   GET  /api/overview                         provider, time zone, mail viewer URL, clock
 *   GET  /api/clock                            { now, mode, speed, nextTimerAt? }
 *   POST /api/clock/advance                    { by: '1d' } | { to: ISO instant }; answers once settled
 *   POST /api/clock/mode                       { mode: 'virtual' | 'real' | 'speed', speed? }
 *   GET  /api/approvals                        pending approvals with their context
 *   POST /api/approvals/:approvalId/decision   { decision, reason, decidedBy } → 200 | 409 when closed
 *   GET  /api/customers?q=                     customers with a workflow or an approval, or by exact id
 *   GET  /api/customers/:customerId            the customer, their timeline and their executions
 *   GET  /api/workflows                        every state machine with its diagram layout
 */
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { NotFoundError } from '../../../functions/domain/errors';
import { ConsoleApiError, createConsoleApi, type ConsoleApi, type ConsoleRuntime } from './api';

export interface ConsoleOptions {
  runtime: ConsoleRuntime;
  /** 0 or omitted: a free port. */
  port?: number;
  host?: string;
  log?: Pick<Console, 'error'>;
}

export interface StaffConsole {
  url: string;
  stop(): Promise<void>;
}

const STATIC_DIR = fileURLToPath(new URL('./static/', import.meta.url));
const STATIC_FILES: Record<string, string> = {
  '/': 'index.html',
  '/assets/console.css': 'console.css',
  '/assets/app.js': 'app.js',
  '/assets/diagram.js': 'diagram.js',
  '/assets/api.js': 'api.js',
};
const CONTENT_TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  css: 'text/css; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
};
const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};
const MAX_BODY_BYTES = 64 * 1024;

type Handler = (request: { params: Record<string, string>; query: Record<string, string>; body: unknown }) => unknown;

interface Route {
  method: 'GET' | 'POST';
  pattern: RegExp;
  params: string[];
  handler: Handler;
}

function route(method: Route['method'], path: string, handler: Handler): Route {
  const params: string[] = [];
  const pattern = new RegExp(`^${path.replace(/:(\w+)/g, (_, name: string) => (params.push(name), '([^/]+)'))}$`);
  return { method, pattern, params, handler };
}

function routes(api: ConsoleApi): Route[] {
  return [
    route('GET', '/api/overview', () => api.overview()),
    route('GET', '/api/clock', () => api.clock()),
    route('POST', '/api/clock/advance', ({ body }) => api.advanceClock(body)),
    route('POST', '/api/clock/mode', ({ body }) => api.setClockMode(body)),
    route('GET', '/api/approvals', () => api.listApprovals()),
    route('POST', '/api/approvals/:approvalId/decision', ({ params, body }) => api.decide(params, body)),
    route('GET', '/api/customers', ({ query }) => api.customers(query)),
    route('GET', '/api/customers/:customerId', ({ params }) => api.customer(params)),
    route('GET', '/api/workflows', () => api.workflows()),
  ];
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...SECURITY_HEADERS });
  res.end(text);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new ConsoleApiError(413, { error: 'PayloadTooLarge', message: `the body must be at most ${MAX_BODY_BYTES} bytes` });
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ConsoleApiError(400, { error: 'ValidationError', message: 'body: is not valid JSON', issues: [{ field: 'body', message: 'is not valid JSON' }] });
  }
}

export async function startConsole(options: ConsoleOptions): Promise<StaffConsole> {
  const api = createConsoleApi(options.runtime);
  const table = routes(api);
  const log = options.log ?? console;
  const host = options.host ?? '127.0.0.1';
  let origin = '';
  let port = 0;
  /** The console's own origin, however the browser names the loopback host. */
  const sameConsole = (sent: string) => {
    const parsed = URL.canParse(sent) ? new URL(sent) : undefined;
    return parsed !== undefined && Number(parsed.port) === port && [host, 'localhost', '127.0.0.1', '[::1]'].includes(parsed.hostname);
  };

  async function handleApi(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const method = req.method ?? 'GET';
    const candidates = table.filter((r) => r.pattern.test(url.pathname));
    const match = candidates.find((r) => r.method === method);
    if (match === undefined) {
      if (candidates.length > 0) return send(res, 405, { error: 'MethodNotAllowed', message: `${method} is not allowed on ${url.pathname}` });
      return send(res, 404, { error: 'NotFound', message: `no API route ${url.pathname}` });
    }
    if (method === 'POST') {
      const sentOrigin = req.headers.origin;
      if (sentOrigin !== undefined && !sameConsole(sentOrigin)) return send(res, 403, { error: 'Forbidden', message: `requests from ${sentOrigin} are not accepted; use the console at ${origin}` });
      if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
        return send(res, 415, { error: 'UnsupportedMediaType', message: 'send the body as application/json' });
      }
    }
    const values = match.pattern.exec(url.pathname)?.slice(1) ?? [];
    const params: Record<string, string> = {};
    for (const [i, name] of match.params.entries()) {
      try {
        params[name] = decodeURIComponent(values[i] ?? '');
      } catch {
        return send(res, 400, { error: 'ValidationError', message: `${name}: is not a valid URL component`, issues: [{ field: name, message: 'is not a valid URL component' }] });
      }
    }
    const body = method === 'POST' ? await readJson(req) : undefined;
    const result = await match.handler({ params, query: Object.fromEntries(url.searchParams), body });
    send(res, 200, result);
  }

  async function handleStatic(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { 'content-type': 'text/plain; charset=utf-8', allow: 'GET, HEAD', ...SECURITY_HEADERS });
      res.end('Method not allowed');
      return;
    }
    const file = STATIC_FILES[url.pathname];
    if (file === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', ...SECURITY_HEADERS });
      res.end('Not found');
      return;
    }
    const content = await readFile(`${STATIC_DIR}${file}`);
    // Read on each request, so an edited page shows on reload; no-cache keeps the browser from holding an old one.
    res.writeHead(200, { 'content-type': CONTENT_TYPES[file.split('.').pop() as string] ?? 'application/octet-stream', 'cache-control': 'no-cache', ...SECURITY_HEADERS });
    res.end(content);
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', origin);
    const work = url.pathname.startsWith('/api/') ? handleApi(req, res, url) : handleStatic(req, res, url);
    work.catch((error: unknown) => {
      if (res.headersSent) return void res.end();
      if (error instanceof ConsoleApiError) return send(res, error.status, error.body);
      if (error instanceof NotFoundError) return send(res, 404, { error: 'NotFound', message: error.message });
      log.error('staff console: request failed:', error);
      send(res, 500, { error: 'InternalError', message: error instanceof Error ? error.message : String(error) });
    });
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 0, host, () => ok());
  });
  port = (server.address() as AddressInfo).port;
  origin = `http://${host}:${port}`;
  return {
    url: `${origin}/`,
    stop: () =>
      new Promise<void>((ok, fail) => {
        server.close((error) => (error ? fail(error) : ok()));
        server.closeAllConnections();
      }),
  };
}
