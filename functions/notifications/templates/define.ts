import type { z } from 'zod';
import type { OptionalBlock } from './document';
import type { Formatter, Language } from './format';
import type { letterVars } from './schemas';

export interface LetterBody {
  subject: string;
  blocks: readonly OptionalBlock[];
}

/** A template: the schema of its variables and one letter per language, all written in code. */
export interface Template<S extends z.ZodType<z.infer<typeof letterVars>>> {
  schema: S;
  letters: Record<Language, (vars: z.infer<S>, f: Formatter) => LetterBody>;
}

export function defineTemplate<S extends z.ZodType<z.infer<typeof letterVars>>>(template: Template<S>): Template<S> {
  return template;
}
