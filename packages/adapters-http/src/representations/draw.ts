import type { DrawView } from '@fairdraw/application';
import { z } from 'zod';
import { Id, Timestamp } from '../schemas/common.js';

const Hex = z.string().regex(/^[0-9a-f]*$/);

export const DrawSchema = z
  .object({
    lottery_id: Id,
    status: z.enum(['open', 'closed', 'drawn', 'cancelled']),
    drawn_at: Timestamp.nullable(),
    algorithm: z.literal('fairdraw-v1'),
    commitment: Hex,
    seed: Hex.optional().describe('revealed once drawn'),
    entries_digest: Hex.nullable().describe('hex(sha256(entries)), fixed at the close'),
    n: z.int().nullable().describe('number of entries, fixed at the close'),
    winners: z.array(
      z.object({
        rank: z.int(),
        prize: z.string(),
        ticket_number: z.int(),
        ballot_id: Id,
        username: z.string().nullable(),
      }),
    ),
  })
  .meta({ id: 'Draw' });

/** The verifiable draw record; before the draw, what is already fixed (commitment, and entries once closed). */
export function drawView({ lottery, record }: DrawView, now: Date): z.output<typeof DrawSchema> {
  const s = lottery.toState();
  if (record === null) {
    return {
      lottery_id: s.id,
      status: lottery.statusAt(now),
      drawn_at: null,
      algorithm: 'fairdraw-v1',
      commitment: s.commitment,
      entries_digest: s.entriesDigest,
      n: s.entryCount,
      winners: [],
    };
  }
  return {
    lottery_id: record.lotteryId,
    status: 'drawn',
    drawn_at: record.drawnAt.toISOString(),
    algorithm: record.algorithm,
    commitment: record.commitment,
    seed: record.seed,
    entries_digest: record.entriesDigest,
    n: record.n,
    winners: record.winners.map((w) => ({
      rank: w.rank,
      prize: w.prize,
      ticket_number: w.ticketNumber,
      ballot_id: w.ballotId,
      username: w.username,
    })),
  };
}
