import type { Deps } from '@fairdraw/application';
import type { FastifyInstance, onRequestAsyncHookHandler } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AccessTokens } from '../auth/access-tokens.js';
import type { Guards } from '../auth/guards.js';
import type { ResponseCipher } from '../idempotency/response-cipher.js';

/** What every route module is given by buildServer. */
export interface RouteContext {
  readonly deps: Deps;
  readonly tokens: AccessTokens;
  readonly guards: Guards;
  readonly cipher: ResponseCipher;
  /** The stricter per-IP limit shared by /auth/*. */
  readonly authRateLimit: onRequestAsyncHookHandler;
}

export const typed = (app: FastifyInstance) => app.withTypeProvider<ZodTypeProvider>();
