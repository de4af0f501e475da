/**
 * TaskTokens (functions/app/ports.ts) on the hostcycle table: the tokens of workflow steps waiting for
 * an outside event, under business keys. A token never leaves the backend.
 *
 * ── Keys (beside the entity keys of ./table.ts; `ledger#` is no entity type, so they cannot collide) ──
 *
 *   item           pk                        sk       attributes
 *   task token     ledger#taskToken#<key>    ledger   taskToken, executionName, waitExpiresAt, storedAt,
 *                                                     expiresAt (TTL, epoch seconds)
 *
 * ── Access patterns ───────────────────────────────────────────────────────────────────────────
 *
 *   put      PutItem (a retried step replaces the token of its earlier attempt)
 *   get      GetItem, strongly consistent: a signal must see the token stored just before it
 *   delete   DeleteItem
 *
 * The TTL is only housekeeping, set well after the wait's own deadline: a token whose wait ended is
 * answered by Step Functions with TaskTimedOut, so a late read does no harm.
 */
import { DeleteItemCommand, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { Clock } from '../domain/clock';
import type { TaskTokens } from '../app/ports';
import { TABLE_DESIGN } from './table';
import type { LedgerTableDeps } from './side-effect-ledger';

/** How long a token record outlives its wait's deadline before TTL may remove it. */
export const TASK_TOKEN_GRACE_MS = 7 * 24 * 60 * 60 * 1000;

export interface TaskTokensDeps extends LedgerTableDeps {
  clock: Clock;
}

const key = (name: string) => marshall({ pk: `ledger#taskToken#${name}`, sk: 'ledger' });

export function createTaskTokens({ client, tableName, clock }: TaskTokensDeps): TaskTokens {
  return {
    async put(name, taskToken, context) {
      const deadline = Date.parse(context.expiresAt);
      if (Number.isNaN(deadline)) throw new RangeError(`task token ${name}: expiresAt is not a timestamp: ${context.expiresAt}`);
      await client.send(
        new PutItemCommand({
          TableName: tableName,
          Item: marshall({
            ...unmarshall(key(name)),
            taskToken,
            executionName: context.executionName,
            waitExpiresAt: context.expiresAt,
            storedAt: clock.now().toISOString(),
            [TABLE_DESIGN.timeToLiveAttribute]: Math.ceil((deadline + TASK_TOKEN_GRACE_MS) / 1000),
          }),
        }),
      );
    },

    async get(name) {
      const { Item } = await client.send(new GetItemCommand({ TableName: tableName, Key: key(name), ConsistentRead: true }));
      return Item === undefined ? undefined : String(unmarshall(Item).taskToken);
    },

    async delete(name) {
      await client.send(new DeleteItemCommand({ TableName: tableName, Key: key(name) }));
    },
  };
}
