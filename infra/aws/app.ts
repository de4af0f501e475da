/** Entry point of `cdk synth` / `cdk deploy` (cdk.json). */
import { App } from 'aws-cdk-lib';
import { buildHostcycle } from './hostcycle';

buildHostcycle(new App());
