import { BallotId, type LotteryId, MAX_BALLOTS_PER_REQUEST, type Player, TransactionId } from '@fairdraw/domain';
import type { Deps } from './deps.js';
import type { BallotAnswer, BallotRequest, Issued, IssuedBallot } from './ports/ballot-queue.js';
import type { IdempotencyRequest, IdempotentResponse } from './ports/repositories.js';

export type { Issued, IssuedBallot } from './ports/ballot-queue.js';

export interface SubmitBallots {
  readonly lotteryId: LotteryId;
  readonly player: Player;
  readonly clientIp: string;
  readonly count: number;
  readonly ticketNumber: number | null;
}

type SubmitDeps = Pick<Deps, 'ballotBatches' | 'keyed' | 'random'>;

const CODE_BYTES = 18; // 144 bits

/**
 * Issues `count` tickets, all or none. The request is prepared here and served in its lottery's
 * next turn (ballot-batches.ts, serve-ballot-turn.ts): each turn holds the lottery row locked for
 * its whole transaction, so a concurrent close either waits for these ballots or is seen by them.
 */
export async function submitBallots(deps: SubmitDeps, command: SubmitBallots): Promise<Issued> {
  const answer = await deps.ballotBatches.submit(prepare(deps, command));
  return answer.kind === 'issued' ? answer.issued : unexpectedReplay();
}

/**
 * The same, at most once per Idempotency-Key: the response `respond` makes of the ballots is
 * stored in the transaction that issues them, and a retry gets it back instead of new tickets.
 */
export async function submitBallotsOnce(
  deps: SubmitDeps,
  command: SubmitBallots,
  key: IdempotencyRequest,
  respond: (ballots: IssuedBallot[], issued: Issued) => IdempotentResponse,
): Promise<IdempotentResponse & { replayed: boolean }> {
  const once = { key, respond: (issued: Issued) => respond(issued.ballots, issued) };
  const answer: BallotAnswer = await deps.ballotBatches.submit({ ...prepare(deps, command), once });
  return { ...(answer.response ?? unexpectedReplay()), replayed: answer.kind === 'replayed' };
}

/**
 * Codes, hashes and ids cost CPU but no lock: they are made while the request waits for its
 * turn, so the turn itself (which holds the lottery) only numbers and writes.
 */
function prepare(deps: SubmitDeps, command: SubmitBallots): BallotRequest {
  const count = Number.isSafeInteger(command.count) ? Math.min(Math.max(command.count, 0), MAX_BALLOTS_PER_REQUEST) : 0;
  return {
    lotteryId: command.lotteryId,
    player: command.player,
    count: command.count,
    ticketNumber: command.ticketNumber,
    // Every ballot keeps its address, only as a keyed hash: per_ip_limit counts all of them.
    ipHash: deps.keyed.hash(`ip:${command.clientIp}`),
    purchaseId: TransactionId(deps.random.uuid()),
    blanks: Array.from({ length: count }, () => {
      const verificationCode = Buffer.from(deps.random.bytes(CODE_BYTES)).toString('base64url');
      return { id: BallotId(deps.random.uuid()), verificationCode, codeHash: deps.keyed.hash(`code:${verificationCode}`) };
    }),
  };
}

/** A request without a key is never answered with a stored response, nor a keyed one without. */
function unexpectedReplay(): never {
  throw new Error('the ballot queue answered a request with the wrong kind of answer');
}
