import { afterAll, beforeAll, describe as group, expect, inject, it } from 'vitest';
import { CreateTableCommand, DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LOCAL_AWS } from '../../infra/local/dynamodb-local';
import { createEngine, jsonata, run } from './support';

const table = `engine-test-${process.pid}-${Date.now()}`;
let client: DynamoDBClient;

beforeAll(async () => {
  client = new DynamoDBClient({ endpoint: inject('dynamoEndpoint'), ...LOCAL_AWS });
  await client.send(
    new CreateTableCommand({
      TableName: table,
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
});

afterAll(async () => {
  await client.send(new DeleteTableCommand({ TableName: table }));
  client.destroy();
});

group('DynamoDB integrations against DynamoDB Local', () => {
  it('puts, conditionally updates and gets an item with the optimised integrations', async () => {
    const { sfn } = createEngine({ dynamodb: client });
    const r = await run(
      sfn,
      jsonata({
        Put: {
          Type: 'Task',
          Resource: 'arn:aws:states:::dynamodb:putItem',
          Arguments: { TableName: table, Item: { pk: { S: '{% $states.input.id %}' }, state: { S: 'PENDING' }, version: { N: '1' } }, ConditionExpression: 'attribute_not_exists(pk)' },
          Next: 'Activate',
        },
        Activate: {
          Type: 'Task',
          Resource: 'arn:aws:states:::dynamodb:updateItem',
          Arguments: {
            TableName: table,
            Key: { pk: { S: '{% $states.context.Execution.Input.id %}' } },
            UpdateExpression: 'SET #s = :to, version = version + :one',
            ConditionExpression: '#s = :from',
            ExpressionAttributeNames: { '#s': 'state' },
            ExpressionAttributeValues: { ':from': { S: 'PENDING' }, ':to': { S: 'ACTIVE' }, ':one': { N: '1' } },
            ReturnValues: 'ALL_NEW',
          },
          Next: 'Read',
        },
        Read: {
          Type: 'Task',
          Resource: 'arn:aws:states:::dynamodb:getItem',
          Arguments: { TableName: table, Key: { pk: { S: '{% $states.context.Execution.Input.id %}' } } },
          Output: { item: '{% $states.result.Item %}', status: '{% $states.result.SdkHttpMetadata.HttpStatusCode %}' },
          End: true,
        },
      }),
      { id: 'svc-1' },
    );
    expect(r.status).toBe('SUCCEEDED');
    expect(r.output).toEqual({ item: { pk: { S: 'svc-1' }, state: { S: 'ACTIVE' }, version: { N: '2' } }, status: 200 });
  });

  it('names a failed condition DynamoDB.ConditionalCheckFailedException (optimised) so Catch can match it', async () => {
    const { sfn } = createEngine({ dynamodb: client });
    const put = {
      Type: 'Task',
      Resource: 'arn:aws:states:::dynamodb:putItem',
      Arguments: { TableName: table, Item: { pk: { S: 'svc-dup' } }, ConditionExpression: 'attribute_not_exists(pk)' },
    };
    const r = await run(
      sfn,
      jsonata({
        First: { ...put, Next: 'Second' },
        Second: { ...put, Catch: [{ ErrorEquals: ['DynamoDB.ConditionalCheckFailedException'], Next: 'AlreadyThere' }], End: true },
        AlreadyThere: { Type: 'Pass', Output: '{% $states.input.Error %}', End: true },
      }),
    );
    expect(r.output).toBe('DynamoDB.ConditionalCheckFailedException');
  });

  it('runs aws-sdk:dynamodb actions and prefixes their errors with DynamoDb.', async () => {
    const { sfn } = createEngine({ dynamodb: client });
    const r = await run(
      sfn,
      jsonata({
        Put: {
          Type: 'Task',
          Resource: 'arn:aws:states:::aws-sdk:dynamodb:putItem',
          Arguments: { TableName: table, Item: { pk: { S: 'svc-sdk' }, n: { N: '7' } } },
          Next: 'Query',
        },
        Query: {
          Type: 'Task',
          Resource: 'arn:aws:states:::aws-sdk:dynamodb:query',
          Arguments: { TableName: table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': { S: 'svc-sdk' } } },
          Assign: { count: '{% $states.result.Count %}' },
          Next: 'Missing',
        },
        Missing: {
          Type: 'Task',
          Resource: 'arn:aws:states:::aws-sdk:dynamodb:getItem',
          Arguments: { TableName: `${table}-missing`, Key: { pk: { S: 'x' } } },
          Catch: [{ ErrorEquals: ['States.ALL'], Output: { count: '{% $count %}', error: '{% $states.errorOutput.Error %}' }, Next: 'Done' }],
          End: true,
        },
        Done: { Type: 'Succeed' },
      }),
    );
    expect(r.output).toEqual({ count: 1, error: 'DynamoDb.ResourceNotFoundException' });
  });
});
