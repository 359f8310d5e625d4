import { createHash } from 'node:crypto';
import { type Deps, runIdempotent } from '@fairdraw/application';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { clientIp } from '../auth/client-ip.js';
import type { ResponseCipher } from './response-cipher.js';

export const IdempotencyHeaders = z.object({
  'idempotency-key': z
    .string()
    .min(1)
    .max(255)
    .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces')
    .optional()
    .describe('replays the first response for the same key and body'),
});

/** JSON with object keys sorted, so that key order does not change a request's fingerprint. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** sha256 of method, path and canonical body; no body counts as `{}`, which is what it means here. */
export function fingerprintOf(request: FastifyRequest): string {
  const path = request.url.split('?')[0] ?? '';
  return createHash('sha256')
    .update(`${request.method}\n${path}\n${canonicalJson(request.body ?? {})}`)
    .digest('hex');
}

/** Keys belong to the caller: a participant's id, or a guest's keyed address hash. */
function scopeOf(deps: Deps, request: FastifyRequest): string {
  return request.caller ? `participant:${request.caller.participantId}` : `guest:${deps.keyed.hash(`ip:${clientIp(request)}`)}`;
}

/**
 * Answers with `produce`'s status and body, at most once per Idempotency-Key: a replay sends the
 * stored first response. Without a key the action simply runs. The body is serialised here (not
 * by a route schema) so that the first response and every replay are byte for byte the same.
 */
export async function replyIdempotently(
  deps: Deps,
  cipher: ResponseCipher,
  request: FastifyRequest,
  reply: FastifyReply,
  produce: () => Promise<{ status: number; body: unknown }>,
): Promise<FastifyReply> {
  const json = reply.type('application/json; charset=utf-8');
  const key = request.headers['idempotency-key'];
  if (typeof key !== 'string') {
    const { status, body } = await produce();
    return json.code(status).send(JSON.stringify(body));
  }
  const outcome = await runIdempotent(deps, { scope: scopeOf(deps, request), key, fingerprint: fingerprintOf(request) }, async () => {
    const { status, body } = await produce();
    return { status, body: cipher.seal(JSON.stringify(body)) };
  });
  if (outcome.replayed) reply.header('idempotent-replayed', 'true');
  return json.code(outcome.status).send(cipher.open(outcome.body));
}
