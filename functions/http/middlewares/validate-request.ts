import type { z } from 'zod';
import { RequestValidationError, type FieldIssue } from '../errors';
import type { RouteMiddleware } from './route-event';

export interface RequestSchemas {
  body?: z.ZodType | undefined;
  params?: z.ZodType | undefined;
  query?: z.ZodType | undefined;
}

function reasonOf(issue: z.core.$ZodIssue): string {
  const missing = 'input' in issue && issue.input === undefined && issue.code !== 'custom';
  if (!missing) return issue.message;
  return issue.code === 'invalid_type' ? `is required (expected ${issue.expected})` : `is required; ${issue.message}`;
}

function fieldOf(issue: z.core.$ZodIssue, root: string, key?: string | number): string {
  const path = key === undefined ? issue.path : [...issue.path, key];
  return path.length === 0 ? root : path.map(String).join('.');
}

function issuesOf(error: z.ZodError, root: string): FieldIssue[] {
  return error.issues.flatMap((issue) =>
    // One entry per offending key, so that each names a field a sender can find.
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ field: fieldOf(issue, root, key), reason: 'is not allowed' }))
      : [{ field: fieldOf(issue, root), reason: reasonOf(issue) }],
  );
}

/**
 * Parses body, path parameters and query string with the route's schemas and answers 400 with every
 * offending field at once. Input values are only inspected to tell "missing" from "wrong", never echoed.
 */
export function validateRequest(schemas: RequestSchemas): RouteMiddleware {
  const parse = (schema: z.ZodType | undefined, value: unknown, root: string, issues: FieldIssue[]): unknown => {
    if (schema === undefined) return undefined;
    const result = schema.safeParse(value, { reportInput: true });
    if (result.success) return result.data;
    issues.push(...issuesOf(result.error, root));
    return undefined;
  };
  return {
    name: 'validateRequest',
    before: ({ event }) => {
      const issues: FieldIssue[] = [];
      const params = parse(schemas.params, event.pathParameters ?? {}, 'path', issues);
      const query = parse(schemas.query, event.queryStringParameters ?? {}, 'query', issues);
      const body = parse(schemas.body, event.jsonBody, 'body', issues);
      const [first, ...rest] = issues;
      if (first !== undefined) throw new RequestValidationError([first, ...rest]);
      event.input = { body, params, query };
    },
  };
}
