import { type DrawRecord, type DrawRepository, decodeCursor, fetchSize, pageFrom } from '@fairdraw/application';
import { LotteryId } from '@fairdraw/domain';
import type { Kysely, Selectable } from 'kysely';
import { isInstantKey } from './cursor.js';
import type { Database, DrawsTable } from './database.js';
import { asRefusal, isUuid } from './errors.js';

const toDraw = (row: Selectable<DrawsTable>): DrawRecord => ({
  lotteryId: LotteryId(row.lottery_id),
  drawnAt: row.drawn_at,
  algorithm: row.algorithm,
  commitment: row.commitment,
  seed: row.seed,
  entriesDigest: row.entries_digest,
  n: row.n,
  randomness: row.randomness,
  winners: row.winners,
  ...(row.beacon ? { beacon: row.beacon } : {}),
});

export function postgresDraws(db: Kysely<Database>): DrawRepository {
  return {
    // The primary key on lottery_id makes a second draw impossible, even from a job run twice.
    async add(d) {
      await asRefusal(
        db
          .insertInto('draws')
          .values({
            lottery_id: d.lotteryId,
            drawn_at: d.drawnAt,
            algorithm: d.algorithm,
            commitment: d.commitment,
            seed: d.seed,
            entries_digest: d.entriesDigest,
            n: d.n,
            randomness: d.randomness,
            winners: JSON.stringify(d.winners),
            beacon: d.beacon ? JSON.stringify(d.beacon) : null,
          })
          .execute(),
      );
    },
    async findByLottery(lotteryId) {
      if (!isUuid(lotteryId)) return null;
      const row = await db.selectFrom('draws').selectAll().where('lottery_id', '=', lotteryId).executeTakeFirst();
      return row ? toDraw(row) : null;
    },
    async listDrawnBetween(from, to, page) {
      let query = db.selectFrom('draws').selectAll().where('drawn_at', '>=', from).where('drawn_at', '<', to);
      if (page.cursor !== null) {
        const [at, lotteryId] = decodeCursor(page.cursor, isInstantKey);
        query = query.where((eb) => eb(eb.refTuple('drawn_at', 'lottery_id'), '<', eb.tuple(new Date(at), lotteryId)));
      }
      const rows = await query.orderBy('drawn_at', 'desc').orderBy('lottery_id', 'desc').limit(fetchSize(page.limit)).execute();
      return pageFrom(rows, page.limit, toDraw, (row) => [row.drawn_at.toISOString(), row.lottery_id]);
    },
  };
}
