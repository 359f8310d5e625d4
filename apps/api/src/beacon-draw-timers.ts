import { setTimeout as sleep } from 'node:timers/promises';
import { ApplicationError, type BeaconDrawScheduler, failureCode } from '@fairdraw/application';
import type { LotteryId } from '@fairdraw/domain';
import type { ScheduleLog, Timetable } from '@fairdraw/runtime';

/** setTimeout's longest delay; a draw further away waits in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface BeaconDrawTimers extends BeaconDrawScheduler {
  /** Lotteries with a draw waiting, for tests and the start-up log. */
  waiting(): LotteryId[];
  stop(): Promise<void>;
}

/**
 * The embedded mode's delayed draws: a timer per v2 lottery at its round's time, then the draw,
 * retried while relays fail (DRAW_ATTEMPTS × DRAW_RETRY_DELAY_MS) and, when the round turns out
 * not to be out yet (a clock ahead of the relays'), after the wait the draw itself names. The
 * draw is idempotent, so a timer set twice or racing the daily tick still draws once.
 */
export function createBeaconDrawTimers(
  drawOne: (lotteryId: LotteryId) => Promise<unknown>,
  retries: Pick<Timetable, 'attempts' | 'retryDelayMs'>,
  log: ScheduleLog,
): BeaconDrawTimers {
  const waiting = new Map<LotteryId, Promise<void>>();
  const aborts = new AbortController();

  async function wait(ms: number): Promise<boolean> {
    for (let left = ms; left > 0; left -= MAX_TIMER_MS) {
      const done = await sleep(Math.min(left, MAX_TIMER_MS), true, { signal: aborts.signal }).catch(() => false);
      if (!done) return false;
    }
    return !aborts.signal.aborted;
  }

  async function run(lotteryId: LotteryId, at: Date): Promise<void> {
    if (!(await wait(at.getTime() - Date.now()))) return;
    for (let attempt = 1; ; attempt++) {
      try {
        await drawOne(lotteryId);
        log.info({ lottery_id: lotteryId, attempt }, 'beacon draw done');
        return;
      } catch (error) {
        const code = failureCode(error);
        if (code === 'ALREADY_DRAWN' || code === 'LOTTERY_NOT_FOUND') return;
        const pending = error instanceof ApplicationError && code === 'BEACON_PENDING';
        if (!pending && attempt >= retries.attempts) {
          log.error({ lottery_id: lotteryId, attempt, err: error }, 'beacon draw failed; the next scheduled tick will try again');
          return;
        }
        const delay = pending ? (error.retryAfterSeconds ?? 1) * 1000 : retries.retryDelayMs;
        log.warn({ lottery_id: lotteryId, attempt, retry_in_ms: delay, err: error }, 'beacon draw not done yet; retrying');
        if (!(await wait(delay))) return;
      }
    }
  }

  return {
    async drawAt(lotteryId, at) {
      if (aborts.signal.aborted || waiting.has(lotteryId)) return;
      waiting.set(
        lotteryId,
        run(lotteryId, at).finally(() => waiting.delete(lotteryId)),
      );
    },
    waiting: () => [...waiting.keys()],
    async stop() {
      aborts.abort();
      await Promise.all(waiting.values());
    },
  };
}
