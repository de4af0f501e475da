/**
 * Starts DynamoDB Local once for the whole test run (not per test) and hands its endpoint to every
 * test file through vitest's `provide`/`inject`. Each test file creates its own table with a unique
 * name (see test/support/dynamodb.ts), so files can run in parallel against one server.
 */
import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal } from '../../infra/local/dynamodb-local';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
  }
}

export default async function setup(project: TestProject) {
  const ddb = await startDynamoDbLocal();
  project.provide('dynamoEndpoint', ddb.endpoint);
  return async () => {
    await ddb.stop();
  };
}
