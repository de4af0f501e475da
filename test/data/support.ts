/** A repository on this file's own table, with a clock the test moves by hand. */
import { createRepository, type AuditInput, type Repository } from '../../functions/data/repository';
import type { Clock } from '../../functions/domain/clock';
import type { Service } from '../../functions/domain/model';
import { T0 } from '../unit/model/fixtures';
import type { TestTable } from '../support/dynamodb';

export interface SteppingClock extends Clock {
  advance(ms: number): void;
}

export function steppingClock(start: string = T0): SteppingClock {
  let now = new Date(start).getTime();
  return { now: () => new Date(now), advance: (ms) => void (now += ms) };
}

export function repositoryOn(table: TestTable, clock: Clock = steppingClock()): Repository {
  return createRepository({ client: table.client, tableName: table.tableName, clock });
}

let counter = 0;
/** A fresh id per call, so tests sharing a table never touch each other's records. */
export const uid = (prefix: string) => `${prefix}-${++counter}-${Math.random().toString(36).slice(2, 8)}`;

export const bySystem = (rule: string, details?: Record<string, unknown>): AuditInput => ({
  actor: { type: 'system', id: 'test' },
  rule,
  ...(details === undefined ? {} : { details }),
});

/** Creates a service and activates it, as provisioning does: it ends active at version 2. */
export async function createActiveService(repo: Repository, service: Service): Promise<Service> {
  await repo.create('service', { ...service, state: 'pending' }, bySystem('order'));
  return repo.transition('service', service.id, { expectedState: 'pending', expectedVersion: 1, to: 'active', audit: bySystem('provisioned') });
}
