import { decodeCursor, fetchSize, pageFrom } from '../keyset-paging.js';
import type { Page, PageRequest } from '../ports/repositories.js';

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
  const size = fetchSize(page.limit);
  const cursorKey = page.cursor === null ? null : decodeCursor(page.cursor, isKey);
  const from = cursorKey === null ? sorted : sorted.filter((item) => isAfter(keyOf(item), cursorKey));
  return pageFrom(from.slice(0, size), page.limit, (item) => item, keyOf);
}

export const isString = (v: unknown): v is string => typeof v === 'string';
export const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);
export const isStringPair = (v: unknown): v is [string, string] =>
  Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && typeof v[1] === 'string';

/** Descending order for newest-first lists (UUIDv7 ids sort by creation time). */
export const byDesc = (a: string, b: string): number => (a < b ? 1 : a > b ? -1 : 0);
