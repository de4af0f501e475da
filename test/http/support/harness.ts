/**
 * Starts the real local HTTP API with the real route table, a fake domain and an in-memory ledger,
 * and offers helpers that speak to it over HTTP like a storefront or a staff client would.
 */
import type { Clock } from '../../../functions/domain/clock';
import type { HttpRuntime, StaffAuthMode } from '../../../functions/http/define-route';
import type { ErrorLogEntry } from '../../../functions/http/middlewares/error-handler';
import { signLocalJwt } from '../../../functions/http/local-jwt';
import { createRoutes } from '../../../functions/http/routes';
import { signWebhook, type WebhookSecrets } from '../../../functions/http/webhook-signature';
import { startHttpApi } from '../../../infra/local/http-api';
import { fakeDomainActions, type FakeDomainActions } from './fake-domain-actions';
import { InMemoryWebhookLedger } from './in-memory-webhook-ledger';
import { NOW } from './webhook-events';

export const WEBHOOK_SECRET = 'whsec_test_0123456789abcdef0123456789abcdef';
export const NEXT_WEBHOOK_SECRET = 'whsec_next_fedcba9876543210fedcba9876543210';
export const STAFF_JWT_SECRET = 'local-staff-jwt-secret-for-tests-only';

/** A clock the test moves by hand; nothing here waits for real time. */
export class ManualClock implements Clock {
  constructor(private current: Date) {}
  now(): Date {
    return new Date(this.current);
  }
  set(at: string | Date): void {
    this.current = new Date(at);
  }
}

export interface TestApi {
  url: string;
  clock: ManualClock;
  domain: FakeDomainActions;
  ledger: InMemoryWebhookLedger;
  errorLog: ErrorLogEntry[];
  stop(): Promise<void>;
  /** POSTs a webhook signed now (or as `options` say) and returns the response. */
  deliver(event: unknown, options?: DeliveryOptions): Promise<Response>;
  staffToken(claims?: Record<string, string | number | string[]>): string;
  staff(path: string, init?: { method?: string; body?: unknown; token?: string | null }): Promise<Response>;
}

export interface DeliveryOptions {
  rawBody?: string;
  secret?: string;
  /** Unix seconds put in the header and signed; defaults to the clock's now. */
  timestamp?: number;
  headers?: Record<string, string | null>;
}

export async function startTestApi(options: { secrets?: WebhookSecrets; staffAuth?: StaffAuthMode } = {}): Promise<TestApi> {
  const clock = new ManualClock(new Date(NOW));
  const domain = fakeDomainActions();
  const ledger = new InMemoryWebhookLedger();
  const errorLog: ErrorLogEntry[] = [];
  const runtime: HttpRuntime = {
    clock,
    webhooks: { secrets: options.secrets ?? [WEBHOOK_SECRET], ledger },
    staffAuth: options.staffAuth ?? { mode: 'local', secret: STAFF_JWT_SECRET },
    log: (entry) => errorLog.push(entry),
  };
  const api = await startHttpApi({ port: 0, routes: createRoutes(domain.actions, runtime), clock, maxBodyBytes: 64 * 1024 });
  const nowSeconds = () => Math.floor(clock.now().getTime() / 1000);

  const staffToken: TestApi['staffToken'] = (claims = {}) =>
    signLocalJwt(STAFF_JWT_SECRET, { sub: 'staff-ana', scope: 'hostcycle/staff', exp: nowSeconds() + 3600, ...claims });

  return {
    url: api.url,
    clock,
    domain,
    ledger,
    errorLog,
    stop: api.stop,
    deliver: async (event, delivery = {}) => {
      const rawBody = delivery.rawBody ?? JSON.stringify(event);
      const timestamp = delivery.timestamp ?? nowSeconds();
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        'hostcycle-timestamp': String(timestamp),
        'hostcycle-signature': signWebhook(delivery.secret ?? WEBHOOK_SECRET, timestamp, rawBody),
      };
      for (const [name, value] of Object.entries(delivery.headers ?? {})) {
        if (value === null) delete headers[name];
        else headers[name] = value;
      }
      return fetch(`${api.url}/webhooks/storefront`, { method: 'POST', headers, body: rawBody });
    },
    staffToken,
    staff: (path, init = {}) => {
      const token = init.token === undefined ? staffToken() : init.token;
      const headers: Record<string, string> = {};
      if (token !== null) headers.authorization = `Bearer ${token}`;
      if (init.body !== undefined) headers['content-type'] = 'application/json';
      return fetch(`${api.url}${path}`, {
        method: init.method ?? 'GET',
        headers,
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      });
    },
  };
}

/** Response bodies are checked field by field against expectations, so they are read untyped. */
export const jsonOf = (res: Response): Promise<any> => res.json();
