import { depsFromEnv } from '../app/env';
import { createBillingRunHandler } from '../lifecycles/invoice-dunning/billing-run';

export const handler = createBillingRunHandler(depsFromEnv().app);
