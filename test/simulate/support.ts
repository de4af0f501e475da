/**
 * Runs a scenario file the way `hostcycle simulate --json` does, on the test run's shared DynamoDB Local
 * (a table of its own, dropped afterwards) and this file's SES emulator, and returns the parsed output.
 */
import { randomUUID } from 'node:crypto';
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DateTime } from 'luxon';
import { inject } from 'vitest';
import { runScenarioFile } from '../../functions/cli/commands/simulate';
import type { SimulationResult } from '../../functions/simulate/run';
import type { TimelineEntry } from '../../functions/simulate/timeline';
import { LOCAL_AWS } from '../../infra/local/dynamodb-local';
import type { SesLocal } from '../../infra/local/ses-local';

export interface Run {
  code: number;
  result: SimulationResult;
  progress: string[];
}

export async function runJson(path: string, ses: SesLocal): Promise<Run> {
  const endpoint = inject('dynamoEndpoint');
  const tableName = `hostcycle-sim-${randomUUID().slice(0, 8)}`;
  const out: string[] = [];
  const err: string[] = [];
  try {
    const code = await runScenarioFile(path, { out: (l) => out.push(l), err: (l) => err.push(l) }, { json: true, quiet: false }, { runtime: { dynamodb: { endpoint, tableName }, ses } });
    return { code, result: JSON.parse(out.join('\n')) as SimulationResult, progress: err };
  } finally {
    const client = new DynamoDBClient({ endpoint, ...LOCAL_AWS });
    await client.send(new DeleteTableCommand({ TableName: tableName })).catch(() => undefined).finally(() => client.destroy());
  }
}

/** `<local time> <from> → <to>` of one entity's state changes, in order. */
/** State changes only: a field update (e.g. the billing run moving nextDueDate) keeps the state, from = to. */
export function changesOf(r: SimulationResult, type: string, id: string): string[] {
  return r.timeline.filter((e) => e.kind === 'change' && e.entity.type === type && e.entity.id === id && e.from !== e.to).map((e) => `${e.local} ${e.from ?? '∅'} → ${e.to}`);
}

export function change(r: SimulationResult, type: string, id: string, to: string): TimelineEntry | undefined {
  return r.timeline.find((e) => e.kind === 'change' && e.entity.type === type && e.entity.id === id && e.to === to);
}

/** The templates of the e-mails a customer was sent about one entity, in order. */
export function mailsAbout(r: SimulationResult, customer: string, entityId: string): string[] {
  return r.timeline.filter((e) => e.kind === 'email' && e.customer === customer && e.entity.id === entityId).map((e) => e.email?.template ?? '');
}

/** A local calendar date plus days, for rules stated in days after a date. */
export const plusDays = (date: string, days: number) => DateTime.fromISO(date).plus({ days }).toISODate() ?? '';

/** The purposes of the e-mails about one entity (`reminder#1` of `invoice#INV-7#reminder#1`), in order. */
export function purposesAbout(r: SimulationResult, customer: string, entityId: string): string[] {
  return r.timeline.filter((e) => e.kind === 'email' && e.customer === customer && e.entity.id === entityId).map((e) => (e.email?.id ?? '').split('#').slice(2).join('#'));
}
