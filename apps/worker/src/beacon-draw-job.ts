import { type Deps, drawLottery, failureCode } from '@fairdraw/application';
import { LotteryId } from '@fairdraw/domain';

/**
 * One delayed fairdraw-v2 draw, as the worker runs it: done when drawn (now or by anyone
 * before), an error BullMQ retries otherwise (the round not out yet, no relay gives it).
 */
export async function drawBeaconLottery(deps: Deps, lotteryId: string): Promise<Record<string, unknown>> {
  try {
    const { record } = await drawLottery(deps, { lotteryId: LotteryId(lotteryId) });
    return { lottery_id: lotteryId, entries: record?.n ?? null, round: record?.beacon?.round ?? null };
  } catch (error) {
    const code = failureCode(error);
    if (code === 'ALREADY_DRAWN' || code === 'LOTTERY_NOT_FOUND') {
      return { lottery_id: lotteryId, skipped: code };
    }
    throw error;
  }
}
