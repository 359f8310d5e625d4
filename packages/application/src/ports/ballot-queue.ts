import type { BallotId, LotteryId, Player, TransactionId } from '@fairdraw/domain';
import type { Ballot, IdempotencyRequest, IdempotentResponse } from './repositories.js';

/**
 * A ballot request as its turn takes it: plain data, everything that needs no lock made before
 * (ids, one-time codes and their hashes, the address hash; submit-ballots.ts).
 */
export interface BallotRequest {
  readonly lotteryId: LotteryId;
  readonly player: Player;
  readonly count: number;
  readonly ticketNumber: number | null;
  /** The client's address as a keyed hash: every ballot keeps it, per_ip_limit counts them. */
  readonly ipHash: string;
  /** One per ticket the request may take, in order. */
  readonly blanks: readonly Blank[];
  /** The id of the purchase, should the lottery have a price. */
  readonly purchaseId: TransactionId;
  /** At most once per Idempotency-Key: the key, and how the response to store is rendered. */
  readonly once?: OnceOnly | undefined;
}

/** A ballot but for its number: the id and the one-time code with its hash. */
export interface Blank {
  readonly id: BallotId;
  readonly verificationCode: string;
  readonly codeHash: string;
}

export interface OnceOnly {
  readonly key: IdempotencyRequest;
  /** Renders the response stored with the ballots (a pure function of what was issued). */
  readonly respond: (issued: Issued) => IdempotentResponse;
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

/** A request's answer: tickets issued now (with the stored response when keyed), or a replay. */
export type BallotAnswer =
  | { readonly kind: 'issued'; readonly issued: Issued; readonly response: IdempotentResponse | null }
  | { readonly kind: 'replayed'; readonly response: IdempotentResponse };

/**
 * Where ballot requests wait for their lottery's next turn (group commit: one lock, one insert
 * and one commit for every request waiting; ballot-batches.ts). One per process.
 */
export interface BallotQueue {
  /** Answers once the request's turn has committed, or with the error that refused it. */
  submit(request: BallotRequest): Promise<BallotAnswer>;
  /** Resolves once every waiting request is answered and every sold-out pool is sealed. */
  idle(): Promise<void>;
}
