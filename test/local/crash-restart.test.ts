/**
 * A crash mid-grace, over HTTP against `npm start` as a user runs it (issue 6, "a kill-and-restart test
 * mid-grace"). hostico's walkthrough customer orders, is approved and pays; the renewal invoice the
 * billing run issues stays unpaid past its due date. Between the first reminder after the due date and
 * the suspension, every process of the runtime is killed (SIGKILL: a crash, not Ctrl-C). The same
 * command on the same data directory then resumes the clock where it was and the open dunning
 * execution: the suspension warning and the suspension happen once, at the instants the preset's rules
 * give, nothing sent before the crash is sent again, and a payment after the restart reactivates the
 * service under hostico's business-hours rule. Ctrl-C (SIGINT) then stops it cleanly, saving the clock.
 *
 * Expected instants come from the preset's rule functions, not from numbers written here.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sendWebhook } from '../../functions/cli/commands/webhook-send';
import { LOCAL_WEBHOOK_SECRET } from '../../infra/local/runtime';
import { getPreset } from '../../functions/domain/policy';
import { reactivationAt } from '../../functions/domain/rules/dunning';
import { unpaidInvoiceLifecycle } from '../../functions/domain/rules/lifecycle';
import { hostcycleEnv, http, killAll, postJson, printedToken, startOnFreePorts, startShell, type Ports, type Started } from './npm-start';

const policy = getPreset('hostico');
const START_COMMAND = 'npm start -- --virtual --start 2026-03-02T09:00:00Z';
const INVOICE = 'O-1001-i1-2026-04-02';
const SERVICE = 'O-1001-i1';
const dirs: string[] = [];

afterAll(async () => {
  await killAll();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

interface TimelineEntry {
  at: string;
  kind: 'audit' | 'email' | 'workflow';
  entity: { type: string; id: string };
  summary: string;
  from: string | null;
  to: string | null;
}
interface CustomerView {
  timeline: TimelineEntry[];
  executions: { workflow: string; name: string; status: string; currentState?: string }[];
}
interface StoredMail {
  subject: string;
  destination: { to: string[] };
}

function client(ports: Ports) {
  const api = `http://127.0.0.1:${ports.api}`;
  const consoleUrl = `http://127.0.0.1:${ports.console}`;
  return {
    async webhook(event: unknown): Promise<void> {
      const lines: string[] = [];
      const io = { out: (l: string) => lines.push(l), err: (l: string) => lines.push(l) };
      const code = await sendWebhook(event, { url: api, secret: LOCAL_WEBHOOK_SECRET }, io);
      expect(code, lines.join('\n')).toBe(0);
      expect(lines.join('\n')).toContain('HTTP 202');
      await this.settle();
    },
    /** Waits until everything already triggered has run: the console answers an advance once settled. */
    settle: () => postJson<{ now: string }>(`${consoleUrl}/api/clock/advance`, { by: '0s' }),
    advanceTo: (to: string) => postJson<{ now: string }>(`${consoleUrl}/api/clock/advance`, { to }),
    clock: () => http<{ now: string }>(`${consoleUrl}/api/clock`),
    customer: () => http<CustomerView>(`${consoleUrl}/api/customers/C-1001`),
    decide: (token: string, approvalId: string) =>
      postJson(`${api}/staff/approvals/${approvalId}/decision`, { decision: 'approve', reason: 'known referral' }, { authorization: `Bearer ${token}` }),
    /** Every e-mail the SES emulator of this process holds (it keeps them in memory). */
    mail: async () => (await http<{ emails: StoredMail[] }>(`http://127.0.0.1:${ports.ses}/store`)).emails,
  };
}

const subjects = (mail: StoredMail[]) => mail.map((m) => m.subject.replace(/\s/g, ' '));
const emails = (view: CustomerView) => view.timeline.filter((e) => e.kind === 'email' && e.entity.id === INVOICE);
const serviceChanges = (view: CustomerView) => view.timeline.filter((e) => e.kind === 'audit' && e.entity.id === SERVICE && e.from !== e.to).sort((a, b) => a.at.localeCompare(b.at));
const ms = (iso: string) => Date.parse(iso);

async function start(ports: Ports, dataDir: string): Promise<Started> {
  const started = startShell(START_COMMAND, hostcycleEnv(ports, dataDir));
  await started.waitFor('Press Ctrl-C to stop.');
  return started;
}

