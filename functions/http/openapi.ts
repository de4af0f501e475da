/**
 * The OpenAPI 3.1 document, generated from the route table: paths, parameters, bodies and responses
 * all come from the same zod schemas the handlers parse with (issue 4, "Intake and staff API").
 */
import { z } from 'zod';
import { pathParameterNames, type AnyRouteSpec, type ResponseSpec, type RouteAuth } from './define-route';
import { DUPLICATE_HEADER } from './middlewares/webhook-dedupe';
import { STAFF_SCOPE } from './middlewares/staff-auth';
import { errorBodySchema, validationErrorBodySchema } from './schemas/errors';
import { namedSchemas } from './schemas/registry';
import { WEBHOOK_SIGNATURE_HEADER, WEBHOOK_TIMESTAMP_HEADER, WEBHOOK_TOLERANCE_SECONDS } from './webhook-signature';

type Json = Record<string, unknown>;

const API_VERSION = '1.0.0';
const responseEntries = (route: AnyRouteSpec) => Object.entries(route.responses as Record<string, ResponseSpec>);
const ref = (id: string): Json => ({ $ref: `#/components/schemas/${id}` });

const SECURITY_SCHEMES = {
  webhookSignature: {
    type: 'apiKey',
    in: 'header',
    name: WEBHOOK_SIGNATURE_HEADER,
    description: [
      `Storefront webhooks are signed with a secret shared with hostcycle. Send \`${WEBHOOK_TIMESTAMP_HEADER}\` (unix seconds)`,
      `and \`${WEBHOOK_SIGNATURE_HEADER}: v1=<hex>\`, where <hex> is the lowercase hex HMAC-SHA256, keyed with the secret,`,
      'of the string `<timestamp>.<raw request body>` (the exact bytes sent). Deliveries whose timestamp is more than',
      `${WEBHOOK_TOLERANCE_SECONDS} seconds away from our clock are refused. During a secret rotation send one \`v1=\` entry`,
      'per secret, separated by commas; hostcycle accepts either of its two active secrets.',
    ].join(' '),
  },
  staffBearer: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description:
      `A JWT from the staff identity provider carrying the \`${STAFF_SCOPE}\` scope (in \`scope\`, space-separated). ` +
      'On AWS an API Gateway JWT authorizer verifies it; the local runtime accepts HS256 tokens signed with its local secret.',
  },
} as const;

function securityOf(auth: RouteAuth): Json[] {
  switch (auth) {
    case 'webhook':
      return [{ webhookSignature: [] }];
    case 'staff':
      return [{ staffBearer: [STAFF_SCOPE] }];
    case 'public':
      return [];
  }
}

/** Registers every schema a route uses under a component name, generating names for unnamed ones. */
function componentRegistry(routes: readonly AnyRouteSpec[]): { registry: z.core.$ZodRegistry<{ id: string }>; idOf: Map<z.ZodType, string> } {
  const registry = z.registry<{ id: string }>();
  const idOf = new Map<z.ZodType, string>();
  const add = (schema: z.ZodType, id: string) => {
    if (idOf.has(schema)) return;
    registry.add(schema, { id });
    idOf.set(schema, id);
  };
  for (const [id, schema] of namedSchemas()) add(schema, id);
  for (const route of routes) {
    const capitalised = route.operationId.charAt(0).toUpperCase() + route.operationId.slice(1);
    if (route.body !== undefined) add(route.body, `${capitalised}Request`);
    for (const [status, response] of responseEntries(route)) add(response.schema, `${capitalised}${status}Response`);
  }
  return { registry, idOf };
}

function discriminatorOf(schema: z.ZodType, idOf: ReadonlyMap<z.ZodType, string>): Json | undefined {
  if (!(schema instanceof z.ZodDiscriminatedUnion)) return undefined;
  const propertyName = schema._zod.def.discriminator;
  const mapping: Record<string, string> = {};
  for (const option of schema.options) {
    const optionId = idOf.get(option as z.ZodType);
    const value = (option as z.ZodObject).shape[propertyName];
    // Only a union of named objects can be mapped; an inline union stays a plain oneOf.
    if (optionId === undefined || !(value instanceof z.ZodLiteral)) return undefined;
    mapping[String(value.value)] = `#/components/schemas/${optionId}`;
  }
  return { propertyName, mapping };
}

function withDiscriminators(components: Record<string, Json>, idOf: ReadonlyMap<z.ZodType, string>): void {
  for (const [schema, id] of idOf) {
    const discriminator = discriminatorOf(schema, idOf);
    const component = components[id];
    if (discriminator !== undefined && component !== undefined) component.discriminator = discriminator;
  }
}

function parametersOf(schema: z.ZodType | undefined, location: 'path' | 'query'): Json[] {
  if (schema === undefined) return [];
  const json = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input' }) as Json;
  const properties = (json.properties ?? {}) as Record<string, Json>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(properties).map(([name, { description, ...propertySchema }]) => ({
    name,
    in: location,
    required: location === 'path' || required.has(name),
    ...(typeof description === 'string' ? { description } : {}),
    schema: propertySchema,
  }));
}

const jsonContent = (schema: Json) => ({ content: { 'application/json': { schema } } });

