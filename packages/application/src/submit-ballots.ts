import {
  BallotId,
  type IssuePlan,
  type LotteryId,
  MAX_BALLOTS_PER_REQUEST,
  type Player,
  type PoolAnswer,
  TransactionId,
  unmovedPositionOf,
  unmovedTicketAt,
} from '@fairdraw/domain';
import type { BallotTurn, TurnRequest } from './ballot-turn.js';
import type { Deps } from './deps.js';
import type { Ballot, Repositories } from './ports/repositories.js';
import { recordLotteryEvent } from './record-lottery-event.js';
import { type IdempotencyRequest, type IdempotentResponse, idempotently } from './run-idempotent.js';

export interface SubmitBallots {
  readonly lotteryId: LotteryId;
  readonly player: Player;
  readonly clientIp: string;
  readonly count: number;
  readonly ticketNumber: number | null;
}

/** What a request got: its ballots, what they cost and the balance left (null for a guest). */
export interface Issued {
  readonly ballots: IssuedBallot[];
  /** Minor units debited from the wallet; 0 on a free lottery. */
  readonly charged: number;
  readonly balance: number | null;
}

export interface IssuedBallot {
  readonly ballot: Ballot;
  /** Shown once; only its keyed hash is stored. */
  readonly verificationCode: string;
}

const CODE_BYTES = 18; // 144 bits

/**
 * Issues `count` tickets, all or none. Requests for one lottery are served in turns
 * (ballot-batches.ts): each turn holds the lottery row locked for its whole transaction, so a
 * concurrent close either waits for these ballots or is seen by them.
 */
export function submitBallots(deps: Deps, command: SubmitBallots): Promise<Issued> {
  const ready = prepare(deps, command);
  return deps.ballotBatches.submit(command.lotteryId, turnRequest(ready), (turn) => issueBallots(deps, turn, ready));
}

/**
 * The same, at most once per Idempotency-Key: the response `respond` makes of the ballots is
 * stored in the transaction that issues them, and a retry gets it back instead of new tickets.
 */
export function submitBallotsOnce(
  deps: Deps,
  command: SubmitBallots,
  once: IdempotencyRequest,
  respond: (ballots: IssuedBallot[], issued: Issued) => IdempotentResponse,
): Promise<IdempotentResponse & { replayed: boolean }> {
  const ready = prepare(deps, command);
  return deps.ballotBatches.submit(command.lotteryId, { ...turnRequest(ready), idempotencyKey: once }, (turn) =>
    idempotently(turn.idempotency, deps.clock, once, async () => {
      const issued = await issueBallots(deps, turn, ready);
      return respond(issued.ballots, issued);
    }),
  );
}

/** A request with what it needs that does not depend on the lottery, made before its turn. */
interface Prepared {
  readonly command: SubmitBallots;
  readonly ipHash: string;
  readonly blanks: readonly Blank[];
  /** The id of the purchase, should the lottery have a price. */
  readonly purchaseId: TransactionId;
}

/** A ballot but for its number: the id and the one-time code with its hash. */
interface Blank {
  readonly id: BallotId;
  readonly verificationCode: string;
  readonly codeHash: string;
}

/**
 * Codes, hashes and ids cost CPU but no lock: they are made while the request waits for its
 * turn, so the turn itself (which holds the lottery) only numbers and writes.
 */
function prepare(deps: Deps, command: SubmitBallots): Prepared {
  const count = Number.isSafeInteger(command.count) ? Math.min(Math.max(command.count, 0), MAX_BALLOTS_PER_REQUEST) : 0;
  return {
    command,
    // Every ballot keeps its address, only as a keyed hash: per_ip_limit counts all of them.
    ipHash: deps.keyed.hash(`ip:${command.clientIp}`),
    purchaseId: TransactionId(deps.random.uuid()),
    blanks: Array.from({ length: count }, () => {
      const verificationCode = Buffer.from(deps.random.bytes(CODE_BYTES)).toString('base64url');
      return { id: BallotId(deps.random.uuid()), verificationCode, codeHash: deps.keyed.hash(`code:${verificationCode}`) };
    }),
  };
}

function turnRequest({ command, ipHash }: Prepared): TurnRequest {
  // An admin is refused (ADMIN_CANNOT_PLAY) before anything of theirs is read: no counts, no wallet.
  const participantId = command.player.isAdmin ? null : command.player.participantId;
  return { tickets: command.count, entrant: { participantId, ipHash } };
}

async function issueBallots(deps: Deps, turn: BallotTurn, { command, ipHash, blanks, purchaseId }: Prepared): Promise<Issued> {
  const { repos, lottery } = turn;
  const participantId = command.player.participantId;
  // Read the clock only once the lock is held: a request that waited behind a close or other
  // ballots until past closes_at must be refused, not judged by the instant it arrived.
  const now = deps.clock.now();
  const plan = lottery.planIssue({ player: command.player, count: command.count, chosenTicket: command.ticketNumber, now }, (bound) =>
    deps.random.below(bound),
  );
  turn.requireAccount(participantId);
  const answer = await askPool(repos, lottery.id, plan);
  const { perParticipantLimit, perIpLimit } = lottery.toState().entry;
  const soFar = {
    byParticipant: perParticipantLimit !== null && participantId !== null ? await turn.entriesOf(participantId) : 0,
    byIp: perIpLimit !== null ? await turn.entriesFrom(ipHash) : 0,
  };
  const wallet = participantId === null ? null : await turn.walletOf(participantId);
  // Paid after the entry limits, before anything is taken: a request that cannot pay leaves no trace.
  const issue = lottery.issueTickets(plan, answer, soFar, now, wallet?.balance ?? null);
  const charged = lottery.priceOf(issue.tickets.length);
  if (charged > 0 && wallet !== null) {
    wallet.purchase({ id: purchaseId, lotteryId: lottery.id, ballotCount: issue.tickets.length, price: charged, now });
  }
  const issued = issue.tickets.map((ticketNumber, i): IssuedBallot => {
    const { id, verificationCode, codeHash } = blanks[i] ?? unprepared();
    return { verificationCode, ballot: { id, lotteryId: lottery.id, ticketNumber, participantId, ipHash, codeHash, createdAt: now } };
  });
  // The pool is written now, so the next request of the turn draws from what this one left.
  await repos.pools.write(lottery.id, issue.writes);
  turn.stage(issued.map((i) => i.ballot));
  // The last ticket closed the pool: receivers hear of it from this turn's transaction.
  if (lottery.toState().status === 'closed') await recordLotteryEvent(deps, repos, { type: 'lottery.closed', lottery, at: now });
  return { ballots: issued, charged, balance: wallet?.balance ?? null };
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

/** planIssue refuses a count that prepare() would have cut short, so this cannot happen. */
function unprepared(): never {
  throw new Error('a ballot was issued without a prepared code');
}
