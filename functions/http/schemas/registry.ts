/**
 * Names under which schemas appear in `components.schemas` of the OpenAPI document. Kept apart from
 * zod's global registry so that schemas other areas register there never leak into the public API.
 */
import type { z } from 'zod';

const components = new Map<string, z.ZodType>();

export function named<S extends z.ZodType>(id: string, schema: S): S {
  const existing = components.get(id);
  if (existing !== undefined && existing !== schema) throw new Error(`two API schemas are named ${id}`);
  components.set(id, schema);
  return schema;
}

export function namedSchemas(): ReadonlyMap<string, z.ZodType> {
  return components;
}
