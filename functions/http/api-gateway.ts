/**
 * The API Gateway HTTP API (payload format 2.0) shapes this layer speaks. Declared here rather than
 * taken from `@types/aws-lambda` so the local HTTP API and the Lambda entry points build exactly the
 * fields the handlers read, and nothing they might accidentally depend on.
 */

export interface JwtAuthorizerContext {
  jwt: {
    /** API Gateway passes every claim through; scalar claims arrive as strings on AWS. */
    claims: Record<string, string | number | boolean | string[]>;
    /** Filled by API Gateway only when the route declares authorization scopes. */
    scopes: string[] | null;
  };
}

export interface HttpApiEvent {
  version: '2.0';
  routeKey: string;
  rawPath: string;
  rawQueryString: string;
  cookies?: string[];
  /** Lower-cased names; repeated headers are joined with commas. */
  headers: Record<string, string | undefined>;
  queryStringParameters?: Record<string, string | undefined>;
  pathParameters?: Record<string, string | undefined>;
  body?: string;
  isBase64Encoded: boolean;
  requestContext: {
    accountId: string;
    apiId: string;
    domainName: string;
    domainPrefix: string;
    requestId: string;
    routeKey: string;
    stage: string;
    time: string;
    timeEpoch: number;
    http: { method: string; path: string; protocol: string; sourceIp: string; userAgent: string };
    authorizer?: JwtAuthorizerContext;
  };
}

export interface HttpApiResult {
  statusCode: number;
  headers?: Record<string, string>;
  body?: string;
  isBase64Encoded?: boolean;
}

export function jsonResult(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpApiResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(body),
  };
}
