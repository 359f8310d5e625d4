import { createLottery, type Deps, registerParticipant, submitBallots } from '@fairdraw/application';
import type { LotteryId, Player } from '@fairdraw/domain';
import type { Kysely, KyselyPlugin } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from './database.js';
import { type OwnTestDatabase, postgresTestDeps, settleAll, startTestDatabase } from './testing/index.js';

// A ballot turn takes its raffle tickets with two pool statements however many requests it
// serves (serve-ballot-turn.ts, PoolOverlay): one read of every slot the turn needs, one write
// of every slot it moved. Statements are counted as Kysely sends them; every turn that issues
// tickets inserts its ballots in one statement (ballots.ts addMany), which counts the turns.
let database: OwnTestDatabase | null = null;
let deps: Deps;
let player: Player;
const sent = { pool: 0, ballotInserts: 0 };

const counting: KyselyPlugin = {
  transformQuery({ node }) {
    const text = JSON.stringify(node);
    if (text.includes('"pool_slots"')) sent.pool += 1;
    if (text.includes('insert into ballots')) sent.ballotInserts += 1;
    return node;
  },
  transformResult: async ({ result }) => result,
};

beforeAll(async () => {
  database = await startTestDatabase({ poolSize: 20 });
  deps = postgresTestDeps((database.db as Kysely<Database>).withPlugin(counting));
  const participant = await registerParticipant(deps, { username: 'counter', password: 'correct horse battery' });
  player = { participantId: participant.id, isAdmin: false };
});
afterAll(() => database?.close());

const take = (lotteryId: LotteryId, count: number, ticketNumber: number | null = null) =>
  submitBallots(deps, { lotteryId, player, clientIp: '127.0.0.1', count, ticketNumber });

async function counted(work: () => Promise<unknown>): Promise<{ pool: number; turns: number }> {
  sent.pool = 0;
  sent.ballotInserts = 0;
  await work();
  return { pool: sent.pool, turns: sent.ballotInserts };
}

describe('pool statements per ballot turn', () => {
  it('reads and writes the pool once for a request alone', async () => {
    const lottery = await createLottery(deps, { ticketLimit: 1_000 });
    expect(await counted(() => take(lottery.id, 5))).toEqual({ pool: 2, turns: 1 });
    expect(await counted(() => take(lottery.id, 1, 7))).toEqual({ pool: 2, turns: 1 });
  });

  it('reads and writes the pool once per turn, not per request, random and chosen numbers mixed', async () => {
    const lottery = await createLottery(deps, { ticketLimit: 10_000 });
    const requests = 40;
    const { pool, turns } = await counted(() =>
      settleAll(Array.from({ length: requests }, (_, i) => () => (i % 4 === 0 ? take(lottery.id, 1, 1_000 + i) : take(lottery.id, 3)))),
    );
    expect(turns).toBeGreaterThan(0);
    expect(turns).toBeLessThan(requests);
    expect(pool).toBe(2 * turns);
  });
});
