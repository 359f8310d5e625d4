import type { DrawView } from '@fairdraw/application';
import { z } from 'zod';
import { Id, Timestamp } from '../schemas/common.js';

const Hex = z.string().regex(/^[0-9a-f]*$/);

export const DrawSchema = z
  .object({
    lottery_id: Id,
    status: z.enum(['open', 'closed', 'drawn', 'cancelled']),
    drawn_at: Timestamp.nullable(),
    algorithm: z.enum(['fairdraw-v1', 'fairdraw-v2']),
    commitment: Hex,
    seed: Hex.optional().describe('revealed once drawn (fairdraw-v2: from the close on)'),
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
    beacon: z
      .object({ chain_hash: Hex, round: z.int().nullable(), signature: Hex.nullable(), randomness: Hex.nullable() })
      .optional()
      .describe('fairdraw-v2 only: the beacon round mixed in; signature and randomness null until drawn'),
  })
  .meta({ id: 'Draw' });

/** The verifiable draw record; before the draw, what is already fixed (commitment, and entries once closed). */
export function drawView({ lottery, record }: DrawView, now: Date): z.output<typeof DrawSchema> {
  const s = lottery.toState();
  if (record === null) {
    const status = lottery.statusAt(now);
    const pinned = s.beacon;
    return {
      lottery_id: s.id,
      status,
      drawn_at: null,
      algorithm: lottery.algorithm,
      commitment: s.commitment,
      // v2: the beacon, not the seed's secrecy, makes the outcome unpredictable; nobody gets a private preview.
      ...(pinned && status !== 'open' ? { seed: Buffer.from(s.seed).toString('hex') } : {}),
      entries_digest: s.entriesDigest,
      n: s.entryCount,
      winners: [],
      ...(pinned ? { beacon: { chain_hash: pinned.chainHash, round: pinned.round, signature: null, randomness: null } } : {}),
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
    ...(record.beacon
      ? {
          beacon: {
            chain_hash: record.beacon.chainHash,
            round: record.beacon.round,
            signature: record.beacon.signature,
            randomness: record.beacon.randomness,
          },
        }
      : {}),
  };
}
