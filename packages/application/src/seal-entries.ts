import { EntriesDigest, type Lottery, type LotteryId } from '@fairdraw/domain';
import type { Repositories, UnitOfWork } from './ports/repositories.js';
import { noTelemetry, type Telemetry } from './ports/telemetry.js';

/**
 * Freezes a closed lottery's entries digest by streaming them once. Called in the transaction
 * that holds the lottery's lock, so no ballot can slip in between the close and the digest.
 */
export async function sealEntries(repos: Repositories, lottery: Lottery, telemetry: Telemetry = noTelemetry): Promise<void> {
  if (lottery.isSealed) return;
  const sealed = telemetry.startTimer('seal');
  const digest = new EntriesDigest();
  for await (const entry of repos.ballots.streamEntries(lottery.id)) digest.add(entry.ticketNumber, entry.ballotId);
  lottery.seal(digest.finish());
  sealed();
}

/**
 * Freezes the entries of a lottery that closed without them: a pool that sold out is answered
 * first and sealed right after (ballot-batches.ts). Anyone may call it; only the first seals.
 */
export function sealClosedLottery(uow: UnitOfWork, lotteryId: LotteryId, telemetry: Telemetry = noTelemetry): Promise<Lottery | null> {
  return uow.run(async (repos) => {
    const lottery = await repos.lotteries.lock(lotteryId);
    if (lottery === null || lottery.isSealed || lottery.toState().status !== 'closed') return lottery;
    await sealEntries(repos, lottery, telemetry);
    await repos.lotteries.save(lottery);
    return lottery;
  });
}
