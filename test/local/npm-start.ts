/**
 * `npm start` as a user runs it, in a child process group of its own (npm → tsx → node → java), on
 * free ports and a data directory the test owns, passed as the HOSTCYCLE_* variables `npm start`
 * reads as its defaults. Waits for lines of output, never for a fixed time; `killAll` ends every group
 * started (call it in afterAll).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from '../../infra/local/dynamodb-local';

/** Generous: a loaded 2-core machine starts DynamoDB Local's JVM slowly. A bound, not a sleep. */
export const STARTUP_LIMIT_MS = 150_000;

export interface Ports {
  api: number;
  console: number;
  sfn: number;
  ses: number;
  dynamodb: number;
}

export async function freePorts(): Promise<Ports> {
  return { api: await freePort(), console: await freePort(), sfn: await freePort(), ses: await freePort(), dynamodb: await freePort() };
}

/** The variables the README's commands and `npm start` honour, for these ports and this data directory. */
export function hostcycleEnv(ports: Ports, dataDir: string): Record<string, string> {
  return {
    HOSTCYCLE_DATA_DIR: dataDir,
    HOSTCYCLE_API_PORT: String(ports.api),
    HOSTCYCLE_CONSOLE_PORT: String(ports.console),
    HOSTCYCLE_SFN_PORT: String(ports.sfn),
    HOSTCYCLE_SES_PORT: String(ports.ses),
    HOSTCYCLE_DYNAMODB_PORT: String(ports.dynamodb),
    HOSTCYCLE_URL: `http://127.0.0.1:${ports.api}`,
    HOSTCYCLE_CONSOLE_URL: `http://127.0.0.1:${ports.console}`,
  };
}

export interface Started {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
  /** Resolves when the output contains `marker` (after `from` characters); rejects on exit or after the limit. */
  waitFor(marker: string, from?: number, limitMs?: number): Promise<void>;
  /** A signal to the whole process group, as a terminal's Ctrl-C (SIGINT) or a crash (SIGKILL of every process). */
  signal(signal: NodeJS.Signals): void;
  /** Resolves once no process of the group is left (DynamoDB Local included). */
  groupGone(limitMs?: number): Promise<void>;
}

const groups: Started[] = [];

/** Runs a shell command line (the README's own) with the test's variables, in a new process group. */
export function startShell(commandLine: string, env: Record<string, string>): Started {
  const child = spawn('bash', ['-c', commandLine], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  let text = '';
  child.stdout?.on('data', (d: Buffer) => (text += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (text += d.toString()));
  const exited = new Promise<number | null>((ok) => child.once('exit', (code) => ok(code)));
  const pgid = child.pid as number;
  const groupAlive = () => {
    try {
      process.kill(-pgid, 0);
      return true;
    } catch {
      return false;
    }
  };
  const started: Started = {
    child,
    output: () => text,
    exited,
    waitFor: (marker, from = 0, limitMs = STARTUP_LIMIT_MS) =>
      new Promise((ok, fail) => {
        const seen = () => text.indexOf(marker, from) >= 0;
        const timer = setTimeout(() => fail(new Error(`no "${marker}" within ${limitMs} ms:\n${text}`)), limitMs);
        const check = () => {
          if (!seen()) return;
          clearTimeout(timer);
          ok();
        };
        child.stdout?.on('data', check);
        void exited.then((code) => {
          clearTimeout(timer);
          if (seen()) ok();
          else fail(new Error(`exited with ${code} before "${marker}":\n${text}`));
        });
        check();
      }),
    signal: (signal) => {
      if (groupAlive()) process.kill(-pgid, signal);
    },
    groupGone: async (limitMs = 60_000) => {
      const deadline = Date.now() + limitMs;
      while (groupAlive()) {
        if (Date.now() > deadline) throw new Error(`process group ${pgid} still running after ${limitMs} ms`);
        // Polling the kernel for a group that is going away: a bounded wait for an outside process.
        await new Promise((r) => setTimeout(r, 100));
      }
    },
  };
  groups.push(started);
  return started;
}

export async function killAll(): Promise<void> {
  for (const g of groups.splice(0)) {
    g.signal('SIGKILL');
    await g.groupGone().catch(() => undefined);
  }
}

/** The staff token a start printed last. */
export function printedToken(output: string): string {
  const all = [...output.matchAll(/staff token\s+(\S+)/g)];
  const token = all.at(-1)?.[1];
  if (token === undefined) throw new Error(`no staff token in:\n${output}`);
  return token;
}

/** JSON over HTTP; throws with the body on an unexpected status. */
export async function http<T>(url: string, init: RequestInit = {}, expected = 200): Promise<T> {
  const res = await fetch(url, init);
  const text = await res.text();
  if (res.status !== expected) throw new Error(`${init.method ?? 'GET'} ${url}: ${res.status} ${text}`);
  return JSON.parse(text) as T;
}

export function postJson<T>(url: string, body: unknown, headers: Record<string, string> = {}, expected = 200): Promise<T> {
  return http<T>(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) }, expected);
}

/**
 * Starts `commandLine` on free ports and waits until it is ready. A free port is only free when it was
 * probed: another test on this machine can take it before the child binds it, and `npm start` then
 * exits saying the port is in use. That case alone is retried, on new ports; any other failure is not.
 */
export async function startOnFreePorts(commandLine: string, dataDir: string, attempts = 3): Promise<{ server: Started; ports: Ports; env: Record<string, string> }> {
  for (let attempt = 1; ; attempt++) {
    const ports = await freePorts();
    const env = hostcycleEnv(ports, dataDir);
    const server = startShell(commandLine, env);
    try {
      await server.waitFor('Press Ctrl-C to stop.');
      return { server, ports, env };
    } catch (error) {
      if (attempt >= attempts || !/is already in use/.test(server.output())) throw error;
    }
  }
}