describe('npm start, killed mid-grace and started again on the same data directory', () => {
  it('resumes the clock and the dunning execution: one suspension at the rule instant, no e-mail twice, reactivation under the business-hours rule', { timeout: 600_000 }, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'hostcycle-crash-'));
    dirs.push(dataDir);

    // ——— before the crash: the walkthrough's order, approved and paid, then the clock to the renewal ———
    const { server: first, ports } = await startOnFreePorts(START_COMMAND, dataDir);
    const c = client(ports);
    await c.webhook(JSON.parse(readFileSync('examples/events/order-placed.json', 'utf8')));
    await c.decide(printedToken(first.output()), 'order:O-1001:review');
    await c.advanceTo('2026-03-02T10:00:00Z');
    await c.webhook(JSON.parse(readFileSync('examples/events/payment-received.json', 'utf8')));
    await c.advanceTo('2026-04-03T09:00:00Z');

    const issued = (await c.customer()).timeline.find((e) => e.entity.id === INVOICE && e.to === 'issued');
    expect(issued, 'the billing run issued the renewal invoice').toBeDefined();
    const life = unpaidInvoiceLifecycle(policy, { billedAt: issued!.at, productKind: 'shared_hosting' });
    if (life.suspension.kind !== 'suspends') throw new Error('hostico suspends an unpaid hosting invoice');
    const suspendAt = life.suspension.suspendAt.at;
    const afterDue = life.reminders.filter((r) => ms(r.at) > ms(life.due.at) && ms(r.at) < ms(suspendAt));
    expect(afterDue.length, 'reminders between the due date and the suspension').toBeGreaterThanOrEqual(2);
    // Mid-grace: after the first reminder past the due date, before the last one before the suspension.
    const crashAt = new Date((ms(afterDue[0]!.at) + ms(afterDue.at(-1)!.at)) / 2).toISOString();
    expect((await c.advanceTo(crashAt)).now).toBe(crashAt);

    const beforeCrash = await c.customer();
    const sentBefore = emails(beforeCrash).map((e) => e.summary);
    expect(sentBefore.length, 'invoice, reminders and the overdue notice before the crash').toBeGreaterThanOrEqual(3);
    expect(serviceChanges(beforeCrash).at(-1)?.to).toBe('active');
    expect(beforeCrash.executions.find((e) => e.name === INVOICE)).toMatchObject({ workflow: 'invoice-dunning', status: 'RUNNING' });

    // ——— the crash: every process of the group at once, no shutdown hook runs ———
    first.signal('SIGKILL');
    await first.groupGone();
    expect(first.output()).not.toContain('stopping hostcycle');

    // ——— the same command again: the clock resumes where it was, not at --start ———
    const second = await start(ports, dataDir);
    expect(second.output()).toContain(`now ${crashAt}`);
    expect((await c.clock()).now).toBe(crashAt);
    expect((await c.mail()).length, 'a fresh SES emulator').toBe(0);
    const resumed = await c.customer();
    expect(resumed.executions.find((e) => e.name === INVOICE)).toMatchObject({ status: 'RUNNING' });

    // A Saturday after the suspension: a payment then waits for the next business day (hostico IV. Kampanje).
    const payAt = new Date(ms(suspendAt) + 36 * 3_600_000).toISOString();
    const reactivation = reactivationAt(policy, payAt);
    expect(reactivation, 'hostico reactivates on payment').not.toBeNull();
    expect(ms(reactivation!.at), 'the payment falls outside business days').toBeGreaterThan(ms(payAt));
    await c.advanceTo(payAt);

    const suspended = await c.customer();
    const suspensions = serviceChanges(suspended).filter((e) => e.to === 'suspended');
    expect(suspensions).toHaveLength(1);
    // The deadline wait rounds up to a whole second (TimeoutSeconds): at the rule's instant or within that second.
    expect(ms(suspensions[0]!.at)).toBeGreaterThanOrEqual(ms(suspendAt));
    expect(ms(suspensions[0]!.at)).toBeLessThanOrEqual(ms(suspendAt) + 1_000);

    // Each e-mail once, in the mail log over both processes and in the new process's SES emulator.
    const allSent = emails(suspended).map((e) => e.summary);
    expect(new Set(allSent).size).toBe(allSent.length);
    for (const summary of sentBefore) expect(allSent.filter((s) => s === summary)).toHaveLength(1);
    const sentAfter = allSent.filter((s) => !sentBefore.includes(s));
    const remindersDue = life.reminders.filter((r) => ms(r.at) > ms(crashAt) && ms(r.at) <= ms(payAt));
    expect(remindersDue.length, 'a reminder falls between the crash and the payment').toBeGreaterThan(0);
    expect(sentAfter.filter((s) => s.includes('Reminder'))).toHaveLength(remindersDue.length);
    expect(sentAfter.some((s) => s.includes('has been suspended'))).toBe(true);
    const afterRestart = subjects(await c.mail());
    expect(afterRestart).toHaveLength(sentAfter.length);
    expect(new Set(afterRestart).size).toBe(afterRestart.length);
    for (const summary of sentBefore) expect(afterRestart.some((s) => summary.replace(/\s/g, ' ').includes(`"${s}"`))).toBe(false);

    // ——— a payment after the restart: the service comes back on the next business day, once ———
    await c.webhook({
      eventId: 'evt-payment-PAY-1002',
      type: 'payment.received',
      occurredAt: payAt,
      data: { paymentId: 'PAY-1002', invoiceId: INVOICE, customerId: 'C-1001', amount: { amount: 5000, currency: 'RON' }, method: 'card', receivedAt: payAt },
    });
    expect(serviceChanges(await c.customer()).at(-1)?.to, 'still suspended on a non-business day').toBe('suspended');
    await c.advanceTo(new Date(ms(reactivation!.at) + 3_600_000).toISOString());
    const settled = await c.customer();
    const changes = serviceChanges(settled);
    expect(changes.map((e) => e.to)).toEqual(['pending', 'active', 'suspended', 'active']);
    const back = changes.at(-1)!;
    expect(back.to).toBe('active');
    expect(ms(back.at)).toBeGreaterThanOrEqual(ms(reactivation!.at));
    expect(ms(back.at)).toBeLessThanOrEqual(ms(reactivation!.at) + 1_000);
    expect(settled.executions.find((e) => e.name === INVOICE)).toMatchObject({ status: 'SUCCEEDED' });
    const reactivated = subjects(await c.mail()).filter((s) => s.includes('is active again'));
    expect(reactivated).toHaveLength(1);

    // ——— Ctrl-C: a clean stop that saves the clock ———
    const now = (await c.clock()).now;
    second.signal('SIGINT');
    // npm re-raises the SIGINT it got with the group (exit code null, by signal); hostcycle itself stops cleanly.
    expect([0, null]).toContain(await second.exited);
    expect(second.output()).not.toContain('did not stop cleanly');
    await second.groupGone();
    expect(second.output()).toContain('hostcycle stopped.');
    expect(JSON.parse(readFileSync(join(dataDir, 'local.json'), 'utf8'))).toMatchObject({ virtualNow: now });
  });
});
