import { addDays, invalid, isCalendarDate, type Lottery, type LotteryId, startOfDate } from '@fairdraw/domain';
import type { Deps } from './deps.js';
import { fail } from './errors.js';
import { type GetLotteryDeps, getLottery, getLotteryByDate } from './get-lottery.js';
import type { Page, PageRequest } from './ports/repositories.js';
import type { DrawView } from './views.js';

export type GetDrawDeps = GetLotteryDeps & Pick<Deps, 'seals' | 'settings'>;

export async function getDraw(deps: GetDrawDeps, command: { lotteryId: LotteryId }): Promise<DrawView> {
  return drawOf(deps, await getLottery(deps, command));
}

export async function getDrawByDate(deps: GetDrawDeps, command: { date: string }): Promise<DrawView> {
  return drawOf(deps, await getLotteryByDate(deps, command));
}

async function drawOf(deps: GetDrawDeps, read: Lottery): Promise<DrawView> {
  let lottery = read;
  // A closed lottery publishes its entries digest. One that just sold out is sealed right after
  // its last ticket's commit: wait for that (or do it), rather than show a closed lottery
  // without. Readers share one attempt per process and hold no connection while they wait.
  if (read.toState().status === 'closed' && !read.isSealed) {
    await deps.seals.afterClose(read.id);
    lottery = (await deps.uow.reads.lotteries.findById(read.id)) ?? read;
  }
  return { lottery, record: await deps.uow.reads.draws.findByLottery(lottery.id) };
}

export interface ListWinners extends PageRequest {
  readonly from?: string | undefined;
  readonly to?: string | undefined;
}

/** Draws whose drawn_at falls within the dates, inclusive, in the service time zone. */
export async function listWinners(deps: GetDrawDeps, query: ListWinners): Promise<Page<DrawView>> {
  for (const [path, value] of [
    ['from', query.from],
    ['to', query.to],
  ] as const) {
    if (value !== undefined && !isCalendarDate(value)) invalid(path, `${path} must be YYYY-MM-DD`);
  }
  if (query.from !== undefined && query.to !== undefined && query.from > query.to) invalid('from', 'from must not be after to');
  const zone = deps.settings.timeZone;
  const from = query.from === undefined ? new Date(0) : startOfDate(query.from, zone);
  const to = query.to === undefined ? new Date(8.64e15) : startOfDate(addDays(query.to, 1), zone);
  const page = await deps.uow.reads.draws.listDrawnBetween(from, to, { limit: query.limit, cursor: query.cursor });
  // One read for the page's lotteries rather than one per draw; the items keep the page's order.
  const lotteries = await deps.uow.reads.lotteries.findByIds(page.items.map((record) => record.lotteryId));
  const items = page.items.map((record) => {
    const lottery = lotteries.get(record.lotteryId) ?? fail('LOTTERY_NOT_FOUND', 'no such lottery');
    return { lottery, record };
  });
  return { items, nextCursor: page.nextCursor };
}
