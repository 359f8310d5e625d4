import { setTimeout as sleep } from 'node:timers/promises';
import { type BeaconDrawScheduler, type Deps, drawLottery, type JobScheduler, StoreUnavailable } from '@fairdraw/application';
import { LotteryId } from '@fairdraw/domain';
import { type DrawSchedule, type ScheduleLog, scheduledDrawsTick, type Timetable } from '@fairdraw/runtime';
import { Cron } from 'croner';
import { createBeaconDrawTimers } from './beacon-draw-timers.js';

export interface InProcessScheduler extends JobScheduler {
  /** The next instant the timetable fires (for the start-up log); null once stopped. */
  nextRun(): Date | null;
}

export interface InProcessSchedule extends InProcessScheduler {
  /** Timers drawing v2 lotteries at their rounds: the runtime hands new lotteries to it. */
  readonly beaconDraws: BeaconDrawScheduler;
}

/**
 * The embedded mode's scheduler: a timer in this process instead of a queue. It keeps the
 * worker's promises on one machine: a catch-up tick at start, retries with a delay, never two
 * ticks at once (fires that land during a tick collapse into one more tick after it, so a
 * lottery that fell due meanwhile is not left for the next day), and a stop that waits.
 */
export function createInProcessScheduler(tick: () => Promise<unknown>, timetable: Timetable, log: ScheduleLog): InProcessScheduler {
  let cron: Cron | null = null;
  let current: Promise<void> | null = null;
  let again = false;
  let stopping = false;
  const aborts = new AbortController();

  async function runWithRetries(reason: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await tick();
        return;
      } catch (error) {
        // An unreachable database is no fault of the run: wait for it without using up an
        // attempt, however long the outage (the runtime has warned of it once already), so a
        // lottery due during an outage is drawn soon after it rather than at the next fire.
        if (error instanceof StoreUnavailable && !stopping) {
          attempt -= 1;
          log.info({ reason, retry_in_ms: timetable.retryDelayMs }, 'scheduled draws wait for the database; retrying');
          if (!(await sleep(timetable.retryDelayMs, true, { signal: aborts.signal }).catch(() => false))) return;
          continue;
        }
        const details = { reason, attempt, attempts: timetable.attempts, err: error };
        if (attempt >= timetable.attempts || stopping) {
          log.error(details, 'scheduled draws failed; the next tick will try again');
          return;
        }
        log.warn({ ...details, retry_in_ms: timetable.retryDelayMs }, 'scheduled draws failed; retrying');
        const waited = await sleep(timetable.retryDelayMs, true, { signal: aborts.signal }).catch(() => false);
        // Stopped while waiting: the next start catches up on whatever is still due.
        if (!waited) return;
      }
    }
  }

  function fire(reason: string): void {
    if (stopping) return;
    if (current) {
      again = true;
      return;
    }
    current = (async () => {
      let why = reason;
      do {
        again = false;
        await runWithRetries(why);
        why = 'fired during the previous tick';
      } while (again && !stopping);
    })().finally(() => {
      current = null;
    });
  }

  return {
    async start() {
      if (cron || stopping) return;
      // Croner checks the pattern here, so a bad DRAW_CRON fails the start.
      cron = new Cron(timetable.cron, { timezone: timetable.timeZone }, () => fire('cron'));
      fire('catch-up at start');
    },
    async stop() {
      stopping = true;
      cron?.stop();
      aborts.abort();
      await current;
    },
    nextRun: () => (stopping ? null : (cron?.nextRun() ?? null)),
  };
}

/**
 * Starts the scheduled draws in this process; the API calls it when no REDIS_URL is set.
 * `startInProcessScheduler(runtime.deps, drawSchedule(settings), app.log)`, then `stop()` on shutdown.
 */
export async function startInProcessScheduler(deps: Deps, schedule: DrawSchedule, log: ScheduleLog): Promise<InProcessSchedule> {
  const timers = createBeaconDrawTimers((lotteryId) => drawLottery(deps, { lotteryId: LotteryId(lotteryId) }), schedule, log);
  const ticks = createInProcessScheduler(scheduledDrawsTick(deps, schedule, log, timers), schedule, log);
  const scheduler: InProcessSchedule = {
    ...ticks,
    beaconDraws: timers,
    async stop() {
      await ticks.stop();
      await timers.stop();
    },
  };
  await scheduler.start();
  log.info(
    { cron: schedule.cron, time_zone: schedule.timeZone, next_run: scheduler.nextRun()?.toISOString() ?? null },
    'in-process draw scheduler started',
  );
  return scheduler;
}
