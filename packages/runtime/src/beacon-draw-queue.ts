import type { BeaconDrawScheduler } from '@fairdraw/application';
import type { Queue } from 'bullmq';
import type { ScheduleLog, Timetable } from './draw-schedule.js';

/** The worker's queue (apps/worker) and the name of its delayed v2 draw jobs. */
export const DRAW_QUEUE_NAME = 'fairdraw-draws';
export const BEACON_DRAW_JOB = 'beacon-draw';

/**
 * With REDIS_URL: a v2 lottery's draw is a delayed BullMQ job at its round's time, run by any
 * worker and retried while relays fail. The job id names the lottery and the time, so the API
 * that created the lottery, ticks and restarts add it once; a finished or failed job is removed,
 * so a later tick can add it again if the lottery is still not drawn.
 */
export function beaconDrawQueue(
  queue: Queue,
  retries: Pick<Timetable, 'attempts' | 'retryDelayMs'>,
  log: ScheduleLog,
): BeaconDrawScheduler {
  return {
    async drawAt(lotteryId, at) {
      try {
        await queue.add(
          BEACON_DRAW_JOB,
          { lotteryId },
          {
            jobId: `${BEACON_DRAW_JOB}-${lotteryId}-${at.getTime()}`,
            delay: Math.max(0, at.getTime() - Date.now()),
            attempts: retries.attempts,
            backoff: { type: 'fixed', delay: retries.retryDelayMs },
            removeOnComplete: true,
            removeOnFail: true,
          },
        );
      } catch (error) {
        log.warn({ lottery_id: lotteryId, err: error }, 'could not queue the beacon draw; the next scheduled tick will');
      }
    },
  };
}
