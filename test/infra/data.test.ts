import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { TABLE_DESIGN } from '../../functions/data/table';
import { resourcesOf, synthesize, SYNTH_TIMEOUT_MS } from './support';

let data: Template;
let synthesized: ReturnType<typeof synthesize>;
beforeAll(() => {
  synthesized = synthesize();
  ({ data } = synthesized);
}, SYNTH_TIMEOUT_MS);

const tableProperties = () => {
  const tables = resourcesOf(data, 'AWS::DynamoDB::Table');
  expect(tables).toHaveLength(1);
  return (tables[0] as (typeof tables)[number])[1].Properties;
};

describe('the single table', () => {
  it('has the key schema of functions/data/table.ts', () => {
    expect(tableProperties().KeySchema).toEqual([
      { AttributeName: TABLE_DESIGN.partitionKey.name, KeyType: 'HASH' },
      { AttributeName: TABLE_DESIGN.sortKey.name, KeyType: 'RANGE' },
    ]);
  });

  it('has exactly the indexes of the design, each projecting ALL', () => {
    const expected = Object.entries(TABLE_DESIGN.indexes).map(([IndexName, index]) => ({
      IndexName,
      KeySchema: [
        { AttributeName: index.partitionKey.name, KeyType: 'HASH' },
        { AttributeName: index.sortKey.name, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    }));
    expect(tableProperties().GlobalSecondaryIndexes).toEqual(expected);
  });

  it('declares every key attribute as a string', () => {
    const names = [TABLE_DESIGN.partitionKey, TABLE_DESIGN.sortKey, ...Object.values(TABLE_DESIGN.indexes).flatMap((i) => [i.partitionKey, i.sortKey])].map((k) => k.name);
    expect(tableProperties().AttributeDefinitions).toEqual(expect.arrayContaining(names.map((AttributeName) => ({ AttributeName, AttributeType: 'S' }))));
    expect(tableProperties().AttributeDefinitions).toHaveLength(names.length);
  });

  it('bills on demand', () => {
    expect(tableProperties().BillingMode).toBe('PAY_PER_REQUEST');
  });

  it('expires items by the TTL attribute of the design', () => {
    expect(tableProperties().TimeToLiveSpecification).toEqual({ AttributeName: TABLE_DESIGN.timeToLiveAttribute, Enabled: true });
  });

  it('has point-in-time recovery, deletion protection and encryption at rest with KMS', () => {
    data.hasResourceProperties('AWS::DynamoDB::Table', {
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      DeletionProtectionEnabled: true,
      SSESpecification: { SSEEnabled: true },
    });
  });

  it('is retained when the stack is deleted', () => {
    data.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });

  it('lives alone in a stack with termination protection, apart from the replaceable service stack', () => {
    const types = Object.values(data.toJSON().Resources as Record<string, { Type: string }>).map((r) => r.Type);
    expect(types.filter((type) => type !== 'AWS::CDK::Metadata')).toEqual(['AWS::DynamoDB::Table']);
    expect(synthesized.hostcycle.data.terminationProtection).toBe(true);
  });
});
