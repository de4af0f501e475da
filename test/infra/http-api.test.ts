import type { CfnElement } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { STAFF_SCOPE } from '../../functions/http/middlewares/staff-auth';
import { routeSpecs } from '../../functions/http/routes';
import { getAttId, resourcesOf, synthesize, SYNTH_TIMEOUT_MS, TEST_CONTEXT, type Resource, type Synthesized } from './support';

let synthesized: Synthesized;
let service: Template;
beforeAll(() => {
  synthesized = synthesize();
  ({ service } = synthesized);
}, SYNTH_TIMEOUT_MS);

function routeOf(method: string, path: string): Resource {
  const found = resourcesOf(service, 'AWS::ApiGatewayV2::Route').find(([, r]) => r.Properties.RouteKey === `${method} ${path}`);
  if (found === undefined) throw new Error(`no route ${method} ${path}`);
  return found[1];
}

const authorizerId = () => {
  const authorizers = resourcesOf(service, 'AWS::ApiGatewayV2::Authorizer');
  expect(authorizers).toHaveLength(1);
  return (authorizers[0] as [string, Resource])[0];
};

describe('HTTP API', () => {
  it('has exactly the routes of functions/http/routes.ts', () => {
    const keys = resourcesOf(service, 'AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties.RouteKey).sort();
    expect(keys).toEqual(routeSpecs.map((r) => `${r.method} ${r.path}`).sort());
  });

  it.each(routeSpecs.filter((r) => r.auth === 'staff').map((r) => [`${r.method} ${r.path}`, r] as const))('puts staff route %s behind the JWT authorizer with the staff scope', (_key, spec) => {
    const route = routeOf(spec.method, spec.path);
    expect(route.Properties.AuthorizationType).toBe('JWT');
    expect(route.Properties.AuthorizerId).toEqual({ Ref: authorizerId() });
    expect(route.Properties.AuthorizationScopes).toEqual([STAFF_SCOPE]);
  });

  it.each(routeSpecs.filter((r) => r.auth !== 'staff').map((r) => [`${r.method} ${r.path}`, r] as const))('leaves %s without an authorizer: its function verifies the webhook signature, or it is public', (_key, spec) => {
    const route = routeOf(spec.method, spec.path);
    expect(route.Properties.AuthorizationType).toBe('NONE');
    expect(route.Properties.AuthorizerId).toBeUndefined();
  });

  it('sends every route to the HTTP function', () => {
    const integrations = resourcesOf(service, 'AWS::ApiGatewayV2::Integration');
    expect(integrations).toHaveLength(1);
    const http = synthesized.hostcycle.service.functions.get('hostcycle-http-api');
    const httpId = synthesized.hostcycle.service.getLogicalId(http?.node.defaultChild as CfnElement);
    expect(JSON.stringify((integrations[0] as [string, Resource])[1].Properties.IntegrationUri)).toContain(httpId);
  });

  it('verifies staff tokens from the stack-created Cognito user pool, for its console client', () => {
    const [, authorizer] = resourcesOf(service, 'AWS::ApiGatewayV2::Authorizer')[0] as [string, Resource];
    expect(authorizer.Properties.AuthorizerType).toBe('JWT');
    const jwt = authorizer.Properties.JwtConfiguration as { Issuer: unknown; Audience: unknown[] };
    const poolId = resourcesOf(service, 'AWS::Cognito::UserPool')[0]?.[0] as string;
    const clientId = resourcesOf(service, 'AWS::Cognito::UserPoolClient')[0]?.[0] as string;
    expect(JSON.stringify(jwt.Issuer)).toContain(poolId);
    expect(jwt.Audience).toEqual([{ Ref: clientId }]);
  });

  it('creates the staff group and the hostcycle/staff scope, and the client grants that scope', () => {
    service.hasResourceProperties('AWS::Cognito::UserPoolGroup', { GroupName: 'staff' });
    const [server, scope] = STAFF_SCOPE.split('/');
    service.hasResourceProperties('AWS::Cognito::UserPoolResourceServer', { Identifier: server, Scopes: [{ ScopeName: scope, ScopeDescription: 'Act as hostcycle staff' }] });
    const [, client] = resourcesOf(service, 'AWS::Cognito::UserPoolClient')[0] as [string, Resource];
    expect(JSON.stringify(client.Properties.AllowedOAuthScopes)).toContain(scope);
    expect(client.Properties.AllowedOAuthFlows).toEqual(['code']);
  });

  it('lets only administrators create staff, who must use MFA', () => {
    service.hasResourceProperties('AWS::Cognito::UserPool', { AdminCreateUserConfig: { AllowAdminCreateUserOnly: true }, MfaConfiguration: 'ON' });
  });

  it('allows CORS from the configured origins only', () => {
    service.hasResourceProperties('AWS::ApiGatewayV2::Api', { CorsConfiguration: { AllowOrigins: [TEST_CONTEXT.allowedOrigins] } });
  });

  it('logs every request to a log group', () => {
    const [, stage] = resourcesOf(service, 'AWS::ApiGatewayV2::Stage')[0] as [string, Resource];
    expect(stage.Properties.StageName).toBe('$default');
    const settings = stage.Properties.AccessLogSettings as { DestinationArn: unknown; Format: string };
    expect(service.toJSON().Resources[getAttId(settings.DestinationArn) as string].Type).toBe('AWS::Logs::LogGroup');
    expect(settings.Format).toContain('$context.requestId');
  });

  it('keeps the webhook secret in Secrets Manager and gives its ARN, not its value, to the HTTP function', () => {
    const [secretId] = resourcesOf(service, 'AWS::SecretsManager::Secret')[0] as [string, Resource];
    const http = resourcesOf(service, 'AWS::Lambda::Function').find(([, fn]) => fn.Properties.Description === 'hostcycle-http-api');
    expect((http?.[1].Properties.Environment as { Variables: Record<string, unknown> }).Variables.WEBHOOK_SECRET_ARN).toEqual({ Ref: secretId });
  });
});

describe('HTTP API with an external staff issuer', () => {
  it('uses the issuer and audience from context and creates no user pool', () => {
    const staffIssuer = { issuer: 'https://login.hostico.example/realms/staff', audience: ['hostcycle-console'] };
    const { service: external } = synthesize({ ...TEST_CONTEXT, staffIssuer: JSON.stringify(staffIssuer) });
    external.resourceCountIs('AWS::Cognito::UserPool', 0);
    external.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', { JwtConfiguration: { Issuer: staffIssuer.issuer, Audience: staffIssuer.audience } });
  });
});
