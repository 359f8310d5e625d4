import type { FastifyInstance, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { fail } from '../errors/problem.js';
import type { AccessTokens, Caller } from './access-tokens.js';
import { clientIp } from './client-ip.js';
import type { IpAllowlist } from './ip-allowlist.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by a guard: the authenticated caller, or null for a guest. */
    caller: Caller | null;
  }
}

export interface Guards {
  /** Guests pass; a token, when sent, must be valid. */
  readonly optional: onRequestAsyncHookHandler;
  /** A participant or an admin. */
  readonly signedIn: onRequestAsyncHookHandler;
  /** An admin calling from an allowed address. */
  readonly admin: onRequestAsyncHookHandler;
}

/**
 * Guards run at onRequest, before the body is parsed or validated, so an unauthorised caller
 * learns nothing about the shape of a request it may not make. For admin routes the order is:
 * no valid token 401, not an admin 403 FORBIDDEN, admin outside ADMIN_IP_ALLOWLIST 403 IP_NOT_ALLOWED.
 */
export function installGuards(app: FastifyInstance, tokens: AccessTokens, allowed: IpAllowlist): Guards {
  app.decorateRequest('caller', null);
  const identify = (request: FastifyRequest): Caller | null => {
    request.caller = tokens.callerOf(request.headers.authorization);
    return request.caller;
  };
  return {
    optional: async (request) => {
      identify(request);
    },
    signedIn: async (request) => {
      if (!identify(request)) fail('UNAUTHORIZED', 'sign in: a bearer access token is required');
    },
    admin: async (request) => {
      const caller = identify(request);
      if (!caller) fail('UNAUTHORIZED', 'sign in: a bearer access token is required');
      if (caller.role !== 'admin') fail('FORBIDDEN', 'only an admin may do this');
      if (!allowed(clientIp(request))) fail('IP_NOT_ALLOWED', 'admin endpoints are not open to this address');
    },
  };
}

/** The caller on a route guarded by `signedIn` or `admin` (which guarantee one). */
export function signedInCaller(request: FastifyRequest): Caller {
  if (!request.caller) fail('UNAUTHORIZED', 'sign in: a bearer access token is required');
  return request.caller;
}
