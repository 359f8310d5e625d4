import { hash } from 'node:crypto';
import type { FastifyReply, FastifyRequest, onSendAsyncHookHandler } from 'fastify';

/** What never changes again (a drawn lottery's record and entries): any cache may keep it. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';
/**
 * What changes with every ballot or with the clock (an open lottery's counts, its status at the
 * closing instant): a cache may keep it but asks each time, which costs a 304 when nothing moved.
 * A client that has just bought a ticket sees it counted, never a copy from a second ago.
 */
export const REVALIDATE = 'public, no-cache';

/**
 * Every ETag is the hex SHA-256 of the body's bytes, a strong validator. For an entries text
 * that is its sealed `entries_digest`, known without reading (or hashing) a single line.
 */
export const entityTag = (sha256Hex: string): string => `"${sha256Hex}"`;

const ENTITY_TAGS = /(?:W\/)?"([^"]*)"/g;

/**
 * RFC 9110 §13.1.2: true when the condition fails, i.e. the client's copy is current: `*`
 * (the resource exists) or a listed tag equal to ours by weak comparison (W/ ignored).
 */
export function clientHasCurrent(ifNoneMatch: string | string[] | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  const header = Array.isArray(ifNoneMatch) ? ifNoneMatch.join(',') : ifNoneMatch;
  if (header.trim() === '*') return true;
  const ours = etag.replace(/^W\//, '');
  for (const match of header.matchAll(ENTITY_TAGS)) if (`"${match[1]}"` === ours) return true;
  return false;
}

/** The answer to a client whose copy is current: no body, the same validator and caching. */
export function notModified(reply: FastifyReply): FastifyReply {
  return reply.code(304).removeHeader('content-type').removeHeader('content-length');
}

/**
 * A route's onSend hook for cacheable reads. The handler chooses the Cache-Control (and may
 * set an ETag it knows, for a streamed body); a 200 then gets an ETag from its body when it has
 * none, and a client holding that representation gets 304 without the body. Any other answer
 * (a problem) leaves with neither header, whatever the handler set before it failed.
 */
export const conditionalGet: onSendAsyncHookHandler = async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
  if (reply.statusCode === 304) return payload;
  if (reply.statusCode !== 200) {
    reply.removeHeader('etag').removeHeader('cache-control');
    return payload;
  }
  let etag = reply.getHeader('etag');
  if (typeof etag !== 'string') {
    if (typeof payload !== 'string' && !Buffer.isBuffer(payload)) return payload;
    // One-shot: no Hash object per response (a read's hot path).
    etag = entityTag(hash('sha256', payload, 'hex'));
    reply.header('etag', etag);
  }
  if (!clientHasCurrent(request.headers['if-none-match'], etag)) return payload;
  notModified(reply);
  // A streamed body that will not be sent is stopped, so it reads nothing more.
  const streamed = isDestroyable(payload);
  if (streamed) payload.destroy();
  if (request.method !== 'HEAD') return null;
  // Fastify's HEAD hook runs after this one and drops a body itself (but fails on null).
  return streamed ? '' : payload;
};

function isDestroyable(payload: unknown): payload is { destroy(): void } {
  return typeof payload === 'object' && payload !== null && typeof (payload as { destroy?: unknown }).destroy === 'function';
}
