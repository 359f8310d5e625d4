import type { Beacon, LotteryId } from '@fairdraw/domain';
import type { Deps } from './deps.js';
import { fail, failFor } from './errors.js';
import { payPrizes } from './pay-prizes.js';
import type { DrawRecord } from './ports/repositories.js';
import { noTelemetry } from './ports/telemetry.js';
import { recordLotteryEvent } from './record-lottery-event.js';
import type { DrawView } from './views.js';

export type DrawLotteryDeps = Pick<Deps, 'uow' | 'clock' | 'random' | 'seals' | 'beacon' | 'telemetry' | 'webhooks'>;

/**
 * Draws a closed lottery. A lottery whose closing instant has passed is closed first, so an
 * admin need not wait for the worker. The lock serialises racing draws; the draws table's
 * primary key makes a second draw impossible even without it.
 */
export async function drawLottery(deps: DrawLotteryDeps, command: { lotteryId: LotteryId }): Promise<DrawView> {
  const telemetry = deps.telemetry ?? noTelemetry;
  const timed = telemetry.startTimer('draw');
  // Reported only once the transaction commits: a rolled-back draw closed nothing.
  let closedAsDue = false;
  // Relays are asked before the lock: a slow relay must not hold the lottery's ballots and closes.
  const beacon = await beaconFor(deps, command.lotteryId);
  const view = await deps.uow.run(async (repos) => {
    const lottery = (await repos.lotteries.lock(command.lotteryId)) ?? fail('LOTTERY_NOT_FOUND', 'no such lottery');
    // After the lock: a draw that waited behind ballots until past closes_at must see it due.
    const now = deps.clock.now();
    const wasOpen = lottery.toState().status === 'open';
    lottery.recordDueClose(now);
    closedAsDue = wasOpen && lottery.toState().status === 'closed';
    if (lottery.toState().status === 'closed') await deps.seals.withinLock(repos, lottery);
    // A scheduled close is recorded here, in the draw's transaction: its event comes first.
    if (wasOpen && lottery.toState().status === 'closed')
      await recordLotteryEvent(deps, repos, { type: 'lottery.closed', lottery, at: now });
    const outcome = lottery.draw(now, beacon);
    const state = lottery.toState();
    const ballots = await repos.ballots.atIndices(
      lottery.id,
      outcome.winners.map((w) => w.entryIndex),
      state.entryCount ?? 0,
    );
    const record: DrawRecord = {
      lotteryId: lottery.id,
      drawnAt: now,
      algorithm: lottery.algorithm,
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
      beacon: beacon && {
        chainHash: state.beacon?.chainHash ?? '',
        round: beacon.round,
        signature: beacon.signature,
        randomness: beacon.randomness,
      },
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
  timed();
  if (closedAsDue) telemetry.lotteryClosed('due');
  telemetry.lotteryDrawn();
  return view;
}

/** How long a client waits before asking again when no relay gave a valid beacon. */
export const BEACON_RETRY_AFTER_S = 5;

/**
 * The verified beacon a v2 lottery is drawn with; null for v1. Lotteries that cannot be drawn
 * yet anyway answer as they would without a beacon (not closed, already drawn), so the beacon's
 * codes mean only what they say: its round is not out yet, or no relay gives it.
 */
async function beaconFor(deps: DrawLotteryDeps, lotteryId: LotteryId): Promise<Beacon | null> {
  const lottery = (await deps.uow.reads.lotteries.findById(lotteryId)) ?? fail('LOTTERY_NOT_FOUND', 'no such lottery');
  if (lottery.algorithm === 'fairdraw-v1') return null;
  const now = deps.clock.now();
  if (lottery.toState().status === 'drawn') fail('ALREADY_DRAWN', 'this lottery has been drawn');
  if (lottery.toState().status === 'cancelled') fail('LOTTERY_CANCELLED', 'this lottery was cancelled');
  if (lottery.statusAt(now) === 'open') fail('LOTTERY_NOT_CLOSED', 'a lottery is drawn after it closes');
  const pinned = lottery.beaconRound;
  if (pinned === null) throw new Error(`closed fairdraw-v2 lottery ${lotteryId} has no beacon round`);
  const wait = pinned.publishedAtMs - now.getTime();
  if (wait > 0) {
    failFor('BEACON_PENDING', `beacon round ${pinned.round} is published at ${new Date(pinned.publishedAtMs).toISOString()}`, wait / 1000);
  }
  const beacon = (await deps.beacon?.beacon(pinned.chain, pinned.round)) ?? null;
  if (beacon === null)
    failFor('BEACON_UNAVAILABLE', `no beacon relay gives a valid beacon for round ${pinned.round}`, BEACON_RETRY_AFTER_S);
  return beacon;
}
