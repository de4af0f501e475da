import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { main } from '../../functions/cli/hostcycle';

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const row = (output: string, event: string) => output.split('\n').find((l) => l.startsWith(event)) ?? '';

describe('hostcycle policy <preset>', () => {
  it('prints every rule with its clause, absent rules marked', async () => {
    const { code, out, err } = await run('policy', 'hostico');
    expect(code).toBe(0);
    expect(err).toBe('');
    expect(row(out, 'dunning.grace ')).toMatch(/004 IV\. Preložitev\/Zaustavitev\/Reaktivacija\s+days=7/);
    expect(row(out, 'dunning.deletion ')).toMatch(/004 IV\. Neplačilo\s+days=30/);
    expect(row(out, 'credit ')).toMatch(/minTopUp=10\.00 EUR maxTopUp=1000\.00 EUR maxBalance=1000\.00 EUR/);
    expect(row(out, 'dunning.latePenalty ')).toMatch(/absent/);
  });

  it('shows smartape penalty and termination clauses', async () => {
    const { out } = await run('policy', 'smartape');
    expect(row(out, 'dunning.latePenalty ')).toMatch(/003 7\.9; 7\.10\s+percentPerDay=0\.1/);
    expect(row(out, 'dunning.termination ')).toMatch(/003 2\.2\.5\s+days=20 from=invoice_date/);
  });
});

describe('hostcycle dates <preset> --invoice-date', () => {
  it('prints hostico dates in Bucharest time and UTC: issue moved off 1 Dec, due +14, suspension +7, deletion +30', async () => {
    const { code, out } = await run('dates', 'hostico', '--invoice-date', '2026-12-01');
    expect(code).toBe(0);
    expect(row(out, 'invoice issued')).toMatch(/2026-12-02 00:00:00 \+02:00\s+2026-12-01T22:00:00\.000Z\s+004 IV\. Kampanje/);
    expect(row(out, 'payment due')).toMatch(/2026-12-16 23:59:59 \+02:00\s+2026-12-16T21:59:59\.999Z/);
    expect(row(out, 'service suspended')).toMatch(/2026-12-23T21:59:59\.999Z\s+004 IV\. Preložitev/);
    expect(row(out, 'account and data deleted')).toMatch(/2027-01-15T21:59:59\.999Z\s+004 IV\. Neplačilo/);
  });

  it('prints smartape termination and the penalty accrued by then on --amount', async () => {
    const { code, out } = await run('dates', 'smartape', '--invoice-date', '2026-12-01', '--product', 'vps', '--amount', '100.00');
    expect(code).toBe(0);
    expect(row(out, 'payment due')).toMatch(/2026-12-08T21:59:59\.999Z\s+003 5\.1; 5\.3/);
    expect(row(out, 'contract may be terminated')).toMatch(/2026-12-21T21:59:59\.999Z\s+003 2\.2\.5/);
    // 13 days (9–21 Dec) × 0.1 % × 100.00 EUR
    expect(out).toMatch(/late penalty 0\.1 %\/day.*: 1\.30 EUR over 13 day\(s\)/);
  });

  it('lets a hostico domain expire at the due date', async () => {
    const { out } = await run('dates', 'hostico', '--invoice-date', '2026-12-01', '--product', 'domain');
    expect(row(out, 'third-party service expires')).toMatch(/2026-12-16T21:59:59\.999Z/);
    expect(out).not.toMatch(/service suspended/);
  });

  it.each([
    ['an unknown preset', ['dates', 'godaddy', '--invoice-date', '2026-12-01'], /unknown preset "godaddy"; known presets: hostico, smartape, secom/],
    ['a malformed date', ['dates', 'hostico', '--invoice-date', '2026-13-01'], /--invoice-date: "2026-13-01" is not a date/],
    ['a date without offset', ['dates', 'hostico', '--invoice-date', '2026-12-01T10:00'], /--invoice-date/],
    ['an unknown product', ['dates', 'hostico', '--invoice-date', '2026-12-01', '--product', 'toaster'], /--product/],
    ['a bad amount', ['dates', 'hostico', '--invoice-date', '2026-12-01', '--amount', '12.345'], /--amount/],
    ['a missing --invoice-date', ['dates', 'hostico'], /usage/],
    ['an unknown option', ['dates', 'hostico', '--invoice-date', '2026-12-01', '--colour'], /--colour/],
    ['an unknown command', ['simulate-all'], /unknown command "simulate-all"/],
    ['an unknown preset for policy', ['policy', 'nope'], /unknown preset "nope"/],
  ])('exits 2 with one message on stderr for %s', async (_name, argv, message) => {
    const { code, out, err } = await run(...argv);
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err.split('\n')).toHaveLength(1);
    expect(err).toMatch(message);
  });
});

describe('--help', () => {
  it('lists the commands and exits 0', async () => {
    const { code, out } = await run('--help');
    expect(code).toBe(0);
    expect(out).toMatch(/hostcycle policy <preset>/);
    expect(out).toMatch(/hostcycle dates <preset> --invoice-date/);
  });
  it('prints a command usage', async () => {
    expect((await run('dates', '--help')).out).toMatch(/^usage: hostcycle dates/);
  });
  it('exits 2 with the help when called with no command', async () => {
    expect((await run()).code).toBe(2);
  });
});

describe('as a process', () => {
  it.each([
    ['bin/hostcycle.mjs', ['bin/hostcycle.mjs']],
    ['tsx functions/cli/hostcycle.ts', ['node_modules/tsx/dist/cli.mjs', 'functions/cli/hostcycle.ts']],
  ])('%s exits 0 on success and 2 on an unknown preset', (_name, entry) => {
    const ok = spawnSync(process.execPath, [...entry, 'policy', 'secom'], { encoding: 'utf8' });
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/000 Refund policy/);
    const bad = spawnSync(process.execPath, [...entry, 'dates', 'nope', '--invoice-date', '2026-12-01'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim()).toBe('hostcycle dates: unknown preset "nope"; known presets: hostico, smartape, secom');
  });
});
