import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { NotFoundError, StaleStateError } from '../../functions/domain/errors';
import type { HttpApiEvent } from '../../functions/http/api-gateway';
import { signLocalJwt } from '../../functions/http/local-jwt';
import { createRoutes } from '../../functions/http/routes';
import { DECIDED, fakeDomainActions } from './support/fake-domain-actions';
import { jsonOf, ManualClock, STAFF_JWT_SECRET, startTestApi, WEBHOOK_SECRET, type TestApi } from './support/harness';
import { InMemoryWebhookLedger } from './support/in-memory-webhook-ledger';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api.stop();
});
beforeEach(() => {
  api.domain.calls.length = 0;
});

const nowSeconds = () => Math.floor(api.clock.now().getTime() / 1000);
const STAFF_ROUTES = [
  ['GET', '/staff/approvals', undefined],
  ['POST', '/staff/approvals/apr-1/decision', { decision: 'approve', reason: 'known customer' }],
  ['GET', '/staff/customers/CUS-77/timeline', undefined],
  ['GET', '/staff/notifications/undeliverable', undefined],
  ['POST', `/staff/notifications/${encodeURIComponent('invoice#INV-7#reminder#1')}/resend`, { reason: 'address corrected' }],
] as const;

describe('staff authentication', () => {
  it.each(STAFF_ROUTES)('%s %s without a token answers 401 and calls nothing', async (method, path, body) => {
    const res = await api.staff(path, { method, body, token: null });

    expect(res.status).toBe(401);
    expect(await jsonOf(res)).toMatchObject({ error: 'UnauthorizedError' });
    expect(api.domain.calls).toHaveLength(0);
  });

  it.each(STAFF_ROUTES)('%s %s with a token lacking the staff scope answers 403 and calls nothing', async (method, path, body) => {
    const res = await api.staff(path, { method, body, token: api.staffToken({ scope: 'hostcycle/read-only openid' }) });

    expect(res.status).toBe(403);
    expect(await jsonOf(res)).toMatchObject({ error: 'ForbiddenError' });
    expect(api.domain.calls).toHaveLength(0);
  });

  it.each([
    ['signed with another secret', () => signLocalJwt('some-other-secret', { sub: 'staff-ana', scope: 'hostcycle/staff', exp: nowSeconds() + 60 })],
    ['expired', () => api.staffToken({ exp: nowSeconds() - 3600 })],
    ['not yet valid', () => api.staffToken({ nbf: nowSeconds() + 3600 })],
    ['without alg HS256', () => unsignedToken({ sub: 'staff-ana', scope: 'hostcycle/staff', exp: nowSeconds() + 60 })],
    ['without a subject', () => api.staffToken({ sub: '' })],
    ['that is not a JWT', () => 'not-a-jwt'],
  ])('refuses a token %s with 401', async (_case, token) => {
    const res = await api.staff('/staff/approvals', { token: token() });

    expect(res.status).toBe(401);
    expect(api.domain.calls).toHaveLength(0);
  });

  it('accepts a good token and lists pending approvals', async () => {
    api.domain.override('listPendingApprovals', async () => ({ items: [], nextCursor: 'page-2' }));

    const res = await api.staff('/staff/approvals?kind=refund&limit=10');

    expect(res.status).toBe(200);
    expect(await jsonOf(res)).toEqual({ items: [], nextCursor: 'page-2' });
    expect(api.domain.callsOf('listPendingApprovals')).toEqual([{ kind: 'refund', limit: 10 }]);
  });
});

