import { addDays, dateIn, type Lottery } from '@fairdraw/domain';
import { type CreateLotteryDeps, createLottery } from './create-lottery.js';
import { failureCode } from './errors.js';

export type ProvisionDeps = CreateLotteryDeps;

/**
 * Keeps one lottery open for each of the next `daysAhead` dates, today included. Safe to run
 * any number of times, from any number of processes: the unique closing date decides races.
 */
export async function provisionDailyLotteries(deps: ProvisionDeps, command: { daysAhead: number }): Promise<Lottery[]> {
  const today = dateIn(deps.clock.now(), deps.settings.timeZone);
  const last = addDays(today, command.daysAhead - 1);
  const existing = new Set(await deps.uow.reads.lotteries.closingDatesBetween(today, last));
  const created: Lottery[] = [];
  for (let day = 0; day < command.daysAhead; day++) {
    const date = addDays(today, day);
    if (existing.has(date)) continue;
    try {
      created.push(await createLottery(deps, { closesOn: date }));
    } catch (error) {
      if (failureCode(error) !== 'CLOSING_DATE_TAKEN') throw error;
    }
  }
  return created;
}
