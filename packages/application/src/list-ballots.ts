import type { LotteryId, ParticipantId } from '@fairdraw/domain';
import { type GetLotteryDeps, getLottery } from './get-lottery.js';
import type { Ballot, BallotWithOwner, DrawRecord, Page, PageRequest } from './ports/repositories.js';

export interface MyBallot {
  readonly ballot: Ballot;
  readonly drawn: boolean;
  readonly prize: string | null;
}

export type ListBallotsDeps = GetLotteryDeps;

export async function listMyBallots(
  deps: ListBallotsDeps,
  query: PageRequest & { participantId: ParticipantId; lotteryId: LotteryId | null },
): Promise<Page<MyBallot>> {
  const { reads } = deps.uow;
  const page = await reads.ballots.listByParticipant(query.participantId, query.lotteryId, query);
  const lotteryIds = [...new Set(page.items.map((b) => b.lotteryId))];
  const draws = new Map<string, DrawRecord | null>(
    await Promise.all(lotteryIds.map(async (id) => [id, await reads.draws.findByLottery(id)] as const)),
  );
  const items = page.items.map((ballot) => {
    const draw = draws.get(ballot.lotteryId) ?? null;
    const prize = draw?.winners.find((w) => w.ballotId === ballot.id)?.prize ?? null;
    return { ballot, drawn: draw !== null, prize };
  });
  return { items, nextCursor: page.nextCursor };
}

/** Every ballot of a lottery, for its admins, in ascending ticket order. */
export async function listLotteryBallots(
  deps: ListBallotsDeps,
  query: PageRequest & { lotteryId: LotteryId },
): Promise<Page<BallotWithOwner>> {
  const lottery = await getLottery(deps, query);
  return deps.uow.reads.ballots.listByLottery(lottery.id, query);
}
