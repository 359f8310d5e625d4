import type { LotteryId } from '@fairdraw/domain';
import { type DrawLotteryDeps, drawLottery } from './draw-lottery.js';
import { ApplicationError, failureCode } from './errors.js';
import type { DrawRecord } from './ports/repositories.js';
import { StoreUnavailable } from './ports/store-unavailable.js';

export interface CloseDueOutcome {
  readonly drawn: readonly DrawRecord[];
  readonly failed: readonly { lotteryId: LotteryId; error: string }[];
  /** fairdraw-v2 lotteries closed but waiting for their beacon round (or a relay): draw again at `at`. */
  readonly pending: readonly { lotteryId: LotteryId; at: Date }[];
}

export type CloseDueDeps = DrawLotteryDeps;

/**
 * Closes and draws every lottery that is due at `asOf` (never later than now). Which lotteries
 * are due is read from the database each time, so a late, repeated or concurrent run does the
 * same work once: a lottery another run drew answers ALREADY_DRAWN and is skipped.
 */
export async function closeDueLotteries(deps: CloseDueDeps, command: { asOf?: Date } = {}): Promise<CloseDueOutcome> {
  const now = deps.clock.now();
  const asOf = command.asOf && command.asOf < now ? command.asOf : now;
  const due = await deps.uow.reads.lotteries.findUndrawnDue(asOf);
  const drawn: DrawRecord[] = [];
  const failed: { lotteryId: LotteryId; error: string }[] = [];
  const pending: { lotteryId: LotteryId; at: Date }[] = [];
  for (const lotteryId of due) {
    try {
      const view = await drawLottery(deps, { lotteryId });
      if (view.record) drawn.push(view.record);
    } catch (error) {
      if (failureCode(error) === 'ALREADY_DRAWN') continue;
      // The store is away: the next lottery would fail alike; the whole run is retried.
      if (error instanceof StoreUnavailable) throw error;
      if (error instanceof ApplicationError && (error.code === 'BEACON_PENDING' || error.code === 'BEACON_UNAVAILABLE')) {
        // Its draw waits for the beacon, its close does not: the entries freeze and show now.
        await recordDueClose(deps, lotteryId);
        pending.push({ lotteryId, at: new Date(deps.clock.now().getTime() + (error.retryAfterSeconds ?? 0) * 1000) });
        continue;
      }
      failed.push({ lotteryId, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return { drawn, failed, pending };
}

async function recordDueClose(deps: CloseDueDeps, lotteryId: LotteryId): Promise<void> {
  await deps.uow.run(async (repos) => {
    const lottery = await repos.lotteries.lock(lotteryId);
    if (lottery === null || !lottery.isDue(deps.clock.now())) return;
    lottery.recordDueClose(deps.clock.now());
    await repos.lotteries.save(lottery);
  });
  await deps.seals.afterClose(lotteryId, { rethrow: true });
}
