import { isUuid } from './errors.js';

/** The sort keys of the PostgreSQL lists: what a decoded cursor must hold (paging itself is the application's keyset-paging.ts). */
export const isUuidKey = (v: unknown): v is string => typeof v === 'string' && isUuid(v);
export const isTicketKey = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);
export const isInstantKey = (v: unknown): v is [string, string] =>
  Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && !Number.isNaN(Date.parse(v[0])) && isUuidKey(v[1]);
