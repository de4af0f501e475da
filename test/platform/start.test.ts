/**
 * `npm start` as a user runs it: the real entry point in a child process, on free ports and a
 * temporary data directory, with a virtual clock. The test waits for the ready line (or the exit),
 * never for a fixed time.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../infra/local/dynamodb-local';

const STARTUP_LIMIT_MS = 90_000;
const children: ChildProcess[] = [];
const dirs: string[] = [];

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

async function npmStart(ports: { api: number; sfn: number; ses: number; dynamodb: number }, extra: string[] = []): Promise<Started> {
  const dir = mkdtempSync(join(tmpdir(), 'hostcycle-start-'));
  dirs.push(dir);
  const args = ['infra/local/start.ts', '--virtual', '--data-dir', dir, ...extra];
  for (const [name, port] of Object.entries(ports)) args.push(`--${name}-port`, String(port));
  const child = spawn(join('node_modules', '.bin', 'tsx'), args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } });
  children.push(child);
  let text = '';
  child.stdout?.on('data', (d: Buffer) => (text += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (text += d.toString()));
  const exited = new Promise<number | null>((ok) => child.once('exit', (code) => ok(code)));
  return { child, output: () => text, exited };
}

/** Resolves when the output contains `marker`; rejects if the process exits first or the limit passes. */
function waitFor(started: Started, marker: string): Promise<void> {
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`no "${marker}" within ${STARTUP_LIMIT_MS} ms:\n${started.output()}`)), STARTUP_LIMIT_MS);
    const check = () => {
      if (!started.output().includes(marker)) return;
      clearTimeout(timer);
      ok();
    };
    started.child.stdout?.on('data', check);
    void started.exited.then((code) => {
      clearTimeout(timer);
      if (started.output().includes(marker)) ok();
      else fail(new Error(`exited with ${code} before "${marker}":\n${started.output()}`));
    });
    check();
  });
}

async function ports() {
  return { api: await freePort(), sfn: await freePort(), ses: await freePort(), dynamodb: await freePort() };
}

describe('npm start', () => {
  it('starts everything, answers on /health and with the printed staff token, and stops cleanly on SIGTERM', { timeout: 180_000 }, async () => {
    const p = await ports();
    const started = await npmStart(p);
    await waitFor(started, 'Press Ctrl-C to stop.');

    const health = await fetch(`http://127.0.0.1:${p.api}/health`);
    expect(health.status).toBe(200);
    const token = /staff token\s+(\S+)/.exec(started.output())?.[1];
    const approvals = await fetch(`http://127.0.0.1:${p.api}/staff/approvals`, { headers: { authorization: `Bearer ${token}` } });
    expect(approvals.status).toBe(200);
    expect(started.output()).toContain(`HTTP API         http://127.0.0.1:${p.api}`);
    expect(started.output()).toMatch(/webhook secret\s+whsec_local_/);

    started.child.kill('SIGTERM');
    expect(await started.exited).toBe(0);
    expect(started.output()).toContain('hostcycle stopped.');
  });

  it('refuses a port in use with one sentence and exit code 1', { timeout: 60_000 }, async () => {
    const p = await ports();
    const blocker: Server = createServer();
    await new Promise<void>((ok) => blocker.listen(p.ses, '127.0.0.1', ok));
    try {
      const started = await npmStart(p);
      expect(await started.exited).toBe(1);
      expect(started.output().trim()).toBe(`Port ${p.ses} (SES emulator) is already in use; stop whatever holds it or pass --ses-port with another port.`);
    } finally {
      await new Promise((ok) => blocker.close(ok));
    }
  });

  it('refuses an unknown preset with one sentence and exit code 1, before starting anything', { timeout: 60_000 }, async () => {
    const started = await npmStart(await ports(), ['--preset', 'acme']);
    expect(await started.exited).toBe(1);
    expect(started.output().trim()).toBe('--preset must be one of hostico, smartape, secom, not "acme".');
  });
});
