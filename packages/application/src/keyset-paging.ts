import { invalid } from '@fairdraw/domain';
import type { Page } from './ports/repositories.js';

/*
 * Keyset pages behind the repository ports' opaque cursors, shared by every store so that they
 * page alike: a cursor is the sort key of the last item handed out, as base64url JSON, and a
 * cursor the store did not hand out is the client's mistake (400 on `cursor`), never a failed query.
 */

export function encodeCursor(key: unknown): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** `isKey` checks the decoded value has the shape of this list's sort key. */
export function decodeCursor<K>(cursor: string, isKey: (value: unknown) => value is K): K {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return invalid('cursor', 'cursor is not one this service handed out');
  }
  return isKey(value) ? value : invalid('cursor', 'cursor is not one this service handed out');
}

/** How many items to fetch for a page: the one beyond `limit` only says that there is a next page. */
export function fetchSize(limit: number): number {
  if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError(`page limit ${limit} is not a positive integer`);
  return limit + 1;
}

/** The page out of up to `fetchSize(limit)` items fetched in the list's order after the cursor. */
export function pageFrom<R, T>(rows: readonly R[], limit: number, map: (row: R) => T, keyOf: (row: R) => unknown): Page<T> {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items: items.map(map), nextCursor: rows.length > limit && last !== undefined ? encodeCursor(keyOf(last)) : null };
}
