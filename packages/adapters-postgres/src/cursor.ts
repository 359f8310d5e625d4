import type { Page } from '@fairdraw/application';
import { invalid } from '@fairdraw/domain';
import { isUuid } from './errors.js';

/** Opaque keyset cursors: the sort key of the last row handed out, as base64url JSON. */
export function encodeCursor(key: unknown): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor<K>(cursor: string, isKey: (value: unknown) => value is K): K {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return invalid('cursor', 'cursor is not one this service handed out');
  }
  return isKey(value) ? value : invalid('cursor', 'cursor is not one this service handed out');
}

/** Rows were fetched with limit + 1; the extra one only says that there is a next page. */
export function pageFrom<R, T>(rows: readonly R[], limit: number, map: (row: R) => T, keyOf: (row: R) => unknown): Page<T> {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items: items.map(map), nextCursor: rows.length > limit && last !== undefined ? encodeCursor(keyOf(last)) : null };
}

export function fetchSize(limit: number): number {
  if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError(`page limit ${limit} is not a positive integer`);
  return limit + 1;
}

export const isUuidKey = (v: unknown): v is string => typeof v === 'string' && isUuid(v);
export const isTicketKey = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);
export const isInstantKey = (v: unknown): v is [string, string] =>
  Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && !Number.isNaN(Date.parse(v[0])) && isUuidKey(v[1]);
