import { DomainError, type LotteryId } from '@fairdraw/domain';
import type { Deps } from './deps.js';
import { drawLottery } from './draw-lottery.js';
import type { DrawRecord } from './ports/repositories.js';

export interface CloseDueOutcome {
  readonly drawn: readonly DrawRecord[];
  readonly failed: readonly { lotteryId: LotteryId; error: string }[];
}

/**
 * Closes and draws every lottery that is due at `asOf` (never later than now). Which lotteries
 * are due is read from the database each time, so a late, repeated or concurrent run does the
 * same work once: a lottery another run drew answers ALREADY_DRAWN and is skipped.
 */
export async function closeDueLotteries(deps: Deps, command: { asOf?: Date } = {}): Promise<CloseDueOutcome> {
  const now = deps.clock.now();
  const asOf = command.asOf && command.asOf < now ? command.asOf : now;
  const due = await deps.uow.reads.lotteries.findUndrawnDue(asOf);
  const drawn: DrawRecord[] = [];
  const failed: { lotteryId: LotteryId; error: string }[] = [];
  for (const lotteryId of due) {
    try {
      const view = await drawLottery(deps, { lotteryId });
      if (view.record) drawn.push(view.record);
    } catch (error) {
      if (error instanceof DomainError && error.code === 'ALREADY_DRAWN') continue;
      failed.push({ lotteryId, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return { drawn, failed };
}
