import { sql } from 'kysely';
import type { Migration } from 'kysely/migration';

/**
 * fairdraw-v2: a lottery records its algorithm and pinned beacon (chain, margin, round), a draw
 * the beacon round it mixed in. Existing rows are fairdraw-v1 and stay so: nothing is rewritten.
 */
export const beaconDraws: Migration = {
  async up(db) {
    for (const statement of [
      sql`alter table lotteries add column algorithm text not null default 'fairdraw-v1'
        check (algorithm in ('fairdraw-v1', 'fairdraw-v2'))`,
      sql`alter table lotteries add column beacon jsonb`,
      sql`alter table lotteries add constraint lotteries_v2_has_beacon check ((algorithm = 'fairdraw-v2') = (beacon is not null))`,
      sql`alter table draws add column beacon jsonb`,
    ]) {
      await statement.execute(db);
    }
  },
};
