import { depsFromEnv, httpRuntimeFromEnv } from '../app/env';
import { createHttpApiHandler, createHttpRoutes } from '../app/http';

const deps = depsFromEnv();
// The webhook secret is fetched once per cold start, before the first request is served.
export const handler = createHttpApiHandler(createHttpRoutes(deps, await httpRuntimeFromEnv(deps)));
