/**
 * Task resources: Lambda (optimised `lambda:invoke` and plain function ARNs) resolved through a
 * registry of in-process handlers, and DynamoDB (optimised and `aws-sdk:` integrations) against the
 * DynamoDB client the engine is given. Results and error names follow what AWS returns.
 */
import { randomUUID } from 'node:crypto';
import * as dynamodb from '@aws-sdk/client-dynamodb';
import type { ResourceSpec } from './definition';
import { StatesError } from './errors';
import type { Json } from './expressions';

/** What a handler receives as its second argument: the parts of the Lambda context handlers use. */
export interface LambdaContext {
  functionName: string;
  functionVersion: string;
  invokedFunctionArn: string;
  memoryLimitInMB: string;
  awsRequestId: string;
  logGroupName: string;
  logStreamName: string;
  callbackWaitsForEmptyEventLoop: boolean;
  getRemainingTimeInMillis(): number;
}

export type LambdaHandler = (event: unknown, context: LambdaContext) => unknown;

export type LambdaRegistry = Record<string, LambdaHandler>;

export interface ResourceEnv {
  lambdas: Map<string, LambdaHandler>;
  dynamodb: dynamodb.DynamoDBClient | undefined;
  region: string;
  accountId: string;
  nowMs: () => number;
  /** Lambda's own timeout, used for getRemainingTimeInMillis. */
  lambdaTimeoutMs: number;
}

function json(value: unknown): Json {
  return value === undefined ? null : (JSON.parse(JSON.stringify(value)) as Json);
}

/** Lambda's name for a FunctionName that may be a name, a partial or a full ARN, with or without a qualifier. */
function functionNameOf(ref: string): string {
  const m = /(?:^|:function:)([A-Za-z0-9_-]+)(?::[A-Za-z0-9$_-]+)?$/.exec(ref);
  return m ? (m[1] as string) : ref;
}

async function invokeLambda(env: ResourceEnv, functionRef: string, payload: unknown): Promise<{ result: Json; requestId: string }> {
  const name = functionNameOf(functionRef);
  const arn = `arn:aws:lambda:${env.region}:${env.accountId}:function:${name}`;
  const handler = env.lambdas.get(name);
  if (!handler) {
    throw new StatesError(
      'Lambda.ResourceNotFoundException',
      `Function not found: ${arn} (Service: Lambda, Status Code: 404, Request ID: ${randomUUID()})`,
    );
  }
  const requestId = randomUUID();
  const deadline = env.nowMs() + env.lambdaTimeoutMs;
  const context: LambdaContext = {
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: arn,
    memoryLimitInMB: '128',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: `local/${requestId}`,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - env.nowMs()),
  };
  try {
    // Lambda hands the handler a deserialised copy, never the caller's object.
    const result = await handler(json(payload), context);
    return { result: json(result), requestId };
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    const errorType = err.name || 'Error';
    // The Node.js runtime's error payload: errorType, errorMessage and the stack as `trace`.
    const cause = JSON.stringify({ errorType, errorMessage: err.message, trace: (err.stack ?? '').split('\n') });
    throw new StatesError(errorType, cause);
  }
}

function lambdaInvokeResult(payload: Json, requestId: string): Json {
  const headers = { Connection: 'keep-alive', 'Content-Type': 'application/json', 'X-Amz-Executed-Version': '$LATEST', 'x-amzn-RequestId': requestId };
  return {
    ExecutedVersion: '$LATEST',
    Payload: payload,
    SdkHttpMetadata: {
      AllHttpHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
      HttpHeaders: headers,
      HttpStatusCode: 200,
    },
    SdkResponseMetadata: { RequestId: requestId },
    StatusCode: 200,
  };
}

async function callDynamo(env: ResourceEnv, spec: Extract<ResourceSpec, { kind: 'dynamodb' }>, args: Json): Promise<Json> {
  if (!env.dynamodb) throw new StatesError('States.Runtime', `the local engine was started without a DynamoDB client; cannot run ${spec.action}`);
  const Command = (dynamodb as unknown as Record<string, new (input: unknown) => Parameters<dynamodb.DynamoDBClient['send']>[0]>)[spec.command];
  if (!Command) throw new StatesError('States.Runtime', `unknown DynamoDB action ${spec.action}`);
  try {
    const { $metadata, ...rest } = (await env.dynamodb.send(new Command(args))) as { $metadata: { requestId?: string; httpStatusCode?: number } };
    const body = json(rest) as Record<string, Json>;
    if (spec.sdk) return body;
    const requestId = $metadata.requestId ?? randomUUID();
    const headers = { 'Content-Type': 'application/x-amz-json-1.0', 'x-amzn-RequestId': requestId };
    return {
      ...body,
      SdkHttpMetadata: { AllHttpHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])), HttpHeaders: headers, HttpStatusCode: $metadata.httpStatusCode ?? 200 },
      SdkResponseMetadata: { RequestId: requestId },
    };
  } catch (e) {
    if (e instanceof StatesError) throw e;
    const err = e as Error & { $metadata?: { httpStatusCode?: number; requestId?: string } };
    // Optimised integrations prefix with the service's name (DynamoDB.), AWS SDK integrations with the SDK's (DynamoDb.).
    const prefix = spec.sdk ? 'DynamoDb' : 'DynamoDB';
    const status = err.$metadata?.httpStatusCode ?? 400;
    throw new StatesError(`${prefix}.${err.name}`, `${err.message} (Service: DynamoDb, Status Code: ${status}, Error Code: ${err.name}, Request ID: ${err.$metadata?.requestId ?? randomUUID()})`);
  }
}

function requireObject(args: Json, resource: string): Record<string, Json> {
  if (args === null || typeof args !== 'object' || Array.isArray(args)) throw new StatesError('States.Runtime', `Arguments for ${resource} must be a JSON object`);
  return args;
}

/** Runs one task attempt and returns its result, or throws a StatesError with AWS's error name. */
export async function runResource(env: ResourceEnv, spec: ResourceSpec, resource: string, args: Json): Promise<Json> {
  switch (spec.kind) {
    case 'lambda:invoke': {
      const a = requireObject(args, resource);
      if (typeof a.FunctionName !== 'string') throw new StatesError('States.Runtime', `Arguments.FunctionName is required for ${resource}`);
      const { result, requestId } = await invokeLambda(env, a.FunctionName, a.Payload ?? {});
      return lambdaInvokeResult(result, requestId);
    }
    case 'lambda:arn':
      return (await invokeLambda(env, spec.functionName, args)).result;
    case 'dynamodb':
      return callDynamo(env, spec, requireObject(args, resource));
  }
}

/** History `resourceType`/`resource` pair for a task resource, as AWS records them. */
export function resourceNames(spec: ResourceSpec, resource: string): { resourceType: string; resource: string } {
  switch (spec.kind) {
    case 'lambda:invoke':
      return { resourceType: 'lambda', resource: spec.waitForTaskToken ? 'invoke.waitForTaskToken' : 'invoke' };
    case 'lambda:arn':
      return { resourceType: 'lambda', resource };
    case 'dynamodb':
      return { resourceType: spec.sdk ? 'aws-sdk:dynamodb' : 'dynamodb', resource: spec.action };
  }
}
