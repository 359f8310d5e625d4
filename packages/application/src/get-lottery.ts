import { invalid, isCalendarDate, type Lottery, type LotteryId, type LotteryStatus } from '@fairdraw/domain';
import type { Deps } from './deps.js';
import { fail } from './errors.js';
import type { Page, PageRequest } from './ports/repositories.js';

export type GetLotteryDeps = Pick<Deps, 'uow' | 'clock'>;

export async function getLottery(deps: GetLotteryDeps, command: { lotteryId: LotteryId }): Promise<Lottery> {
  return (await deps.uow.reads.lotteries.findById(command.lotteryId)) ?? fail('LOTTERY_NOT_FOUND', 'no such lottery');
}

export async function getLotteryByDate(deps: GetLotteryDeps, command: { date: string }): Promise<Lottery> {
  if (!isCalendarDate(command.date)) invalid('date', 'date must be YYYY-MM-DD');
  return (
    (await deps.uow.reads.lotteries.findByClosingDate(command.date)) ?? fail('LOTTERY_NOT_FOUND', `no lottery closes on ${command.date}`)
  );
}

export interface ListLotteries extends PageRequest {
  readonly status?: LotteryStatus | undefined;
  readonly closesFrom?: string | undefined;
  readonly closesTo?: string | undefined;
}

export function listLotteries(deps: GetLotteryDeps, query: ListLotteries): Promise<Page<Lottery>> {
  for (const [path, value] of [
    ['closes_from', query.closesFrom],
    ['closes_to', query.closesTo],
  ] as const) {
    if (value !== undefined && !isCalendarDate(value)) invalid(path, `${path} must be YYYY-MM-DD`);
  }
  return deps.uow.reads.lotteries.list(
    { status: query.status, asOf: deps.clock.now(), closesFrom: query.closesFrom, closesTo: query.closesTo },
    { limit: query.limit, cursor: query.cursor },
  );
}
