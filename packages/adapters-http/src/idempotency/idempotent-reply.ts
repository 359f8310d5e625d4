import { createHash } from 'node:crypto';
import { type Deps, type IdempotencyRequest, type IdempotentResponse, runIdempotent } from '@fairdraw/application';
import { invalid } from '@fairdraw/domain';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { clientKey } from '../auth/client-ip.js';
import type { ResponseCipher } from './response-cipher.js';

export const IdempotencyHeaders = z.object({
  'idempotency-key': z
    .string()
    .min(1)
    .max(255)
    .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces')
    .optional()
    .describe("replays the first response for the same key and body; 1-255 characters, a guest's at least 16 (a UUID)"),
});

/**
 * A guest's key is scoped to its address, which other guests may share (a household, an office
 * behind one NAT): a short key such as `1` would replay another guest's response, verification
 * codes included. A key this long is a random one (API.md: 16-255 characters for a guest).
 */
const GUEST_KEY_MIN_LENGTH = 16;

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
function fingerprintOf(request: FastifyRequest): string {
  const path = request.url.split('?')[0] ?? '';
  return createHash('sha256')
    .update(`${request.method}\n${path}\n${canonicalJson(request.body ?? {})}`)
    .digest('hex');
}

/** Keys belong to the caller: a participant's id, or a guest's keyed address hash. */
function scopeOf(deps: Deps, request: FastifyRequest): string {
  return request.caller ? `participant:${request.caller.participantId}` : `guest:${deps.keyed.hash(`ip:${clientKey(request)}`)}`;
}

type Produced = { status: number; body: unknown };

/** The request's Idempotency-Key with its scope and fingerprint, or null when it has none. */
export function idempotencyOf(deps: Deps, request: FastifyRequest): IdempotencyRequest | null {
  const key = request.headers['idempotency-key'];
  if (typeof key !== 'string') return null;
  if (request.caller === null && key.length < GUEST_KEY_MIN_LENGTH) {
    invalid('idempotency-key', `a guest's Idempotency-Key must have ${GUEST_KEY_MIN_LENGTH}-255 characters (a UUID is the usual choice)`);
  }
  return { scope: scopeOf(deps, request), key, fingerprint: fingerprintOf(request) };
}

/** What is stored for a key: the serialised body, encrypted. */
export function sealedResponse(cipher: ResponseCipher, { status, body }: Produced): IdempotentResponse {
  return { status, body: cipher.seal(JSON.stringify(body)) };
}

/** Sends a first response or its replay, byte for byte the same. */
export function sendStored(reply: FastifyReply, cipher: ResponseCipher, outcome: IdempotentResponse & { replayed: boolean }): FastifyReply {
  if (outcome.replayed) reply.header('idempotent-replayed', 'true');
  return reply.type(JSON_TYPE).code(outcome.status).send(cipher.open(outcome.body));
}

/**
 * The body is serialised here (not by a route schema) so that a first response and every replay
 * of it are the same bytes.
 */
export function sendProduced(reply: FastifyReply, { status, body }: Produced): FastifyReply {
  return reply.type(JSON_TYPE).code(status).send(JSON.stringify(body));
}

const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * Answers with `produce`'s status and body, at most once per Idempotency-Key: a replay sends the
 * stored first response. Without a key the action simply runs.
 */
export async function replyIdempotently(
  deps: Deps,
  cipher: ResponseCipher,
  request: FastifyRequest,
  reply: FastifyReply,
  produce: () => Promise<Produced>,
): Promise<FastifyReply> {
  const once = idempotencyOf(deps, request);
  if (once === null) return sendProduced(reply, await produce());
  return sendStored(reply, cipher, await runIdempotent(deps, once, async () => sealedResponse(cipher, await produce())));
}