function unsignedToken(claims: Record<string, unknown>): string {
  const segment = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${segment({ alg: 'none', typ: 'JWT' })}.${segment(claims)}.`;
}

describe('POST /staff/approvals/{approvalId}/decision', () => {
  it('records the authenticated staff member as the decider', async () => {
    const token = api.staffToken({ sub: 'staff-marko', email: 'marko@hostico.example' });

    const res = await api.staff('/staff/approvals/apr-1/decision', {
      method: 'POST',
      token,
      body: { decision: 'reject', reason: 'card country differs from billing country' },
    });

    expect(res.status).toBe(200);
    expect(api.domain.callsOf('decideApproval')).toEqual([
      {
        approvalId: 'apr-1',
        decision: 'reject',
        reason: 'card country differs from billing country',
        decidedBy: { staffId: 'staff-marko', email: 'marko@hostico.example' },
      },
    ]);
    expect(await jsonOf(res)).toEqual(DECIDED.approval);
  });

  it.each(['approved', 'timed_out'] as const)('answers 409 and changes nothing when the approval is already %s', async (status) => {
    api.domain.override('decideApproval', async ({ approvalId }) => ({
      outcome: 'closed',
      approval: { approvalId, status, closedAt: '2026-11-21T18:00:00Z', decidedBy: status === 'approved' ? { staffId: 'staff-eva' } : null },
    }));

    const res = await api.staff('/staff/approvals/apr-1/decision', { method: 'POST', body: { decision: 'approve', reason: 'known customer' } });

    expect(res.status).toBe(409);
    expect(await jsonOf(res)).toMatchObject({ error: 'ApprovalClosed', approvalId: 'apr-1', status });
  });

  it('answers 409 when a concurrent decision wins the conditional write', async () => {
    api.domain.override('decideApproval', async () => {
      throw new StaleStateError('approval apr-1 is no longer pending');
    });

    const res = await api.staff('/staff/approvals/apr-1/decision', { method: 'POST', body: { decision: 'approve', reason: 'known customer' } });

    expect(res.status).toBe(409);
    expect(await jsonOf(res)).toMatchObject({ error: 'StaleStateError' });
  });

  it('answers 404 for an unknown approval', async () => {
    api.domain.override('decideApproval', async ({ approvalId }) => {
      throw new NotFoundError(`approval ${approvalId} does not exist`);
    });

    const res = await api.staff('/staff/approvals/apr-404/decision', { method: 'POST', body: { decision: 'approve', reason: 'known customer' } });

    expect(res.status).toBe(404);
    expect(await jsonOf(res)).toMatchObject({ error: 'NotFoundError', message: 'approval apr-404 does not exist' });
  });
});

describe('GET /staff/customers/{customerId}/timeline', () => {
  it('asks the domain for the decoded customer id and paging', async () => {
    const res = await api.staff('/staff/customers/CUS%3A77/timeline?limit=5&since=2026-11-01T00:00:00Z');

    expect(res.status).toBe(200);
    expect(api.domain.callsOf('customerTimeline')).toEqual([{ customerId: 'CUS:77', limit: 5, since: '2026-11-01T00:00:00Z' }]);
  });
});

describe('on AWS, behind the API Gateway JWT authorizer', () => {
  const clock = new ManualClock(new Date('2026-11-22T09:00:00Z'));
  const domain = fakeDomainActions();
  const routes = createRoutes(domain.actions, {
    clock,
    webhooks: { secrets: [WEBHOOK_SECRET], ledger: new InMemoryWebhookLedger() },
    staffAuth: { mode: 'api-gateway' },
    log: () => undefined,
  });
  const decide = routes.find((r) => r.spec.operationId === 'decideApproval')!.handler;

  function gatewayEvent(authorizer: HttpApiEvent['requestContext']['authorizer'], extraHeaders: Record<string, string> = {}): HttpApiEvent {
    return {
      version: '2.0',
      routeKey: 'POST /staff/approvals/{approvalId}/decision',
      rawPath: '/staff/approvals/apr-1/decision',
      rawQueryString: '',
      headers: { 'content-type': 'application/json', ...extraHeaders },
      pathParameters: { approvalId: 'apr-1' },
      body: JSON.stringify({ decision: 'approve', reason: 'known customer' }),
      isBase64Encoded: false,
      requestContext: {
        accountId: '123456789012',
        apiId: 'abc123',
        domainName: 'api.example.com',
        domainPrefix: 'api',
        requestId: 'req-1',
        routeKey: 'POST /staff/approvals/{approvalId}/decision',
        stage: '$default',
        time: '22/Nov/2026:09:00:00 +0000',
        timeEpoch: 1795338000000,
        http: { method: 'POST', path: '/staff/approvals/apr-1/decision', protocol: 'HTTP/1.1', sourceIp: '203.0.113.9', userAgent: 'test' },
        ...(authorizer === undefined ? {} : { authorizer }),
      },
    };
  }

  it('takes the decider from the claims the authorizer verified', async () => {
    const res = await decide(gatewayEvent({ jwt: { claims: { sub: 'staff-cognito-42', scope: 'openid hostcycle/staff' }, scopes: null } }));

    expect(res.statusCode).toBe(200);
    expect(domain.callsOf('decideApproval')).toEqual([expect.objectContaining({ decidedBy: { staffId: 'staff-cognito-42' } })]);
  });

  it('ignores a bearer header, since on AWS only the authorizer may vouch for a token', async () => {
    const forged = signLocalJwt(STAFF_JWT_SECRET, { sub: 'staff-forged', scope: 'hostcycle/staff', exp: 1795338000 + 60 });

    const res = await decide(gatewayEvent(undefined, { authorization: `Bearer ${forged}` }));

    expect(res.statusCode).toBe(401);
  });

  it('answers 403 when the authorizer granted other scopes only', async () => {
    const res = await decide(gatewayEvent({ jwt: { claims: { sub: 'staff-cognito-42' }, scopes: ['hostcycle/read-only'] } }));

    expect(res.statusCode).toBe(403);
  });
});

describe('POST /staff/notifications/{notificationId}/resend', () => {
  const path = `/staff/notifications/${encodeURIComponent('invoice#INV-7#reminder#1')}/resend`;

  it('passes the decoded id, the reason and the authenticated decider to the domain', async () => {
    const res = await api.staff(path, { method: 'POST', body: { reason: 'address corrected' }, token: api.staffToken({ sub: 'staff-marko' }) });

    expect(res.status).toBe(200);
    expect(api.domain.callsOf('resendNotification')).toEqual([{ notificationId: 'invoice#INV-7#reminder#1', reason: 'address corrected', decidedBy: { staffId: 'staff-marko' } }]);
  });

  it('answers 409 and names the state when the notification is not undeliverable', async () => {
    api.domain.override('resendNotification', async () => ({ outcome: 'not_undeliverable', state: 'done' }));

    const res = await api.staff(path, { method: 'POST', body: { reason: 'address corrected' } });

    expect(res.status).toBe(409);
    expect(await jsonOf(res)).toEqual({ error: 'NotificationNotUndeliverable', notificationId: 'invoice#INV-7#reminder#1', state: 'done' });
  });

  it.each([
    ['a reason too short', { reason: 'ok' }, 'reason'],
    ['no reason', {}, 'reason'],
    ['a recipient chosen by the caller', { reason: 'address corrected', to: 'someone@example.com' }, 'to'],
  ])('answers 400 naming the field for %s, and calls nothing', async (_case, body, field) => {
    const res = await api.staff(path, { method: 'POST', body });

    expect(res.status).toBe(400);
    expect(JSON.stringify(await jsonOf(res))).toContain(field);
    expect(api.domain.calls).toHaveLength(0);
  });

  it('answers 400 naming the field for a bad list query', async () => {
    const res = await api.staff('/staff/notifications/undeliverable?limit=0');

    expect(res.status).toBe(400);
    expect(JSON.stringify(await jsonOf(res))).toContain('limit');
    expect(api.domain.calls).toHaveLength(0);
  });
});
