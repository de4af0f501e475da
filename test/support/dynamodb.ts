/**
 * One DynamoDB table per test file, on the DynamoDB Local server that global-setup.ts started for
 * the run. Unique names let files run in parallel against one server without seeing each other.
 */
import { randomUUID } from 'node:crypto';
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { inject } from 'vitest';
import { LOCAL_AWS } from '../../infra/local/dynamodb-local';
import { ensureTable } from '../../functions/data/table';

export interface TestTable {
  client: DynamoDBClient;
  tableName: string;
  drop(): Promise<void>;
}

export function localClient(): DynamoDBClient {
  return new DynamoDBClient({ endpoint: inject('dynamoEndpoint'), ...LOCAL_AWS });
}

export async function createTestTable(label: string): Promise<TestTable> {
  const client = localClient();
  const tableName = `hostcycle-${label.replace(/[^A-Za-z0-9_.-]/g, '-')}-${randomUUID().slice(0, 8)}`;
  await ensureTable(client, tableName);
  return {
    client,
    tableName,
    async drop() {
      await client.send(new DeleteTableCommand({ TableName: tableName }));
      client.destroy();
    },
  };
}

export interface RecordedCall {
  command: string;
  input: Record<string, unknown>;
  output: Record<string, unknown>;
}

/**
 * Records every command a client sends and its response, by a middleware on the real client, so a
 * test can assert how an access pattern reads the table (a Query, never a Scan; how many items).
 */
export function recordCommands(client: DynamoDBClient): { calls: RecordedCall[]; stop(): void } {
  const calls: RecordedCall[] = [];
  const name = `recordCommands-${randomUUID()}`;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      calls.push({
        command: String(context.commandName),
        input: args.input as Record<string, unknown>,
        output: result.output as unknown as Record<string, unknown>,
      });
      return result;
    },
    { step: 'initialize', name },
  );
  return { calls, stop: () => void client.middlewareStack.remove(name) };
}
