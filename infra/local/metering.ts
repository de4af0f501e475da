/**
 * Counts what a workload would be billed for on DynamoDB on-demand, by asking every request made
 * through a client for its consumed capacity (DynamoDB Local reports it like DynamoDB does).
 *
 * DynamoDB Local reports a transactional write at the cost of a plain one; DynamoDB bills
 * TransactWriteItems and TransactGetItems at twice that, so the meter doubles them. Index writes are
 * included only as far as DynamoDB Local includes them in TOTAL, so write figures are a lower bound.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

const READS = new Set(['GetItemCommand', 'BatchGetItemCommand', 'QueryCommand', 'ScanCommand', 'TransactGetItemsCommand']);
const WRITES = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'BatchWriteItemCommand', 'TransactWriteItemsCommand']);
const TRANSACTIONAL = new Set(['TransactGetItemsCommand', 'TransactWriteItemsCommand']);

export interface DynamoDbUsage {
  readRequestUnits: number;
  writeRequestUnits: number;
  requests: Record<string, number>;
}

type Capacity = { CapacityUnits?: number } | { CapacityUnits?: number }[] | undefined;

function units(consumed: Capacity): number {
  if (consumed === undefined) return 0;
  const list = Array.isArray(consumed) ? consumed : [consumed];
  return list.reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);
}

/** Attaches the meter to `client` and returns its live counters and a reset. */
export function meterDynamoDb(client: DynamoDBClient): { usage: DynamoDbUsage; reset(): void } {
  const usage: DynamoDbUsage = { readRequestUnits: 0, writeRequestUnits: 0, requests: {} };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = String(context.commandName ?? '');
      const input = args.input as Record<string, unknown>;
      if (READS.has(command) || WRITES.has(command)) input.ReturnConsumedCapacity = 'TOTAL';
      const result = await next(args);
      const output = result.output as { ConsumedCapacity?: Capacity };
      const billed = units(output.ConsumedCapacity) * (TRANSACTIONAL.has(command) ? 2 : 1);
      if (READS.has(command)) usage.readRequestUnits += billed;
      if (WRITES.has(command)) usage.writeRequestUnits += billed;
      usage.requests[command] = (usage.requests[command] ?? 0) + 1;
      return result;
    },
    { step: 'initialize', name: 'hostcycleCapacityMeter' },
  );
  return {
    usage,
    reset() {
      usage.readRequestUnits = 0;
      usage.writeRequestUnits = 0;
      usage.requests = {};
    },
  };
}
