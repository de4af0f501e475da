import { DescribeTableCommand, DescribeTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TABLE_DESIGN, createTableInput, ensureTable, tableNameFromEnv } from '../../functions/data/table';
import { createTestTable, type TestTable } from '../support/dynamodb';

let table: TestTable;
beforeAll(async () => {
  table = await createTestTable('table');
});
afterAll(async () => {
  await table.drop();
});

describe('table design', () => {
  it('creates the table with the keys, indexes and TTL of TABLE_DESIGN', async () => {
    const { Table } = await table.client.send(new DescribeTableCommand({ TableName: table.tableName }));
    expect(Table?.TableStatus).toBe('ACTIVE');
    expect(Table?.KeySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    const indexes = Object.fromEntries((Table?.GlobalSecondaryIndexes ?? []).map((i) => [i.IndexName, i.KeySchema?.map((k) => k.AttributeName)]));
    expect(indexes).toEqual({ byDueDate: ['gsi1pk', 'gsi1sk'], byCustomer: ['gsi2pk', 'gsi2sk'], open: ['gsi3pk', 'gsi3sk'] });
    const ttl = await table.client.send(new DescribeTimeToLiveCommand({ TableName: table.tableName }));
    expect(ttl.TimeToLiveDescription?.AttributeName).toBe(TABLE_DESIGN.timeToLiveAttribute);
  });

  it('ensureTable is idempotent, also when called concurrently', async () => {
    await Promise.all([ensureTable(table.client, table.tableName), ensureTable(table.client, table.tableName)]);
    const { Table } = await table.client.send(new DescribeTableCommand({ TableName: table.tableName }));
    expect(Table?.TableStatus).toBe('ACTIVE');
  });

  it('defines every key attribute once, as a string', () => {
    const input = createTableInput('x');
    const names = input.AttributeDefinitions?.map((a) => a.AttributeName) ?? [];
    expect(new Set(names).size).toBe(names.length);
    expect(input.AttributeDefinitions?.every((a) => a.AttributeType === 'S')).toBe(true);
    expect(input.BillingMode).toBe('PAY_PER_REQUEST');
  });

  it('takes the table name from HOSTCYCLE_TABLE, defaulting to hostcycle', () => {
    expect(tableNameFromEnv({})).toBe('hostcycle');
    expect(tableNameFromEnv({ HOSTCYCLE_TABLE: 'hostcycle-staging' })).toBe('hostcycle-staging');
  });
});
