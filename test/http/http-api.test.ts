import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fixedClock } from '../../functions/domain/clock';
import type { HttpApiEvent } from '../../functions/http/api-gateway';
import { reply, routeDefiner, type Route } from '../../functions/http/define-route';
import { startHttpApi, type RunningHttpApi } from '../../infra/local/http-api';
import { jsonOf, startTestApi, type TestApi } from './support/harness';

describe('local HTTP API with the product routes', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(async () => {
    await api.stop();
  });

  it('answers GET /health', async () => {
    const res = await fetch(`${api.url}/health`);

    expect(res.status).toBe(200);
    expect(await jsonOf(res)).toEqual({ status: 'ok', time: '2026-11-22T09:00:00.000Z' });
  });

  it('answers 404 for an unknown route', async () => {
    const res = await fetch(`${api.url}/webhooks/unknown`, { method: 'POST' });

    expect(res.status).toBe(404);
  });

  it('answers 405 with Allow for a known path and another method', async () => {
    const res = await fetch(`${api.url}/webhooks/storefront`);

    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
  });

  it('refuses a body over the limit with 413 before any handler runs', async () => {
    const res = await api.deliver(undefined, { rawBody: JSON.stringify({ padding: 'x'.repeat(70 * 1024) }) });

    expect(res.status).toBe(413);
    expect(api.domain.calls).toHaveLength(0);
  });

  it('serves the OpenAPI document', async () => {
    const res = await fetch(`${api.url}/openapi.json`);

    expect(res.status).toBe(200);
    expect((await jsonOf(res)).openapi).toBe('3.1.0');
  });
});

describe('the API Gateway v2.0 event it builds', () => {
  const seen: HttpApiEvent[] = [];
  const defineRoute = routeDefiner<unknown>();
  const spec = defineRoute({
    method: 'POST',
    path: '/probe/{probeId}',
    operationId: 'probe',
    summary: 'captures its event',
    tags: ['test'],
    auth: 'public',
    params: z.object({ probeId: z.string() }),
    responses: { 200: { description: 'ok', schema: z.object({}) } },
    handler: async () => reply(200, {}),
  });
  const probe: Route = {
    spec,
    handler: async (event) => {
      seen.push(event);
      return { statusCode: 201, headers: { 'x-probe': 'yes' }, body: 'created' };
    },
  };
  let server: RunningHttpApi;
  beforeAll(async () => {
    server = await startHttpApi({ port: 0, routes: [probe], clock: fixedClock('2026-11-22T09:00:00Z') });
  });
  afterAll(async () => {
    await server.stop();
  });

  it('carries route key, path, lower-cased headers, query, decoded path parameters and a text body', async () => {
    const res = await fetch(`${server.url}/probe/a%2Fb?x=1&x=2&y=z`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Trace-Id': 'T-1', cookie: 'a=1; b=2' },
      body: '{"hello":"world"}',
    });

    expect(res.status).toBe(201);
    expect(res.headers.get('x-probe')).toBe('yes');
    expect(await res.text()).toBe('created');
    const event = seen.at(-1)!;
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'POST /probe/{probeId}',
      rawPath: '/probe/a%2Fb',
      rawQueryString: 'x=1&x=2&y=z',
      queryStringParameters: { x: '1,2', y: 'z' },
      pathParameters: { probeId: 'a/b' },
      cookies: ['a=1', 'b=2'],
      body: '{"hello":"world"}',
      isBase64Encoded: false,
      requestContext: {
        routeKey: 'POST /probe/{probeId}',
        stage: '$default',
        time: '22/Nov/2026:09:00:00 +0000',
        timeEpoch: Date.parse('2026-11-22T09:00:00Z'),
        http: { method: 'POST', path: '/probe/a%2Fb' },
      },
    });
    expect(event.headers['x-trace-id']).toBe('T-1');
    expect(event.headers['content-type']).toBe('application/json');
    expect(event.headers.cookie).toBeUndefined();
    expect(event.requestContext.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('base64-encodes a binary body like API Gateway does', async () => {
    await fetch(`${server.url}/probe/p1`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: new Uint8Array([0, 255, 1]),
    });

    const event = seen.at(-1)!;
    expect(event.isBase64Encoded).toBe(true);
    expect(Buffer.from(event.body!, 'base64')).toEqual(Buffer.from([0, 255, 1]));
  });

  it('answers 400 for a malformed percent-encoding in a path parameter', async () => {
    const before = seen.length;

    const res = await fetch(`${server.url}/probe/%E0%A4%A`, { method: 'POST' });

    expect(res.status).toBe(400);
    expect(seen).toHaveLength(before);
  });
});
