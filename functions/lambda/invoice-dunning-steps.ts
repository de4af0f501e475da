import { depsFromEnv } from '../app/env';
import { createInvoiceDunningHandler } from '../lifecycles/invoice-dunning/handler';

export const handler = createInvoiceDunningHandler(depsFromEnv().app);
