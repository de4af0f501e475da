import { depsFromEnv } from '../app/env';
import { createRefundHandler } from '../lifecycles/refund/handler';

export const handler = createRefundHandler(depsFromEnv().app);
