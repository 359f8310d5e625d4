import { fail, type LotteryId } from '@fairdraw/domain';
import type { Deps } from './deps.js';
import { payPrizes } from './pay-prizes.js';
import type { DrawRecord } from './ports/repositories.js';
import { recordLotteryEvent } from './record-lottery-event.js';
import { sealEntries } from './seal-entries.js';
import type { DrawView } from './views.js';

/**
 * Draws a closed lottery. A lottery whose closing instant has passed is closed first, so an
 * admin need not wait for the worker. The lock serialises racing draws; the draws table's
 * primary key makes a second draw impossible even without it.
 */
export async function drawLottery(deps: Deps, command: { lotteryId: LotteryId }): Promise<DrawView> {
  return deps.uow.run(async (repos) => {
    const lottery = (await repos.lotteries.lock(command.lotteryId)) ?? fail('LOTTERY_NOT_FOUND', 'no such lottery');
    // After the lock: a draw that waited behind ballots until past closes_at must see it due.
    const now = deps.clock.now();
    const wasOpen = lottery.toState().status === 'open';
    lottery.recordDueClose(now);
    if (lottery.toState().status === 'closed') await sealEntries(repos, lottery);
    // A scheduled close is recorded here, in the draw's transaction: its event comes first.
    if (wasOpen && lottery.toState().status === 'closed')
      await recordLotteryEvent(deps, repos, { type: 'lottery.closed', lottery, at: now });
    const outcome = lottery.draw(now);
    const ballots = await repos.ballots.atIndices(
      lottery.id,
      outcome.winners.map((w) => w.entryIndex),
    );
    const state = lottery.toState();
    const record: DrawRecord = {
      lotteryId: lottery.id,
      drawnAt: now,
      algorithm: 'fairdraw-v1',
      commitment: state.commitment,
      seed: Buffer.from(state.seed).toString('hex'),
      entriesDigest: state.entriesDigest ?? '',
      n: state.entryCount ?? 0,
      randomness: outcome.randomness,
      winners: outcome.winners.map((winner, i) => {
        const ballot = ballots[i];
        // Entries are frozen under the lock; a missing one means the store broke its promise.
        if (!ballot) throw new Error(`entry ${winner.entryIndex} of lottery ${lottery.id} is missing`);
        return {
          rank: winner.rank,
          prize: winner.prize,
          ticketNumber: ballot.ticketNumber,
          ballotId: ballot.id,
          username: ballot.username,
        };
      }),
    };
    await repos.draws.add(record);
    // Prize values go to the winners' wallets in this transaction, once (pay-prizes.ts).
    await payPrizes(
      deps,
      repos,
      lottery,
      outcome.winners.map((w, i) => ({ rank: w.rank, participantId: ballots[i]?.participantId ?? null })),
      now,
    );
    await repos.lotteries.save(lottery);
    await recordLotteryEvent(deps, repos, { type: 'lottery.drawn', lottery, record, at: now });
    return { lottery, record };
  });
}
