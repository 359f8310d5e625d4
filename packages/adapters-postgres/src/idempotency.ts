import { createHash } from 'node:crypto';
import type { IdempotencyRepository } from '@fairdraw/application';
import { type Kysely, sql } from 'kysely';
import type { Database } from './database.js';

/** A stable signed 64-bit key for the advisory lock, computed here rather than by server internals. */
function lockKey(scope: string, key: string): string {
  return createHash('sha256')
    .update(JSON.stringify([scope, key]))
    .digest()
    .readBigInt64BE(0)
    .toString();
}

export function postgresIdempotency(db: Kysely<Database>): IdempotencyRepository {
  return {
    // Held until the transaction ends; outside one it is released at once (a mere probe).
    async tryLock(scope, key) {
      const { rows } = await sql<{ locked: boolean }>`select pg_try_advisory_xact_lock(${lockKey(scope, key)}::bigint) as locked`.execute(
        db,
      );
      return rows[0]?.locked === true;
    },
    async find(scope, key) {
      const row = await db
        .selectFrom('idempotency_keys')
        .select(['fingerprint', 'response'])
        .where('scope', '=', scope)
        .where('key', '=', key)
        .executeTakeFirst();
      return row ?? null;
    },
    async save(scope, key, record, at) {
      await db
        .insertInto('idempotency_keys')
        .values({ scope, key, fingerprint: record.fingerprint, response: record.response, created_at: at })
        .execute();
    },
    async forgetOlderThan(before) {
      const result = await db.deleteFrom('idempotency_keys').where('created_at', '<', before).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
