/** Error bodies every route may answer with; the error handler produces them. */
import { z } from 'zod';
import { named } from './registry';

export const validationErrorBodySchema = named(
  'ValidationErrorBody',
  z.object({
    error: z.literal('ValidationError'),
    issues: z
      .array(z.object({ field: z.string().describe('Dotted path, e.g. data.items.0.price.amount; "body" for the body as a whole.'), reason: z.string() }))
      .min(1),
    requestId: z.string(),
  }),
);

export const errorBodySchema = named(
  'ErrorBody',
  z.object({
    error: z.string().describe('The error\'s class name, e.g. UnauthorizedError, NotFoundError, StaleStateError, InternalError.'),
    message: z.string(),
    requestId: z.string().describe('Quote this when reporting a problem; it finds the request in our logs.'),
  }),
);
