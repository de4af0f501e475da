import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { pathParameterNames } from '../../functions/http/define-route';
import { buildOpenApiDocument, renderOpenApiJson } from '../../functions/http/openapi';
import { routeSpecs } from '../../functions/http/routes';

type Json = Record<string, any>;
const doc = buildOpenApiDocument(routeSpecs) as Json;

function collectRefs(node: unknown, into: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => collectRefs(n, into));
  else if (node !== null && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') into.push(value);
      else collectRefs(value, into);
    }
  }
  return into;
}

describe('the OpenAPI document', () => {
  it('is the committed openapi.json (regenerate with `npx tsx scripts/openapi.ts`)', () => {
    const committed = readFileSync(new URL('../../openapi.json', import.meta.url), 'utf8');

    expect(committed).toBe(renderOpenApiJson(routeSpecs));
  });

  it('declares OpenAPI 3.1 with the JSON Schema 2020-12 dialect and an info block', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.jsonSchemaDialect).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(doc.info).toMatchObject({ title: expect.any(String), version: expect.any(String) });
  });

  it.each(routeSpecs.map((r) => [r.method, r.path, r] as const))('documents %s %s', (method, path, route) => {
    const operation = doc.paths[path]?.[method.toLowerCase()];

    expect(operation).toBeDefined();
    expect(operation.operationId).toBe(route.operationId);
    for (const status of Object.keys(route.responses)) expect(operation.responses[status]).toBeDefined();
    expect(operation.responses['500']).toBeDefined();
    const pathParams = (operation.parameters ?? []).filter((p: Json) => p.in === 'path');
    expect(pathParams.map((p: Json) => p.name).sort()).toEqual(pathParameterNames(path).sort());
    expect(pathParams.every((p: Json) => p.required === true)).toBe(true);
    if (route.body !== undefined) {
      expect(operation.requestBody.content['application/json'].schema.$ref).toMatch(/^#\/components\/schemas\//);
      expect(operation.responses['400'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/ValidationErrorBody' });
    }
  });

  it('gives operation ids that are unique', () => {
    const ids = Object.values(doc.paths).flatMap((ops: any) => Object.values(ops).map((op: any) => op.operationId));

    expect(new Set(ids).size).toBe(routeSpecs.length);
  });

  it('resolves every $ref to a component schema', () => {
    const refs = collectRefs(doc);

    expect(refs.length).toBeGreaterThan(10);
    for (const ref of refs) {
      expect(ref).toMatch(/^#\/components\/schemas\/\w+$/);
      expect(doc.components.schemas[ref.split('/').at(-1)!], ref).toBeDefined();
    }
  });

  it('documents the webhook body as one schema per event type, discriminated by type', () => {
    const envelope = doc.components.schemas.WebhookEvent;

    expect(Object.keys(envelope.discriminator.mapping).sort()).toEqual(
      ['deferral.requested', 'order.placed', 'payment.received', 'provisioning.result', 'refund.requested', 'withdrawal.requested'],
    );
    expect(doc.components.schemas.OrderPlacedEvent.required).toEqual(['eventId', 'type', 'occurredAt', 'data']);
    expect(doc.components.schemas.Money.properties.amount.type).toBe('integer');
  });

  it('describes the 400 error shape with field paths and reasons', () => {
    expect(doc.components.schemas.ValidationErrorBody.properties.issues.items.required).toEqual(['field', 'reason']);
  });

  it('secures webhooks with the signature scheme and staff routes with the bearer scheme and scope', () => {
    const { webhookSignature, staffBearer } = doc.components.securitySchemes;

    expect(webhookSignature).toMatchObject({ type: 'apiKey', in: 'header', name: 'Hostcycle-Signature' });
    expect(webhookSignature.description).toMatch(/HMAC-SHA256.*<timestamp>\.<raw request body>/);
    expect(staffBearer).toMatchObject({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
    expect(doc.paths['/webhooks/storefront'].post.security).toEqual([{ webhookSignature: [] }]);
    expect(doc.paths['/webhooks/storefront'].post.responses['401']).toBeDefined();
    expect(doc.paths['/webhooks/storefront'].post.responses['409']).toBeDefined();
    expect(doc.paths['/staff/approvals'].get.security).toEqual([{ staffBearer: ['hostcycle/staff'] }]);
    expect(doc.paths['/staff/approvals'].get.responses['403']).toBeDefined();
    expect(doc.paths['/health'].get.security).toEqual([]);
  });

  it('documents the decision conflict and never exposes a task token', () => {
    const decision = doc.paths['/staff/approvals/{approvalId}/decision'].post;

    expect(decision.responses['409'].content['application/json'].schema).toBeDefined();
    expect(JSON.stringify(doc)).not.toMatch(/taskToken/i);
    expect(doc.components.schemas.DecisionRequest.additionalProperties).toBe(false);
  });
});
