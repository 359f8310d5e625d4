import type { Participant, ParticipantId, Role } from '@fairdraw/domain';
import { ParticipantId as toParticipantId } from '@fairdraw/domain';
import fastifyJwt from '@fastify/jwt';
import type { FastifyInstance } from 'fastify';
import { fail } from '../errors/problem.js';

export interface JwtSettings {
  /** HS256 key, at least 32 bytes. */
  readonly secret: string;
  readonly issuer: string;
  readonly audience: string;
  readonly accessTtlSeconds: number;
}

/** Who a valid access token says the caller is. */
export interface Caller {
  readonly participantId: ParticipantId;
  readonly role: Role;
}

export interface AccessTokens {
  issue(participant: Pick<Participant, 'id' | 'role'>): { access_token: string; token_type: 'Bearer'; expires_in: number };
  /** The caller behind an Authorization header; null without one; 401 for anything but a valid token. */
  callerOf(authorization: string | undefined): Caller | null;
}

const BEARER = /^Bearer[ \t]+([A-Za-z0-9_\-.=+/]+)[ \t]*$/i;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function unauthorized(detail: string): never {
  fail('UNAUTHORIZED', detail);
}

/**
 * Registers @fastify/jwt with HS256 pinned and iss/aud/exp required: the library otherwise
 * accepts any algorithm, a missing exp and any audience. Every verification failure becomes a
 * 401 here, so no JWT error can reach the error handler as a 500.
 */
export async function registerAccessTokens(app: FastifyInstance, settings: JwtSettings): Promise<AccessTokens> {
  if (Buffer.byteLength(settings.secret) < 32) throw new Error('JWT secret must be at least 32 bytes');
  await app.register(fastifyJwt, {
    secret: settings.secret,
    sign: { algorithm: 'HS256', iss: settings.issuer, aud: settings.audience, expiresIn: settings.accessTtlSeconds },
    verify: {
      algorithms: ['HS256'],
      allowedIss: settings.issuer,
      allowedAud: settings.audience,
      requiredClaims: ['exp', 'iss', 'aud', 'sub'],
    },
  });

  return {
    issue(participant) {
      const accessToken = app.jwt.sign({ sub: participant.id, role: participant.role });
      return { access_token: accessToken, token_type: 'Bearer', expires_in: settings.accessTtlSeconds };
    },
    callerOf(authorization) {
      if (authorization === undefined || authorization.trim() === '') return null;
      const token = BEARER.exec(authorization)?.[1];
      if (!token) unauthorized('the Authorization header must be "Bearer <access_token>"');
      let claims: { sub?: unknown; role?: unknown };
      try {
        claims = app.jwt.verify<{ sub?: unknown; role?: unknown }>(token);
      } catch {
        unauthorized('the access token is invalid or expired');
      }
      const { sub, role } = claims;
      if (typeof sub !== 'string' || !UUID.test(sub) || (role !== 'participant' && role !== 'admin')) {
        unauthorized('the access token is invalid or expired');
      }
      return { participantId: toParticipantId(sub), role };
    },
  };
}
