import type { BallotWithOwner, Issued, IssuedBallot, MyBallot } from '@fairdraw/application';
import { z } from 'zod';
import { Id, Timestamp } from '../schemas/common.js';

const IssuedBallotSchema = z
  .object({
    id: Id,
    lottery_id: Id,
    ticket_number: z.int(),
    verification_code: z.string().describe('shown once: only a hash is stored'),
    created_at: Timestamp,
  })
  .meta({ id: 'Ballot' });

export const IssuedBallotsSchema = z.object({
  ballots: z.array(IssuedBallotSchema),
  charged: z.int().describe('minor units debited from the wallet: count × ticket_price (0 on a free lottery)'),
  balance: z.int().nullable().describe('the wallet’s balance after the purchase; null for a guest'),
});

export function issuedBallotsView(issued: Issued): z.output<typeof IssuedBallotsSchema> {
  return { ballots: issued.ballots.map(issuedBallotView), charged: issued.charged, balance: issued.balance };
}

function issuedBallotView({ ballot, verificationCode }: IssuedBallot): z.output<typeof IssuedBallotSchema> {
  return {
    id: ballot.id,
    lottery_id: ballot.lotteryId,
    ticket_number: ballot.ticketNumber,
    verification_code: verificationCode,
    created_at: ballot.createdAt.toISOString(),
  };
}

export const MyBallotSchema = z
  .object({
    id: Id,
    lottery_id: Id,
    ticket_number: z.int(),
    created_at: Timestamp,
    prize: z.string().nullable().optional().describe('present once the lottery is drawn: the prize won, or null'),
  })
  .meta({ id: 'MyBallot' });

export function myBallotView({ ballot, drawn, prize }: MyBallot): z.output<typeof MyBallotSchema> {
  return {
    id: ballot.id,
    lottery_id: ballot.lotteryId,
    ticket_number: ballot.ticketNumber,
    created_at: ballot.createdAt.toISOString(),
    ...(drawn ? { prize } : {}),
  };
}

export const LotteryBallotSchema = z
  .object({
    id: Id,
    ticket_number: z.int(),
    participant: z.object({ id: Id, username: z.string() }).nullable().describe('null for a guest ballot'),
    created_at: Timestamp,
  })
  .meta({ id: 'LotteryBallot' });

export function lotteryBallotView(ballot: BallotWithOwner): z.output<typeof LotteryBallotSchema> {
  return {
    id: ballot.id,
    ticket_number: ballot.ticketNumber,
    participant: ballot.participantId === null ? null : { id: ballot.participantId, username: ballot.username ?? '' },
    created_at: ballot.createdAt.toISOString(),
  };
}
