/**
 * The README's walkthrough ("Running it locally"), run exactly as printed: the block after
 * `<!-- walkthrough:start -->` starts hostcycle, and each command of the block after
 * `<!-- walkthrough:commands -->` runs in bash, in order, from the repository root. The only edit is
 * the one the README asks of its reader: `<staff token>` becomes the token `npm start` printed. Ports
 * and the data directory are the test's own, through the HOSTCYCLE_* variables the commands honour by
 * default, so the commands stay copy-pasteable and never meet a user's runtime.
 *
 * Between two commands the test waits until the runtime has settled (the console answers an advance of
 * 0s once everything triggered has run), as a reader does who reads an answer before typing the next
 * line; it never sleeps. Then it checks what the README promises: each command's answer, the five
 * e-mails in the mail viewer, the console's timeline, and a clean Ctrl-C.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { http, killAll, postJson, printedToken, startOnFreePorts } from './npm-start';

const dirs: string[] = [];
afterAll(async () => {
  await killAll();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** The shell lines of the fenced block after a marker, continuation lines joined. */
function walkthroughBlock(readme: string, marker: string): string[] {
  const at = readme.indexOf(`<!-- walkthrough:${marker} -->`);
  if (at < 0) throw new Error(`README.md has no <!-- walkthrough:${marker} --> marker`);
  const block = /```sh\n([\s\S]*?)```/.exec(readme.slice(at));
  if (block === null) throw new Error(`no sh block after <!-- walkthrough:${marker} -->`);
  return (block[1] as string)
    .replace(/\\\n\s*/g, '')
    .split('\n')
    .filter((line) => line.trim() !== '');
}

/**
 * Runs a command in bash without blocking this process: a blocked event loop cannot see the server
 * close an idle keep-alive socket, and the next request would go out on the dead socket.
 */
function bash(script: string, env: NodeJS.ProcessEnv): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile('bash', ['-c', script], { encoding: 'utf8', env, timeout: 120_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
      done({ status: code, stdout, stderr });
    });
  });
}

/** A line that only sets shell variables (it is repeated before each later command, as a shell keeps them). */
const assignsOnly = (line: string) => /^\s*([A-Za-z_]\w*=\S*\s*)+(#.*)?$/.test(line);

describe('the README walkthrough, exactly as written', () => {
  it('starts with the README command, runs every line in order and ends with the e-mails and states the README promises', { timeout: 600_000 }, async () => {
    const readme = readFileSync('README.md', 'utf8');
    const [startLine, ...extra] = walkthroughBlock(readme, 'start');
    expect(extra).toEqual([]);
    const commands = walkthroughBlock(readme, 'commands');

    const dataDir = mkdtempSync(join(tmpdir(), 'hostcycle-walkthrough-'));
    dirs.push(dataDir);
    const { server, ports, env } = await startOnFreePorts(startLine as string, dataDir);
    expect(server.output()).toContain(`HTTP API         http://127.0.0.1:${ports.api}`);
    const token = printedToken(server.output());
    const consoleUrl = env.HOSTCYCLE_CONSOLE_URL as string;
    const settle = () => postJson(`${consoleUrl}/api/clock/advance`, { by: '0s' });

    const answers: { line: string; status: number | null; out: string }[] = [];
    const kept: string[] = [];
    for (const raw of commands) {
      const line = raw.replace('<staff token>', token);
      const run = await bash([...kept, line].join('\n'), { ...process.env, ...env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' });
      answers.push({ line: raw, status: run.status, out: `${run.stdout}${run.stderr}` });
      expect(run.status, `${raw}\n${run.stdout}${run.stderr}`).toBe(0);
      if (assignsOnly(line)) kept.push(line);
      else await settle();
    }
    expect(commands[0]).toBe('TOKEN=<staff token>');

    const answer = (part: string) => {
      const found = answers.filter((a) => a.line.includes(part) && !assignsOnly(a.line));
      expect(found, part).toHaveLength(1);
      return found[0]!.out;
    };
    expect(answer('order-placed.json')).toContain('HTTP 202');
    const pending = JSON.parse(answer('/staff/approvals ')) as { items: { approvalId: string; kind: string }[] };
    expect(pending.items).toEqual([expect.objectContaining({ approvalId: 'order:O-1001:review', kind: 'order_review' })]);
    expect(JSON.parse(answer('/decision'))).toMatchObject({ approvalId: 'order:O-1001:review', status: 'approved', reason: 'known referral' });
    expect(JSON.parse(answer('"1h"'))).toMatchObject({ now: '2026-03-02T10:00:00.000Z' });
    expect(answer('payment-received.json')).toContain('HTTP 202');
    expect(JSON.parse(answer('"40d"'))).toMatchObject({ now: '2026-04-11T10:00:00.000Z' });

    // "The mail viewer then holds, for ana@example.ro: the order received, the invoice (RON 50.00 due
    // 16 Mar 2026), the order accepted, the service active, and on 2 Apr the renewal invoice."
    const mail = (await http<{ emails: { subject: string; destination: { to: string[] }; body: { text: string } }[] }>(`http://127.0.0.1:${ports.ses}/store`)).emails;
    const flat = (s: string) => s.replace(/\s/g, ' ');
    expect(mail.every((m) => m.destination.to.join() === 'ana@example.ro')).toBe(true);
    const subjects = mail.map((m) => flat(m.subject));
    expect(subjects).toHaveLength(5);
    const one = (pattern: RegExp) => {
      const found = mail.filter((m) => pattern.test(flat(m.subject)));
      expect(found, `${pattern} in ${subjects.join(' | ')}`).toHaveLength(1);
      return flat(found[0]!.body.text);
    };
    one(/received your order O-1001/);
    one(/^Invoice INV-O-1001: RON 50\.00 due on 16 Mar 2026$/);
    one(/order O-1001 has been accepted/);
    one(/is active$/);
    const renewal = one(/^Invoice O-1001-i1-2026-04-02: RON 50\.00 due on 16 Apr 2026$/);
    expect(renewal).toContain('on 2 Apr 2026');
    expect(renewal).toContain('2026-04-02 – 2026-05-01');

    // "The staff console shows the same: the customer's timeline, each workflow … and the clock."
    const page = await fetch(`${consoleUrl}/`);
    expect(page.status).toBe(200);
    const view = await http<{ timeline: { kind: string }[]; executions: { workflow: string; status: string }[] }>(`${consoleUrl}/api/customers/C-1001`);
    expect(view.timeline.filter((e) => e.kind === 'email')).toHaveLength(5);
    expect(view.executions.map((e) => [e.workflow, e.status]).sort()).toEqual([
      ['invoice-dunning', 'RUNNING'],
      ['order-activation', 'SUCCEEDED'],
    ]);
    expect(await http(`${consoleUrl}/api/approvals`)).toEqual({ items: [] });
    // The printed token outlives the clock's jumps: forty virtual days on, staff routes still take it.
    const later = await fetch(`${env.HOSTCYCLE_URL}/staff/approvals`, { headers: { authorization: `Bearer ${token}` } });
    expect(later.status).toBe(200);

    // "Ctrl-C stops everything cleanly."
    server.signal('SIGINT');
    // npm re-raises the SIGINT it got with the group (exit code null, by signal); hostcycle itself stops cleanly.
    expect([0, null]).toContain(await server.exited);
    expect(server.output()).not.toContain('did not stop cleanly');
    await server.groupGone();
    expect(server.output()).toContain('hostcycle stopped.');
  });
});
