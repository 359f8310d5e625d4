import type { Lottery } from '@fairdraw/domain';
import { type CloseDueDeps, type CloseDueOutcome, closeDueLotteries } from './close-due-lotteries.js';
import { StoreUnavailable } from './ports/store-unavailable.js';
import { type ProvisionDeps, provisionDailyLotteries } from './provision-daily-lotteries.js';

export interface ScheduledDraws {
  /** DAILY_LOTTERIES: keep one lottery open for each of the next `daysAhead` dates. */
  readonly dailyLotteries: boolean;
  readonly daysAhead: number;
  /** Close what was due at this instant (never later than now); now when absent. */
  readonly asOf?: Date | undefined;
}

/** Idempotency-Key records are replayable for at least this long (one tick forgets older ones). */
export const IDEMPOTENCY_RETENTION_MS = 24 * 3_600_000;

export interface ScheduledDrawsOutcome extends CloseDueOutcome {
  readonly provisioned: readonly Lottery[];
  /** Idempotency records older than the retention, forgotten by this tick. */
  readonly forgottenIdempotencyKeys: number;
  /** Why provisioning failed, if it did; the draws still ran. */
  readonly provisionError: string | null;
}

/**
 * Thrown when part of a tick failed, so that the scheduler retries the whole tick. Not a
 * refusal: nothing a client did is wrong, the store or the process misbehaved. The outcome
 * says what did succeed; a retry redoes only what is still missing.
 */
export class ScheduledDrawsFailed extends Error {
  override readonly name = 'ScheduledDrawsFailed';
  constructor(readonly outcome: ScheduledDrawsOutcome) {
    const parts = outcome.failed.map((f) => `lottery ${f.lotteryId}: ${f.error}`);
    if (outcome.provisionError !== null) parts.unshift(`provisioning: ${outcome.provisionError}`);
    super(`scheduled draws failed (${parts.join('; ')})`);
  }
}

export type ScheduledDrawsDeps = CloseDueDeps & ProvisionDeps;

/**
 * One tick of the timetable: provision the coming daily lotteries, then close and draw every
 * lottery that is due. Everything it does is decided by the database and the clock, so a late,
 * repeated or concurrent tick (BullMQ delivers at least once) does the missing work once.
 */
export async function runScheduledDraws(deps: ScheduledDrawsDeps, command: ScheduledDraws): Promise<ScheduledDrawsOutcome> {
  let provisioned: readonly Lottery[] = [];
  let provisionError: string | null = null;
  if (command.dailyLotteries) {
    try {
      provisioned = await provisionDailyLotteries(deps, { daysAhead: command.daysAhead });
    } catch (error) {
      // The draws would not find the store either: the run fails as a whole and is retried.
      if (error instanceof StoreUnavailable) throw error;
      // A provisioning failure must not hold back the draws, which are what midnight is for.
      provisionError = error instanceof Error ? error.message : String(error);
    }
  }
  const closed = await closeDueLotteries(deps, command.asOf ? { asOf: command.asOf } : {});
  // Housekeeping after the draws: keys stay replayable for a day, then the table forgets them.
  const before = new Date(deps.clock.now().getTime() - IDEMPOTENCY_RETENTION_MS);
  const forgottenIdempotencyKeys = await deps.uow.run((repos) => repos.idempotency.forgetOlderThan(before));
  const outcome: ScheduledDrawsOutcome = { ...closed, provisioned, provisionError, forgottenIdempotencyKeys };
  if (outcome.failed.length > 0 || provisionError !== null) throw new ScheduledDrawsFailed(outcome);
  return outcome;
}
