import type { LotteryId } from '@fairdraw/domain';
import type { Deps } from './deps.js';

export type UpcomingBeaconDrawsDeps = Pick<Deps, 'uow' | 'clock'>;

/**
 * The fairdraw-v2 lotteries with a closing instant, not drawn yet, whose rounds are published
 * within `horizonMs`, and when: what a scheduler must have a draw waiting for. Asked at start
 * and after every tick, so a timer lost to a restart (or a job lost with Redis) is set again.
 */
export async function upcomingBeaconDraws(
  deps: UpcomingBeaconDrawsDeps,
  command: { horizonMs: number },
): Promise<{ lotteryId: LotteryId; at: Date }[]> {
  const until = new Date(deps.clock.now().getTime() + command.horizonMs);
  const ids = await deps.uow.reads.lotteries.findUndrawnDue(until);
  const lotteries = await deps.uow.reads.lotteries.findByIds(ids);
  const upcoming: { lotteryId: LotteryId; at: Date }[] = [];
  for (const lottery of lotteries.values()) {
    const pinned = lottery.beaconRound;
    const status = lottery.toState().status;
    if (pinned !== null && status !== 'drawn' && status !== 'cancelled')
      upcoming.push({ lotteryId: lottery.id, at: new Date(pinned.publishedAtMs) });
  }
  return upcoming;
}
