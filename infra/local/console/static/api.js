// The console's calls to its own JSON API (infra/local/console/server.ts).

/** A refused call: the HTTP status and the body that names what was wrong. */
export class ApiError extends Error {
  constructor(status, body) {
    super(body && typeof body.message === 'string' ? body.message : `the console answered ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.body = body ?? {};
  }

  /** The message for one input field, when the server named it. */
  fieldMessage(field) {
    const issue = (this.body.issues ?? []).find((i) => i.field === field);
    return issue ? issue.message : undefined;
  }
}

export async function api(path, { method = 'GET', body } = {}) {
  const init = { method, headers: { accept: 'application/json' } };
  if (body !== undefined) {
    init.headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const res = await fetch(path, init);
  const text = await res.text();
  let parsed;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = { message: text };
  }
  if (!res.ok) throw new ApiError(res.status, parsed);
  return parsed;
}
