/**
 * Shared setup for the HTTP tests: a server over the in-memory unit of work, and the few
 * requests almost every test needs (accounts, tokens, lotteries). Tests talk HTTP through
 * `inject` only; the deps are exposed so a test can move the clock or look at what was stored.
 */
import { type Deps, registerParticipant } from '@fairdraw/application';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { buildServer, type ServerOptions } from '../server.js';
import { type FakeDeps, fakeDeps } from './fakes.js';

export const JWT = {
  secret: 'test-jwt-secret-that-is-at-least-32-bytes-long',
  issuer: 'fairdraw-test',
  audience: 'fairdraw-test-api',
  accessTtlSeconds: 900,
} as const;

export const PASSWORD = 'correct horse battery';

export interface Harness {
  readonly app: FastifyInstance;
  readonly deps: FakeDeps;
  request(options: InjectOptions & { token?: string | undefined }): Promise<LightMyRequestResponse>;
  /** Registers a participant and returns its access token and id. */
  participant(username?: string): Promise<{ token: string; id: string; refreshToken: string }>;
  /** An admin (created through the use case, as start-up does) signed in over HTTP. */
  admin(username?: string): Promise<{ token: string; id: string }>;
  /** Creates a lottery as an admin and returns its representation. */
  lottery(body?: Record<string, unknown>): Promise<Record<string, unknown> & { id: string }>;
  close(): Promise<void>;
}

let counter = 0;
const uniqueName = (prefix: string) => `${prefix}${++counter}`;

export interface HarnessOptions extends Partial<Omit<ServerOptions, 'deps'>> {
  readonly timeZone?: string;
  /** What the server sees instead of the harness's deps, e.g. a unit of work that misbehaves. */
  readonly wrapDeps?: (deps: FakeDeps) => Deps;
}

export async function harness(overrides: HarnessOptions = {}): Promise<Harness> {
  const { timeZone, wrapDeps, ...options } = overrides;
  const deps = fakeDeps(timeZone);
  const app = await buildServer({
    deps: wrapDeps ? wrapDeps(deps) : deps,
    jwt: JWT,
    adminIpAllowlist: [],
    trustProxy: false,
    rateLimitPerMinute: 100_000,
    authRateLimitPerMinute: 100_000,
    logger: process.env.HTTP_TEST_LOG ? { level: 'error' } : false,
    responseSecret: 'test response secret, long enough',
    readiness: async () => ({ database: 'ok' }),
    ...options,
  });
  await app.ready();

  const request: Harness['request'] = ({ token, headers, ...rest }) =>
    app.inject({ ...rest, headers: { ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}) } });

  let adminToken: string | null = null;
  const h: Harness = {
    app,
    deps,
    request,
    async participant(username = uniqueName('player')) {
      const res = await request({ method: 'POST', url: '/auth/register', payload: { username, password: PASSWORD } });
      expect(res.statusCode, res.body).toBe(201);
      const body = res.json();
      return { token: body.access_token, id: body.participant.id, refreshToken: body.refresh_token };
    },
    async admin(username = uniqueName('admin')) {
      const created = await registerParticipant(deps, { username, password: PASSWORD }, 'admin');
      const res = await request({ method: 'POST', url: '/auth/login', payload: { username, password: PASSWORD } });
      expect(res.statusCode, res.body).toBe(200);
      return { token: res.json().access_token, id: created.id };
    },
    async lottery(body = {}) {
      adminToken ??= (await h.admin()).token;
      const res = await request({ method: 'POST', url: '/lotteries', token: adminToken, payload: body });
      expect(res.statusCode, res.body).toBe(201);
      return res.json();
    },
    close: () => app.close(),
  };
  return h;
}

/** Asserts an RFC 9457 problem response with API.md's fields. */
export function expectProblem(res: LightMyRequestResponse, status: number, code: string): Record<string, unknown> {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  const body = res.json();
  expect(body).toMatchObject({ status, code, type: expect.any(String), title: expect.any(String), detail: expect.any(String) });
  return body;
}
