/** `hostcycle policy <preset>`: every rule of a preset with the clause it comes from. */
import { parseArgs } from 'node:util';
import { formatMoney, moneySchema } from '../../domain/money';
import { getPreset } from '../../domain/policy';
import { table, UsageError, type Command } from '../io';

type Row = [rule: string, clause: string, value: string];

function formatValue(value: unknown): string {
  if (value === null) return '—';
  const asMoney = moneySchema.safeParse(value);
  if (asMoney.success) return formatMoney(asMoney.data);
  if (Array.isArray(value)) return value.length === 0 ? '(none)' : value.map(formatValue).join(', ');
  if (typeof value === 'object') return `{${formatFields(value as Record<string, unknown>)}}`;
  return String(value);
}

function formatFields(fields: Record<string, unknown>): string {
  return Object.entries(fields)
    .map(([k, v]) => `${k}=${formatValue(v)}`)
    .join(' ');
}

/** A node with a `clause` is one rule; `null` is a rule the contract does not have. */
function flatten(node: unknown, path: string, rows: Row[]): void {
  if (node === null) {
    rows.push([path, '—', 'absent: the contract has no such rule']);
    return;
  }
  if (typeof node !== 'object' || Array.isArray(node) || moneySchema.safeParse(node).success) {
    rows.push([path, '', formatValue(node)]);
    return;
  }
  const record = node as Record<string, unknown>;
  if (typeof record.clause === 'string') {
    const { clause, note, ...rest } = record;
    rows.push([path, clause, formatFields(rest) + (typeof note === 'string' ? ` — ${note}` : '')]);
    return;
  }
  for (const [key, child] of Object.entries(record)) {
    if (Array.isArray(child) && child.every((c) => typeof c === 'object' && c !== null && 'clause' in c)) {
      child.forEach((c, i) => flatten(c, `${path ? `${path}.` : ''}${key}[${i}]`, rows));
    } else {
      flatten(child, path ? `${path}.${key}` : key, rows);
    }
  }
}

export const policyCommand: Command = {
  summary: 'print a preset\'s rules with their contract clauses',
  usage: 'hostcycle policy <preset>',
  run(args, io) {
    const { positionals } = parseArgs({ args, allowPositionals: true, strict: true, options: {} });
    const [name, ...extra] = positionals;
    if (!name || extra.length > 0) throw new UsageError(`usage: ${this.usage}`);
    const policy = getPreset(name);
    const { name: preset, provider, ...rules } = policy;
    const rows: Row[] = [];
    flatten(rules, '', rows);
    io.out(`${provider.displayName} — preset "${preset}" (${provider.seed})`);
    io.out('');
    for (const line of table(['rule', 'clause', 'value'], rows)) io.out(line);
    return 0;
  },
};
