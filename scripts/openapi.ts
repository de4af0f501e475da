/**
 * Writes openapi.json at the repository root from the route table. Run after changing a route or a
 * schema; test/http/openapi.test.ts fails while the committed file is stale.
 *   npx tsx scripts/openapi.ts
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderOpenApiJson } from '../functions/http/openapi';
import { routeSpecs } from '../functions/http/routes';

const target = fileURLToPath(new URL('../openapi.json', import.meta.url));
writeFileSync(target, renderOpenApiJson(routeSpecs));
console.log(`wrote ${target}`);
