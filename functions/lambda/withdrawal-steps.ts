import { depsFromEnv } from '../app/env';
import { createWithdrawalHandler } from '../lifecycles/withdrawal/handler';

export const handler = createWithdrawalHandler(depsFromEnv().app);
