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
    async tryLockMany(keys) {
      if (keys.length === 0) return [];
      const locks = keys.map((k) => lockKey(k.scope, k.key));
      const { rows } = await sql<{ locked: boolean }>`select pg_try_advisory_xact_lock(lock) as locked
        from unnest(${locks}::bigint[]) with ordinality as asked(lock, i) order by i`.execute(db);
      return rows.map((r) => r.locked === true);
    },
    async findMany(keys) {
      if (keys.length === 0) return [];
      const { rows } = await sql<{ scope: string; key: string; fingerprint: string; response: string }>`
        select scope, key, fingerprint, response from idempotency_keys
        where (scope, key) in (select * from unnest(${keys.map((k) => k.scope)}::text[], ${keys.map((k) => k.key)}::text[]))`.execute(db);
      const found = new Map(rows.map((r) => [JSON.stringify([r.scope, r.key]), { fingerprint: r.fingerprint, response: r.response }]));
      return keys.map((k) => found.get(JSON.stringify([k.scope, k.key])) ?? null);
    },
    async saveMany(saved, at) {
      if (saved.length === 0) return;
      const column = (pick: (s: (typeof saved)[number]) => string) => saved.map(pick);
      await sql`insert into idempotency_keys (scope, key, fingerprint, response, created_at)
        select scope, key, fingerprint, response, ${at} from unnest(
          ${column((s) => s.scope)}::text[], ${column((s) => s.key)}::text[],
          ${column((s) => s.record.fingerprint)}::text[], ${column((s) => s.record.response)}::text[]
        ) as saved(scope, key, fingerprint, response)`.execute(db);
    },
    async forgetOlderThan(before) {
      const result = await db.deleteFrom('idempotency_keys').where('created_at', '<', before).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
