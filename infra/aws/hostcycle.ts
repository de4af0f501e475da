/**
 * The hostcycle CDK application: configuration from context, the data and service stacks, and the
 * cdk-nag AwsSolutions checks, which run during synthesis and fail it on any finding that is not
 * acknowledged with a reason where it arises.
 */
import { Validations, type App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readConfig } from './config';
import { HostcycleDataStack } from './stacks/data-stack';
import { HostcycleServiceStack } from './stacks/service-stack';

export interface Hostcycle {
  data: HostcycleDataStack;
  service: HostcycleServiceStack;
}

export function buildHostcycle(app: App): Hostcycle {
  const config = readConfig(app.node);
  // Without credentials (or with CDK_DEFAULT_* unset) the stacks stay environment-agnostic, so synthesis needs no AWS access.
  const env = { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION };
  // One deployment per provider: two presets can share an account without sharing a resource name.
  const prefix = `hostcycle-${config.preset}`;
  const data = new HostcycleDataStack(app, `${prefix}-data`, {
    env,
    description: `hostcycle ${config.preset}: the single table (stateful; retained on delete)`,
    terminationProtection: true,
  });
  const service = new HostcycleServiceStack(app, `${prefix}-service`, {
    env,
    description: `hostcycle ${config.preset}: functions, workflows, HTTP API, billing run, e-mail and alarms`,
    config,
    table: data.table,
    indexNames: HostcycleDataStack.indexNames,
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { data, service };
}
