import { depsFromEnv } from '../app/env';
import { createApprovalsHandler } from '../app/approvals-handler';

export const handler = createApprovalsHandler(depsFromEnv().app);
