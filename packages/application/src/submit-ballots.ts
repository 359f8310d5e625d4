import {
  BallotId,
  fail,
  type IssuePlan,
  type LotteryId,
  type ParticipantId,
  type Player,
  type PoolAnswer,
  unmovedPositionOf,
  unmovedTicketAt,
} from '@fairdraw/domain';
import type { Deps } from './deps.js';
import type { Ballot, Repositories } from './ports/repositories.js';
import { sealEntries } from './seal-entries.js';

export interface SubmitBallots {
  readonly lotteryId: LotteryId;
  readonly player: Player;
  readonly clientIp: string;
  readonly count: number;
  readonly ticketNumber: number | null;
}

export interface IssuedBallot {
  readonly ballot: Ballot;
  /** Shown once; only its keyed hash is stored. */
  readonly verificationCode: string;
}

const CODE_BYTES = 18; // 144 bits

/**
 * Issues `count` tickets, all or none. The lottery row stays locked for the whole transaction,
 * so a concurrent close either waits for these ballots or is seen by them.
 */
export async function submitBallots(deps: Deps, command: SubmitBallots): Promise<{ ballots: IssuedBallot[] }> {
  const participantId = command.player.participantId;
  // Every ballot keeps its address, only as a keyed hash: per_ip_limit counts all of them.
  const ipHash = deps.keyed.hash(`ip:${command.clientIp}`);
  return deps.uow.run(async (repos) => {
    const lottery = (await repos.lotteries.lock(command.lotteryId)) ?? fail('LOTTERY_NOT_FOUND', 'no such lottery');
    // Read the clock only once the lock is held: a request that waited behind a close or other
    // ballots until past closes_at must be refused, not judged by the instant it arrived.
    const now = deps.clock.now();
    const plan = lottery.planIssue({ player: command.player, count: command.count, chosenTicket: command.ticketNumber, now }, (bound) =>
      deps.random.below(bound),
    );
    const answer = await askPool(repos, lottery.id, plan);
    const { perParticipantLimit, perIpLimit } = lottery.toState().entry;
    const soFar = {
      byParticipant:
        perParticipantLimit !== null && participantId !== null ? await repos.ballots.countByParticipant(lottery.id, participantId) : 0,
      byIp: perIpLimit !== null ? await repos.ballots.countByIpHash(lottery.id, ipHash) : 0,
    };
    const issue = lottery.issueTickets(plan, answer, soFar, now);
    const issued = issue.tickets.map((ticketNumber) => newBallot(deps, lottery.id, ticketNumber, participantId, ipHash, now));
    await repos.pools.write(lottery.id, issue.writes);
    await repos.ballots.addMany(issued.map((i) => i.ballot));
    // The last ticket closes the lottery here, not in closeLottery: its entries freeze now, so
    // their digest is published at the close (before the seed), as for any other close.
    if (lottery.toState().status === 'closed') await sealEntries(repos, lottery);
    await repos.lotteries.save(lottery);
    return { ballots: issued };
  });
}

async function askPool(repos: Repositories, lotteryId: LotteryId, plan: IssuePlan): Promise<PoolAnswer> {
  switch (plan.kind) {
    case 'sequential':
      return { kind: 'sequential' };
    case 'random':
      return { kind: 'random', slots: await repos.pools.readSlots(lotteryId, plan.positions) };
    case 'chosen': {
      const [position, last] = await Promise.all([
        repos.pools.positionOf(lotteryId, plan.ticket),
        repos.pools.readSlots(lotteryId, [plan.lastPosition]),
      ]);
      return {
        kind: 'chosen',
        positionOfTicket: position ?? unmovedPositionOf(plan.ticket),
        ticketAtLast: last.get(plan.lastPosition) ?? unmovedTicketAt(plan.lastPosition),
      };
    }
  }
}

function newBallot(
  deps: Deps,
  lotteryId: LotteryId,
  ticketNumber: number,
  participantId: ParticipantId | null,
  ipHash: string,
  now: Date,
): IssuedBallot {
  const verificationCode = Buffer.from(deps.random.bytes(CODE_BYTES)).toString('base64url');
  return {
    verificationCode,
    ballot: {
      id: BallotId(deps.random.uuid()),
      lotteryId,
      ticketNumber,
      participantId,
      ipHash,
      codeHash: deps.keyed.hash(`code:${verificationCode}`),
      createdAt: now,
    },
  };
}
