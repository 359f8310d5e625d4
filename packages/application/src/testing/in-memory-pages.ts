import { invalid } from '@fairdraw/domain';
import type { Page, PageRequest } from '../ports/repositories.js';

/** Opaque cursors: the sort key of the last item returned, as base64url JSON. */
export function encodeCursor(key: unknown): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor<K>(cursor: string, isKey: (value: unknown) => value is K): K {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    invalid('cursor', 'cursor is not one this service handed out');
  }
  if (!isKey(value)) invalid('cursor', 'cursor is not one this service handed out');
  return value;
}

/**
 * Pages through items already sorted by `keyOf` in the page's order; `isAfter(key, cursorKey)`
 * says whether an item comes after the cursor in that order.
 */
export function pageOf<T, K>(
  sorted: readonly T[],
  page: PageRequest,
  keyOf: (item: T) => K,
  isAfter: (key: K, cursorKey: K) => boolean,
  isKey: (value: unknown) => value is K,
): Page<T> {
  if (!Number.isSafeInteger(page.limit) || page.limit < 1) throw new RangeError(`page limit ${page.limit} is not a positive integer`);
  const from = page.cursor === null ? sorted : afterCursor(sorted, decodeCursor(page.cursor, isKey), keyOf, isAfter);
  const items = from.slice(0, page.limit);
  const last = items.at(-1);
  const nextCursor = from.length > page.limit && last !== undefined ? encodeCursor(keyOf(last)) : null;
  return { items, nextCursor };
}

function afterCursor<T, K>(sorted: readonly T[], cursorKey: K, keyOf: (item: T) => K, isAfter: (a: K, b: K) => boolean): T[] {
  return sorted.filter((item) => isAfter(keyOf(item), cursorKey));
}

export const isString = (v: unknown): v is string => typeof v === 'string';
export const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);
export const isStringPair = (v: unknown): v is [string, string] =>
  Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && typeof v[1] === 'string';

/** Descending order for newest-first lists (UUIDv7 ids sort by creation time). */
export const byDesc = (a: string, b: string): number => (a < b ? 1 : a > b ? -1 : 0);
