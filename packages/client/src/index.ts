import createClient, { type Client } from 'openapi-fetch';
import type { components, paths } from './openapi.js';

export type { components, paths };

type Schemas = components['schemas'];
export type Lottery = Schemas['Lottery'];
export type Draw = Schemas['Draw'];
export type Ballot = Schemas['Ballot'];
export type Participant = Schemas['Participant'];
export type Problem = Schemas['Problem'];
export type Webhook = Schemas['Webhook'];
export type Delivery = Schemas['Delivery'];

export type FairdrawClient = Client<paths>;

export interface FairdrawClientOptions {
  /** The service's base URL, e.g. http://127.0.0.1:3000. */
  readonly baseUrl: string;
  /** A bearer access token, or a function that gives the current one (after a refresh). */
  readonly token?: string | (() => string | undefined) | undefined;
  /** Another fetch (a test's spy, a proxy's agent); the global one by default. */
  readonly fetch?: typeof fetch | undefined;
}

/**
 * A thin typed wrapper over openapi-fetch: every path, parameter, body and answer is typed
 * from the served OpenAPI document (src/openapi.ts). Errors come back as `error` (the
 * problem+json body), never as a throw; only a failure to reach the service throws.
 *
 *   const api = createFairdrawClient({ baseUrl });
 *   const { data, error } = await api.GET('/lotteries/{id}/draw', { params: { path: { id } } });
 */
export function createFairdrawClient(options: FairdrawClientOptions): FairdrawClient {
  const client = createClient<paths>({ baseUrl: options.baseUrl.replace(/\/+$/, ''), ...(options.fetch ? { fetch: options.fetch } : {}) });
  const { token } = options;
  if (token !== undefined) {
    client.use({
      onRequest({ request }) {
        const current = typeof token === 'function' ? token() : token;
        if (current) request.headers.set('authorization', `Bearer ${current}`);
        return request;
      },
    });
  }
  return client;
}
