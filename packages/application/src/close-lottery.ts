import type { Lottery, LotteryId } from '@fairdraw/domain';
import type { Deps } from './deps.js';
import { fail } from './errors.js';
import { noTelemetry } from './ports/telemetry.js';
import { recordLotteryEvent } from './record-lottery-event.js';

export type CloseLotteryDeps = Pick<Deps, 'uow' | 'clock' | 'random' | 'seals' | 'telemetry' | 'webhooks'>;

export async function closeLottery(deps: CloseLotteryDeps, command: { lotteryId: LotteryId }): Promise<Lottery> {
  const telemetry = deps.telemetry ?? noTelemetry;
  const closed = await deps.uow.run(async (repos) => {
    const lottery = (await repos.lotteries.lock(command.lotteryId)) ?? fail('LOTTERY_NOT_FOUND', 'no such lottery');
    const now = deps.clock.now();
    lottery.close(now);
    await deps.seals.withinLock(repos, lottery);
    await repos.lotteries.save(lottery);
    await recordLotteryEvent(deps, repos, { type: 'lottery.closed', lottery, at: now });
    return lottery;
  });
  telemetry.lotteryClosed('admin');
  return closed;
}
