import { ValidationError } from '../../domain/errors';
import { UnsupportedMediaTypeError } from '../errors';
import { requireRawBody, type RouteMiddleware } from './route-event';

const JSON_MEDIA_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/** Parses a JSON body; an empty body stays undefined so that the schema reports it as missing. */
export function jsonBody(): RouteMiddleware {
  return {
    name: 'jsonBody',
    before: ({ event }) => {
      const raw = requireRawBody(event);
      if (raw === '') return;
      const contentType = event.headers['content-type'] ?? '';
      if (!JSON_MEDIA_TYPE.test(contentType)) {
        throw new UnsupportedMediaTypeError(`content-type must be application/json, got "${contentType}"`);
      }
      try {
        event.jsonBody = JSON.parse(raw);
      } catch (error) {
        throw new ValidationError('body', `is not valid JSON: ${(error as Error).message}`, { cause: error });
      }
    },
  };
}
