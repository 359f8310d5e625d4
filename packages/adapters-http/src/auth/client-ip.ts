import { isIPv4 } from 'node:net';
import type { FastifyRequest } from 'fastify';

const MAPPED_V4 = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;

/** `::ffff:10.0.0.1` is 10.0.0.1: one address must have one spelling for limits and allow-lists. */
export function normaliseIp(ip: string): string {
  const trimmed = ip.trim();
  const mapped = MAPPED_V4.exec(trimmed)?.[1];
  if (mapped && isIPv4(mapped)) return mapped;
  return trimmed.toLowerCase();
}

/**
 * The client's address: the socket's, or with trustProxy the left-most X-Forwarded-For entry.
 * Fastify's `trustProxy: true` already resolves `request.ip` that way (proxy-addr trusting every
 * hop returns the furthest address), so this only normalises it.
 */
export function clientIp(request: FastifyRequest): string {
  return normaliseIp(request.ip);
}