function responsesOf(route: AnyRouteSpec, idOf: ReadonlyMap<z.ZodType, string>): Record<string, Json> {
  const responses: Record<string, Json> = {};
  for (const [status, response] of responseEntries(route)) {
    const id = idOf.get(response.schema);
    if (id === undefined) throw new Error(`${route.operationId}: response ${status} has no component`);
    responses[status] = status === '204' ? { description: response.description } : { description: response.description, ...jsonContent(ref(id)) };
    if (route.auth === 'webhook' && status === '200') {
      responses[status] = {
        ...responses[status],
        headers: { [DUPLICATE_HEADER]: { description: 'Present on redeliveries of an already processed event.', schema: { const: 'true' } } },
      };
    }
  }
  const error = (status: number, description: string, schema: z.ZodType = errorBodySchema) => {
    const schemaId = idOf.get(schema);
    if (schemaId === undefined) throw new Error('error body schemas must be named');
    const existing = responses[status];
    if (existing === undefined) {
      responses[status] = { description, ...jsonContent(ref(schemaId)) };
      return;
    }
    const declared = ((existing.content as Json)['application/json'] as Json).schema as Json;
    responses[status] = {
      description: `${String(existing.description)} Or: ${description}`,
      ...jsonContent({ oneOf: [declared, ref(schemaId)] }),
    };
  };
  const hasInput = route.body !== undefined || route.params !== undefined || route.query !== undefined;
  if (hasInput || route.auth === 'webhook') error(400, 'A field is missing or invalid, or the body is not JSON; every offending field is named.', validationErrorBodySchema);
  if (route.auth === 'webhook') error(401, `Missing or wrong ${WEBHOOK_SIGNATURE_HEADER}, or a stale ${WEBHOOK_TIMESTAMP_HEADER}. Nothing was recorded.`);
  if (route.auth === 'staff') error(401, 'No valid staff bearer token.');
  if (route.auth === 'staff') error(403, `The token lacks the ${STAFF_SCOPE} scope.`);
  for (const [status, description] of Object.entries(route.domainErrors ?? {})) error(Number(status), description);
  if (route.auth === 'webhook') error(409, 'This eventId was already delivered with a different body.');
  if (route.body !== undefined) error(415, 'The body is not application/json.');
  if (route.auth === 'webhook') error(503, 'The first delivery of this eventId is still being processed; retry after the Retry-After seconds.');
  error(500, 'Failed on our side; nothing about the cause is disclosed. Quote the requestId. Webhooks should be redelivered.');
  return Object.fromEntries(Object.entries(responses).sort(([a], [b]) => Number(a) - Number(b)));
}

function operationOf(route: AnyRouteSpec, idOf: ReadonlyMap<z.ZodType, string>): Json {
  const parameters = [
    ...parametersOf(route.params, 'path'),
    ...parametersOf(route.query, 'query'),
    ...(route.auth === 'webhook'
      ? [
          {
            name: WEBHOOK_TIMESTAMP_HEADER,
            in: 'header',
            required: true,
            description: 'Unix seconds when the delivery was signed; part of the signed string.',
            schema: { type: 'string', pattern: '^\\d{1,12}$' },
          },
        ]
      : []),
  ];
  const bodyId = route.body === undefined ? undefined : idOf.get(route.body);
  return {
    operationId: route.operationId,
    summary: route.summary,
    ...(route.description === undefined ? {} : { description: route.description }),
    tags: [...route.tags],
    security: securityOf(route.auth),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(bodyId === undefined ? {} : { requestBody: { required: true, ...jsonContent(ref(bodyId)) } }),
    responses: responsesOf(route, idOf),
  };
}

export function buildOpenApiDocument(routes: readonly AnyRouteSpec[]): Json {
  for (const route of routes) {
    const names = pathParameterNames(route.path);
    if (names.length > 0 && route.params === undefined) throw new Error(`${route.operationId}: path parameters without a schema`);
  }
  const { registry, idOf } = componentRegistry(routes);
  const generated = z.toJSONSchema(registry, {
    target: 'draft-2020-12',
    io: 'input',
    uri: (id) => `#/components/schemas/${id}`,
  }).schemas as Record<string, Json>;
  // The document's jsonSchemaDialect already names the dialect, and component ids are their refs.
  const components: Record<string, Json> = {};
  for (const name of Object.keys(generated).sort()) {
    const { $schema: _dialect, $id: _id, ...schema } = generated[name] as Json;
    components[name] = schema;
  }
  withDiscriminators(components, idOf);

  const paths: Record<string, Record<string, Json>> = {};
  for (const route of routes) {
    (paths[route.path] ??= {})[route.method.toLowerCase()] = operationOf(route, idOf);
  }
  const tags = [...new Set(routes.flatMap((r) => r.tags))].map((name) => ({ name }));
  return {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: {
      title: 'hostcycle API',
      version: API_VERSION,
      description:
        'Storefront webhooks and the staff API of hostcycle. Every error body names the error class; a 400 lists each ' +
        'offending field as a dotted path (`data.items.0.price.amount`) with the reason. Amounts are integer minor units ' +
        'with an ISO 4217 currency.',
    },
    tags,
    paths,
    components: { schemas: components, securitySchemes: SECURITY_SCHEMES },
  };
}

/** The committed form: stable key order and a trailing newline, so regeneration is a clean diff. */
export function renderOpenApiJson(routes: readonly AnyRouteSpec[]): string {
  return `${JSON.stringify(buildOpenApiDocument(routes), null, 2)}\n`;
}
