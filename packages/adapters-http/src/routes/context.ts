import type { Deps } from '@fairdraw/application';
import type { FastifyInstance, onRequestAsyncHookHandler } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AccessTokens } from '../auth/access-tokens.js';
import type { Guards } from '../auth/guards.js';
import type { ResponseCipher } from '../idempotency/response-cipher.js';
import type { EntriesDownloads } from './entries-download.js';

/** What every route module is given by buildServer. */
export interface RouteContext {
  readonly deps: Deps;
  readonly tokens: AccessTokens;
  readonly guards: Guards;
  readonly cipher: ResponseCipher;
  /** The stricter per-IP limit shared by /auth/*. */
  readonly authRateLimit: onRequestAsyncHookHandler;
  /** The per-process bound and write deadline of entries downloads. */
  readonly entriesDownloads: EntriesDownloads;
}

export const typed = (app: FastifyInstance) => app.withTypeProvider<ZodTypeProvider>();
