import type { Lottery, LotteryId } from '@fairdraw/domain';
import { fail } from './errors.js';
import { type GetLotteryDeps, getLottery } from './get-lottery.js';

export type OpenEntriesDeps = GetLotteryDeps;

/**
 * The canonical entries text, in chunks of whole lines, for a lottery that has stopped taking
 * ballots. A lottery past its closing instant qualifies even before the close is recorded:
 * no ballot can enter it any more.
 */
export async function openEntries(deps: OpenEntriesDeps, command: { lotteryId: LotteryId }): Promise<AsyncIterable<string>> {
  return openEntriesOf(deps, await getLottery(deps, command));
}

/** The same for a lottery the caller has just read (the HTTP route reads it for its ETag). */
export async function openEntriesOf(deps: OpenEntriesDeps, lottery: Lottery): Promise<AsyncIterable<string>> {
  if (lottery.statusAt(deps.clock.now()) === 'open') fail('LOTTERY_NOT_CLOSED', 'entries are published once the lottery closes');
  // Due but not yet closed: a turn that took the lock before the closing instant may still be
  // committing ballots it was right to accept. Taking the lock once waits for it; any later turn
  // reads the clock after the lock and refuses, so what is streamed next is final.
  if (lottery.toState().status === 'open') await deps.uow.run((repos) => repos.lotteries.lock(lottery.id));
  return deps.uow.reads.ballots.entriesText(lottery.id);
}
