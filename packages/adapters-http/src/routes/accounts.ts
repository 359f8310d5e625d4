import { authenticate, endSession, getParticipant, refreshSession, registerParticipant, startSession } from '@fairdraw/application';
import { PASSWORD_MAX, PASSWORD_MIN, type Participant } from '@fairdraw/domain';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { signedInCaller } from '../auth/guards.js';
import { ParticipantSchema, participantView, RegisteredSchema, TokenPairSchema } from '../representations/participant.js';
import { BEARER } from '../schemas/common.js';
import { problemResponses } from '../schemas/problem.js';
import { type RouteContext, typed } from './context.js';

const RegisterBody = z.strictObject({
  username: z
    .string()
    .min(3)
    .max(32)
    .regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, "_", "." or "-"'),
  password: z.string().min(PASSWORD_MIN).max(PASSWORD_MAX),
  email: z.email().max(254).nullable().optional(),
});
// Wrong values at login are a 401, never a hint about which rule a guess broke.
const LoginBody = z.strictObject({
  username: z.string().max(254).describe('username or email'),
  password: z.string().max(1024),
});
const RefreshBody = z.strictObject({ refresh_token: z.string().min(1).max(512) });

const tags = ['accounts'];

export function accountRoutes(app: FastifyInstance, { deps, tokens, guards, authRateLimit }: RouteContext): void {
  const api = typed(app);
  const tokenPair = async (participant: Pick<Participant, 'id' | 'role'>) => {
    const { refreshToken } = await startSession(deps, { participantId: participant.id });
    return { ...tokens.issue(participant), refresh_token: refreshToken };
  };

  api.post(
    '/auth/register',
    {
      onRequest: authRateLimit,
      schema: {
        tags,
        summary: 'Create an account',
        body: RegisterBody,
        response: { 201: RegisteredSchema, ...problemResponses(400, 409, 429) },
      },
    },
    async (request, reply) => {
      const { username, password, email } = request.body;
      const participant = await registerParticipant(deps, { username, password, email });
      return reply.code(201).send({ participant: participantView(participant), ...(await tokenPair(participant)) });
    },
  );

  api.post(
    '/auth/login',
    {
      onRequest: authRateLimit,
      schema: {
        tags,
        summary: 'Sign in with username or email',
        body: LoginBody,
        response: { 200: TokenPairSchema, ...problemResponses(400, 401, 429) },
      },
    },
    async (request) => {
      const participant = await authenticate(deps, { login: request.body.username, password: request.body.password });
      return tokenPair(participant);
    },
  );

  api.post(
    '/auth/refresh',
    {
      onRequest: authRateLimit,
      schema: {
        tags,
        summary: 'Trade a refresh token for a new pair',
        body: RefreshBody,
        response: { 200: TokenPairSchema, ...problemResponses(400, 401, 429) },
      },
    },
    async (request) => {
      const { refreshToken, participant } = await refreshSession(deps, { refreshToken: request.body.refresh_token });
      return { ...tokens.issue(participant), refresh_token: refreshToken };
    },
  );

  api.post(
    '/auth/logout',
    {
      onRequest: authRateLimit,
      schema: {
        tags,
        summary: 'Revoke a refresh token and its family',
        body: RefreshBody,
        response: { 204: z.undefined(), ...problemResponses(400, 429) },
      },
    },
    async (request, reply) => {
      await endSession(deps, { refreshToken: request.body.refresh_token });
      return reply.code(204).send();
    },
  );

  api.get(
    '/me',
    {
      onRequest: guards.signedIn,
      schema: {
        tags,
        summary: 'The signed-in account',
        security: BEARER,
        response: { 200: ParticipantSchema, ...problemResponses(401) },
      },
    },
    async (request) => participantView(await getParticipant(deps, { participantId: signedInCaller(request).participantId })),
  );
}
