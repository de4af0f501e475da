/**
 * Runs the SES emulator (`aws-ses-v2-local`) inside this process and reads back what was "sent".
 * Handlers talk to it with the ordinary `@aws-sdk/client-ses` client and `endpoint` set to ours.
 *
 * What the emulator keeps (read from its source, dist/store.js and dist/v1/*.js): one list of e-mails
 * per process, held in a module-level variable. V1 `SendEmail` stores from, to/cc/bcc, reply-to,
 * subject and both bodies as given; it accepts `Tags` but does not keep them, and no path keeps
 * custom headers. So a test identifies a notification by the body's reference line or by the SES
 * MessageId the ledger recorded, never by a tag or header.
 */
import { createRequire } from 'node:module';
import { createServer as createNetServer } from 'node:net';
import type { Server } from 'node:http';
import { z } from 'zod';
import { freePort } from './dynamodb-local';

// The package is CommonJS with `exports.default`; under Node's ESM loader `import x from` yields the
// whole `exports` object, under a bundler the function. `require` gives one answer everywhere.
const startEmulator = (createRequire(import.meta.url)('aws-ses-v2-local') as typeof import('aws-ses-v2-local')).default;

const HOST = '127.0.0.1';

const storedMailSchema = z.object({
  messageId: z.string(),
  from: z.string(),
  replyTo: z.array(z.string()),
  destination: z.object({ to: z.array(z.string()), cc: z.array(z.string()), bcc: z.array(z.string()) }),
  subject: z.string(),
  body: z.object({ text: z.string().optional(), html: z.string().optional() }),
  attachments: z.array(z.object({ content: z.string(), contentType: z.string(), filename: z.string().optional(), size: z.number() })),
  headers: z.array(z.object({ name: z.string(), value: z.string() })).optional(),
  /** Unix time in whole seconds, from the emulator's own clock (not the injected one). */
  at: z.number(),
});
export type StoredMail = z.infer<typeof storedMailSchema>;

const storeResponseSchema = z.object({ emails: z.array(storedMailSchema) });

export interface SesLocal {
  endpoint: string;
  port: number;
  /** Every e-mail accepted since the start or the last `clearStore()`, oldest first. */
  readStore(): Promise<StoredMail[]>;
  clearStore(): Promise<void>;
  /** Empties the store, then closes the server. */
  stop(): Promise<void>;
}

export class PortInUseError extends Error {
  override name = 'PortInUseError';
}

// The emulator's store is one module-level list per process: a second instance would share it and
// each would read the other's mail, so one process runs one emulator.
let running = false;

export async function startSesLocal(opts: { port?: number } = {}): Promise<SesLocal> {
  if (running) throw new Error('The SES emulator is already running in this process; its mail store is per process, so use that instance.');
  const port = opts.port ?? (await freePort());
  const server = await startEmulator({ host: HOST, port });
  // Express 5 hands a listen error to the callback, which the emulator ignores and resolves anyway.
  if (!server.listening) throw await listenFailure(port);
  running = true;
  const endpoint = `http://${HOST}:${port}`;
  try {
    await expectOk(fetch(`${endpoint}/health-check`), 'health check');
  } catch (err) {
    await close(server);
    running = false;
    throw err;
  }
  const clearStore = async () => {
    await expectOk(fetch(`${endpoint}/clear-store`, { method: 'POST' }), 'POST /clear-store');
  };
  return {
    endpoint,
    port,
    async readStore() {
      const res = await expectOk(fetch(`${endpoint}/store`), 'GET /store');
      return storeResponseSchema.parse(await res.json()).emails;
    },
    clearStore,
    async stop() {
      // The store outlives the server (it is the package's module state): without this, a process that
      // runs many simulations keeps every e-mail of every one (8,326 at 300 services for a year, 38 MiB
      // of heap), and an emulator started again in the process would show the last one's mail.
      try {
        await clearStore();
      } finally {
        await close(server);
        running = false;
      }
    },
  };
}

async function expectOk(request: Promise<Response>, what: string): Promise<Response> {
  const res = await request;
  if (!res.ok) throw new Error(`SES emulator ${what} answered ${res.status}: ${await res.text()}`);
  return res;
}

/** The emulator swallowed the listen error; binding the port ourselves tells us which it was. */
async function listenFailure(port: number): Promise<Error> {
  const code = await new Promise<string | undefined>((ok) => {
    const probe = createNetServer();
    probe.once('error', (e: NodeJS.ErrnoException) => ok(e.code));
    probe.listen(port, HOST, () => probe.close(() => ok(undefined)));
  });
  if (code === 'EADDRINUSE') {
    return new PortInUseError(`Port ${port} on ${HOST} is already in use, so the SES emulator cannot start there; stop whatever holds it or leave the port unset to get a free one.`);
  }
  return new Error(`The SES emulator could not listen on ${HOST}:${port}${code ? ` (${code})` : ''}.`);
}

function close(server: Server): Promise<void> {
  return new Promise((ok, fail) => {
    server.close((err) => (err ? fail(err) : ok()));
    // The SDK keeps connections alive; without this, close() waits for them to time out.
    server.closeAllConnections();
  });
}
