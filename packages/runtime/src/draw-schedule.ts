import {
  type BeaconDrawScheduler,
  type Deps,
  runScheduledDraws,
  ScheduledDrawsFailed,
  type ScheduledDrawsOutcome,
  upcomingBeaconDraws,
} from '@fairdraw/application';
import { Cron } from 'croner';
import type { Settings } from './settings.js';

/** When and how the scheduled draws run; the worker and the embedded scheduler read the same settings. */
export interface DrawSchedule {
  /** DRAW_CRON: 5 fields, or 6 with seconds first. */
  readonly cron: string;
  /** SERVICE_TIMEZONE: the cron's midnight is this zone's midnight, daylight saving included. */
  readonly timeZone: string;
  /** DRAW_ATTEMPTS: runs of one tick before it is left to the next one. */
  readonly attempts: number;
  readonly retryDelayMs: number;
  readonly dailyLotteries: boolean;
  readonly daysAhead: number;
}

/** The part of the schedule that says when ticks run and how failures are retried. */
export type Timetable = Pick<DrawSchedule, 'cron' | 'timeZone' | 'attempts' | 'retryDelayMs'>;

/** pino's logger fits; tests pass a recorder. */
export interface ScheduleLog {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

export function drawSchedule(settings: Settings): DrawSchedule {
  try {
    // Fail at start-up, not at the first midnight, when the pattern is wrong.
    new Cron(settings.DRAW_CRON, { timezone: settings.SERVICE_TIMEZONE, paused: true }).stop();
  } catch (error) {
    throw new Error(`invalid settings:\n  DRAW_CRON: ${error instanceof Error ? error.message : String(error)}`);
  }
  return {
    cron: settings.DRAW_CRON,
    timeZone: settings.SERVICE_TIMEZONE,
    attempts: settings.DRAW_ATTEMPTS,
    retryDelayMs: settings.DRAW_RETRY_DELAY_MS,
    dailyLotteries: settings.DAILY_LOTTERIES,
    daysAhead: settings.DAILY_LOTTERY_DAYS_AHEAD,
  };
}

/** What a tick did, as log fields: enough for an operator to find each lottery and draw. */
export function describeOutcome(outcome: ScheduledDrawsOutcome): Record<string, unknown> {
  return {
    provisioned: outcome.provisioned.map((l) => l.toState().closesOn),
    drawn: outcome.drawn.map((d) => ({ lottery_id: d.lotteryId, entries: d.n, winners: d.winners.length })),
    failed: outcome.failed.map((f) => ({ lottery_id: f.lotteryId, error: f.error })),
    beacon_pending: outcome.pending.map((p) => ({ lottery_id: p.lotteryId, at: p.at.toISOString() })),
    provision_error: outcome.provisionError,
    forgotten_idempotency_keys: outcome.forgottenIdempotencyKeys,
  };
}

/** v2 draws due within this long get a timer or delayed job at each tick (ticks are at least daily). */
const BEACON_DRAW_HORIZON_MS = 26 * 3_600_000;

/**
 * After a tick: a delayed draw for each v2 lottery that waits for its round (pending) or whose
 * round comes before the next tick (upcoming), so none waits for the next DRAW_CRON slot.
 */
export async function scheduleBeaconDraws(deps: Deps, draws: BeaconDrawScheduler, outcome: ScheduledDrawsOutcome | null): Promise<void> {
  for (const { lotteryId, at } of outcome?.pending ?? []) await draws.drawAt(lotteryId, at);
  for (const { lotteryId, at } of await upcomingBeaconDraws(deps, { horizonMs: BEACON_DRAW_HORIZON_MS })) await draws.drawAt(lotteryId, at);
}

/** One tick as both schedulers run it: the use case, and a log line saying what it did. */
export function scheduledDrawsTick(
  deps: Deps,
  schedule: DrawSchedule,
  log: ScheduleLog,
  draws?: BeaconDrawScheduler,
): () => Promise<ScheduledDrawsOutcome> {
  return async () => {
    try {
      const outcome = await runScheduledDraws(deps, { dailyLotteries: schedule.dailyLotteries, daysAhead: schedule.daysAhead });
      log.info(describeOutcome(outcome), 'scheduled draws ran');
      if (draws) await scheduleBeaconDraws(deps, draws, outcome);
      return outcome;
    } catch (error) {
      // What did succeed is logged now; the scheduler logs the failure and retries.
      if (error instanceof ScheduledDrawsFailed) {
        log.warn(describeOutcome(error.outcome), 'scheduled draws partly failed');
        if (draws) await scheduleBeaconDraws(deps, draws, error.outcome).catch(() => {});
      }
      throw error;
    }
  };
}
