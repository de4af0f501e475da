/**
 * The HTTP API: every route of functions/http/routes.ts, each to the one HTTP function, which picks
 * the route by its route key. The authorization of a route follows its `auth`:
 *
 *   staff    API Gateway's JWT authorizer, requiring the `hostcycle/staff` scope, before the function runs
 *   webhook  no authorizer: the storefront signs each delivery (HMAC-SHA256 over timestamp and raw
 *            body) and the function verifies it with the secret in Secrets Manager, because only
 *            the function sees the raw body
 *   public   no authorizer (the liveness check)
 *
 * Staff tokens come from a Cognito user pool the stack creates, or from an external OpenID Connect
 * issuer named in context (`staffIssuer`).
 */
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  CorsHttpMethod,
  HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
  HttpStage,
  LogGroupLogDestination,
  type IHttpRouteAuthorizer,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import {
  AccountRecovery,
  CfnUserPoolGroup,
  FeaturePlan,
  Mfa,
  OAuthScope,
  ResourceServerScope,
  StandardThreatProtectionMode,
  UserPool,
  type UserPoolClient,
} from 'aws-cdk-lib/aws-cognito';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { STAFF_SCOPE } from '../../../functions/http/middlewares/staff-auth';

/** What the API needs to know of a route; `routeSpecs` entries satisfy it. */
export interface RouteShape {
  method: string;
  path: string;
  auth: 'webhook' | 'staff' | 'public';
}

export const STAFF_GROUP = 'staff';
const [RESOURCE_SERVER, SCOPE_NAME] = STAFF_SCOPE.split('/') as [string, string];

export interface StaffDirectoryProps {
  /** Where the staff console runs; its sign-in redirects return there. */
  allowedOrigins: readonly string[];
}

/**
 * Staff sign-in: a user pool only administrators add people to, a `staff` group for them, and an
 * app client that issues access tokens carrying `hostcycle/staff` through the authorization-code
 * flow with PKCE.
 */
export class StaffDirectory extends Construct {
  readonly userPool: UserPool;
  readonly client: UserPoolClient;
  readonly issuer: string;

  constructor(scope: Construct, id: string, props: StaffDirectoryProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.userPool = new UserPool(this, 'UserPool', {
      // Staff accounts are created by an administrator, never by sign-up.
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: { minLength: 14, requireLowercase: true, requireUppercase: true, requireDigits: true, requireSymbols: true },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      // Staff decide refunds and suspensions: compromised-credential and risk detection are worth the Plus tier.
      featurePlan: FeaturePlan.PLUS,
      standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    new CfnUserPoolGroup(this, 'StaffGroup', {
      userPoolId: this.userPool.userPoolId,
      groupName: STAFF_GROUP,
      description: 'hostcycle staff: may list and decide approvals and read customer timelines',
    });
    const staffScope = new ResourceServerScope({ scopeName: SCOPE_NAME, scopeDescription: 'Act as hostcycle staff' });
    const resourceServer = this.userPool.addResourceServer('ResourceServer', {
      identifier: RESOURCE_SERVER,
      scopes: [staffScope],
    });
    // Domain prefixes are global per region: the stack name keeps two presets in one account apart, the account keeps accounts apart.
    this.userPool.addDomain('Domain', { cognitoDomain: { domainPrefix: `${stack.stackName.toLowerCase()}-${stack.account}` } });
    this.client = this.userPool.addClient('ConsoleClient', {
      generateSecret: false,
      authFlows: { user: false, userPassword: false, userSrp: false, adminUserPassword: false, custom: false },
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.resourceServer(resourceServer, staffScope)],
        callbackUrls: props.allowedOrigins.map((origin) => `${origin}/`),
        logoutUrls: props.allowedOrigins.map((origin) => `${origin}/`),
      },
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
      preventUserExistenceErrors: true,
    });
    this.issuer = `https://cognito-idp.${stack.region}.amazonaws.com/${this.userPool.userPoolId}`;
  }
}

export interface HostcycleHttpApiProps {
  handler: IFunction;
  routes: readonly RouteShape[];
  allowedOrigins: readonly string[];
  /** The issuer and audience of staff tokens. */
  staffTokens: { issuer: string; audience: string[] };
}

export class HostcycleHttpApi extends Construct {
  readonly api: HttpApi;
  readonly stage: HttpStage;
  readonly staffAuthorizer: HttpJwtAuthorizer;

  constructor(scope: Construct, id: string, props: HostcycleHttpApiProps) {
    super(scope, id);
    this.api = new HttpApi(this, 'Api', {
      description: 'hostcycle: storefront webhooks and the staff API',
      createDefaultStage: false,
      corsPreflight: {
        allowOrigins: [...props.allowedOrigins],
        allowMethods: [CorsHttpMethod.GET, CorsHttpMethod.POST],
        allowHeaders: ['authorization', 'content-type'],
        maxAge: Duration.hours(1),
      },
    });
    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stage = this.api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      accessLogSettings: { destination: new LogGroupLogDestination(accessLogs), format: AccessLogFormat.jsonWithStandardFields() },
      // A storefront replaying its backlog must not starve staff or exhaust Lambda concurrency.
      throttle: { rateLimit: 50, burstLimit: 100 },
    });

    this.staffAuthorizer = new HttpJwtAuthorizer('StaffJwt', props.staffTokens.issuer, {
      jwtAudience: props.staffTokens.audience,
      identitySource: ['$request.header.Authorization'],
    });
    const integration = new HttpLambdaIntegration('Handler', props.handler);
    for (const route of props.routes) {
      const isStaff = route.auth === 'staff';
      const authorizer: IHttpRouteAuthorizer = isStaff ? this.staffAuthorizer : new HttpNoneAuthorizer();
      const [created] = this.api.addRoutes({
        path: route.path,
        methods: [route.method as HttpMethod],
        integration,
        authorizer,
        ...(isStaff ? { authorizationScopes: [STAFF_SCOPE] } : {}),
      });
      if (!isStaff && created !== undefined) {
        Validations.of(created).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason:
            route.auth === 'webhook'
              ? 'Storefront webhooks are authenticated in the function by an HMAC-SHA256 signature over the timestamp and the raw body (5-minute tolerance, secret in Secrets Manager); API Gateway cannot verify it.'
              : 'The liveness check is public by design and returns only "ok" and the time.',
        });
      }
    }
  }
}
