/** `hostcycle dates <preset> --invoice-date …`: the lifecycle of an invoice left unpaid, in local time and UTC. */
import { parseArgs } from 'node:util';
import { DateTime } from 'luxon';
import { atLocal, toUtcIso } from '../../domain/calendar';
import { fromMajor, formatMoney } from '../../domain/money';
import { getPreset, type Policy } from '../../domain/policy';
import { productKindSchema } from '../../domain/product';
import { unpaidInvoiceLifecycle } from '../../domain/rules/lifecycle';
import { table, UsageError, type Command } from '../io';

function billedAt(policy: Policy, value: string): string {
  try {
    // A bare date is the provider's local day: the billing run at its midnight.
    return /^\d{4}-\d{2}-\d{2}$/.test(value) ? atLocal(policy.calendar, value) : toUtcIso(value);
  } catch {
    throw new UsageError(`--invoice-date: "${value}" is not a date (YYYY-MM-DD) or an ISO-8601 instant with offset`);
  }
}

export const datesCommand: Command = {
  summary: 'print the dunning dates of an invoice that stays unpaid',
  usage: 'hostcycle dates <preset> --invoice-date YYYY-MM-DD [--product shared_hosting] [--amount 12.00]',
  run(args, io) {
    const { positionals, values } = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        'invoice-date': { type: 'string' },
        product: { type: 'string', default: 'shared_hosting' },
        amount: { type: 'string' },
      },
    });
    const [name, ...extra] = positionals;
    if (!name || extra.length > 0 || values['invoice-date'] === undefined) throw new UsageError(`usage: ${this.usage}`);
    const policy = getPreset(name);
    const product = productKindSchema.safeParse(values.product);
    if (!product.success) throw new UsageError(`--product: "${values.product}" is not one of ${productKindSchema.options.join(', ')}`);
    const currency = policy.currency.billing;
    let amount;
    try {
      amount = values.amount === undefined ? undefined : fromMajor(values.amount, currency);
    } catch {
      throw new UsageError(`--amount: "${values.amount}" is not an amount in ${currency}`);
    }
    if (amount && amount.amount < 0) throw new UsageError('--amount: must not be negative');
    const at = billedAt(policy, values['invoice-date']);
    const life = unpaidInvoiceLifecycle(policy, { billedAt: at, productKind: product.data, amount });

    const zone = policy.calendar.timeZone;
    const local = (iso: string) => DateTime.fromISO(iso, { zone }).toFormat('yyyy-MM-dd HH:mm:ss ZZ');
    const rows: string[][] = [];
    const add = (event: string, iso: string, clause: string) => rows.push([event, local(iso), iso, clause]);
    add('invoice issued', life.issued.at, life.issued.clause);
    add('payment due (end of day)', life.due.at, life.due.clause);
    for (const r of life.reminders) add(`reminder ${r.offsetDays >= 0 ? '+' : ''}${r.offsetDays}d (${r.purpose})`, r.at, r.clause);
    switch (life.suspension.kind) {
      case 'suspends':
        add(`grace ends (${life.suspension.graceDays} days)`, life.suspension.graceEndsAt.at, life.suspension.graceEndsAt.clause);
        add('service suspended', life.suspension.suspendAt.at, life.suspension.suspendAt.clause);
        break;
      case 'expires_at_due':
        add('third-party service expires (no grace)', life.suspension.expiresAt.at, life.suspension.expiresAt.clause);
        break;
      case 'none':
        rows.push(['suspension', '—', '—', life.suspension.reason]);
        break;
    }
    if (life.end.termination) add('contract may be terminated', life.end.termination.at, life.end.termination.clause);
    if (life.end.deletion) add('account and data deleted', life.end.deletion.at, life.end.deletion.clause);

    io.out(`${policy.provider.displayName}: ${product.data} invoice billed ${values['invoice-date']} (${zone})`);
    io.out('');
    // A timeline reads in time order; rows without a date ('—') keep their place at the end.
    rows.sort((a, b) => (a[2] === '—' ? 1 : b[2] === '—' ? -1 : (a[2] as string).localeCompare(b[2] as string)));
    for (const line of table(['event', `local (${zone})`, 'UTC', 'clause'], rows)) io.out(line);
    if (amount) {
      io.out('');
      io.out(`amount: ${formatMoney(amount)}`);
      io.out(
        life.penalty
          ? `late penalty ${life.penalty.percentPerDay} %/day, accrued by ${local(life.penalty.asOf)} if unpaid: ${formatMoney(life.penalty.total)} over ${life.penalty.segments.reduce((s, g) => s + g.days, 0)} day(s) (${life.penalty.clause})`
          : 'late penalty: none in the contract',
      );
    }
    return 0;
  },
};
