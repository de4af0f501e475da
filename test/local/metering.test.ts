import { DynamoDBClient, GetItemCommand, PutItemCommand, QueryCommand, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { ensureTable } from '../../functions/data/table';
import { LOCAL_AWS } from '../../infra/local/dynamodb-local';
import { meterDynamoDb } from '../../infra/local/metering';

const TableName = `metering-${process.pid}`;
let client: DynamoDBClient;
let meter: ReturnType<typeof meterDynamoDb>;

beforeAll(async () => {
  client = new DynamoDBClient({ endpoint: inject('dynamoEndpoint'), ...LOCAL_AWS });
  await ensureTable(client, TableName);
  meter = meterDynamoDb(client);
});
afterAll(() => client.destroy());

describe('DynamoDB capacity meter', () => {
  it('bills writes per started KB, consistent reads per 4 KB, and transactions twice', async () => {
    meter.reset();
    // 3,000 bytes of payload plus keys: three 1 KB write units.
    await client.send(new PutItemCommand({ TableName, Item: { pk: { S: 'm#1' }, sk: { S: 'm' }, x: { S: 'y'.repeat(3000) } } }));
    expect(meter.usage.writeRequestUnits).toBe(3);

    await client.send(new GetItemCommand({ TableName, Key: { pk: { S: 'm#1' }, sk: { S: 'm' } }, ConsistentRead: true }));
    expect(meter.usage.readRequestUnits).toBe(1);

    await client.send(
      new TransactWriteItemsCommand({
        TransactItems: [{ Put: { TableName, Item: { pk: { S: 'm#2' }, sk: { S: 'm' } } } }, { Put: { TableName, Item: { pk: { S: 'm#3' }, sk: { S: 'm' } } } }],
      }),
    );
    expect(meter.usage.writeRequestUnits).toBe(3 + 4);

    // An eventually consistent query of one small item: half a read unit.
    await client.send(new QueryCommand({ TableName, KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': { S: 'm#2' } } }));
    expect(meter.usage.readRequestUnits).toBe(1.5);
    expect(meter.usage.requests).toEqual({ PutItemCommand: 1, GetItemCommand: 1, TransactWriteItemsCommand: 1, QueryCommand: 1 });
  });
});

describe("the local runtime's own DynamoDB client", () => {
  it('is the one the repository writes through, so a meter on it sees the runtime’s requests', async () => {
    const { startTestRuntime } = await import('../support/runtime');
    const rt = await startTestRuntime({ preset: 'hostico', start: '2026-03-02T09:00:00Z' });
    try {
      const runtimeMeter = meterDynamoDb(rt.dynamodb);
      await rt.repo.find('customer', 'CUS-metered');
      expect(runtimeMeter.usage.requests).toEqual({ GetItemCommand: 1 });
      expect(runtimeMeter.usage.readRequestUnits).toBeGreaterThan(0);
    } finally {
      await rt.stop();
    }
  });
});
