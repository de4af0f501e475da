import { depsFromEnv } from '../app/env';
import { createOrderActivationHandler } from '../lifecycles/order-activation/handler';

export const handler = createOrderActivationHandler(depsFromEnv().app);
