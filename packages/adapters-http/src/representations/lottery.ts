import { type Lottery, prizeValue } from '@fairdraw/domain';
import { z } from 'zod';
import { CalendarDate, Id, Timestamp } from '../schemas/common.js';

const PrizeSchema = z.object({ name: z.string(), amount: z.int(), value: z.int().describe('minor units paid to each winner') });
const EntrySchema = z.object({
  guests: z.boolean(),
  per_participant_limit: z.int().nullable(),
  per_ip_limit: z.int().nullable(),
});

const LotteryBeaconSchema = z
  .object({
    chain_hash: z.string(),
    public_key: z.string(),
    period: z.int(),
    genesis_time: z.int(),
    margin_s: z.int(),
    round: z.int().nullable().describe('fixed at creation from the closing instant, else at the close'),
  })
  .describe('the drand beacon a fairdraw-v2 lottery is drawn with; null for fairdraw-v1');

export const LotterySchema = z
  .object({
    id: Id,
    name: z.string(),
    status: z.enum(['open', 'closed', 'drawn', 'cancelled']),
    closes_on: CalendarDate.nullable(),
    closes_at: Timestamp.nullable(),
    ticket_limit: z.int().nullable(),
    tickets_issued: z.int(),
    tickets_available: z.int().nullable().describe('null for an unlimited pool'),
    prizes: z.array(PrizeSchema),
    entry: EntrySchema,
    ticket_price: z.int().describe('minor units of currency per ticket; 0 is free'),
    currency: z.string().describe('ISO 4217 code of ticket_price and prize values'),
    commitment: z.string().describe('hex(sha256(seed)), published before any ballot'),
    created_at: Timestamp,
    closed_at: Timestamp.nullable(),
    drawn_at: Timestamp.nullable(),
    algorithm: z.enum(['fairdraw-v1', 'fairdraw-v2']),
    beacon: LotteryBeaconSchema.nullable(),
  })
  .meta({ id: 'Lottery' });

const iso = (d: Date | null) => (d === null ? null : d.toISOString());

/**
 * A lottery as clients see it at `now`: past its closing instant it is closed even before the
 * worker records the close, and then its closed_at is that instant.
 */
export function lotteryView(lottery: Lottery, now: Date): z.output<typeof LotterySchema> {
  const s = lottery.toState();
  const closedAt = s.closedAt ?? (lottery.isDue(now) ? s.closesAt : null);
  return {
    id: s.id,
    name: s.name,
    status: lottery.statusAt(now),
    closes_on: s.closesOn,
    closes_at: iso(s.closesAt),
    ticket_limit: s.ticketLimit,
    tickets_issued: s.ticketsIssued,
    tickets_available: lottery.ticketsRemaining,
    prizes: s.prizes.map((p) => ({ name: p.name, amount: p.amount, value: prizeValue(p) })),
    entry: {
      guests: s.entry.guests,
      per_participant_limit: s.entry.perParticipantLimit,
      per_ip_limit: s.entry.perIpLimit,
    },
    ticket_price: s.ticketPrice,
    currency: s.currency,
    commitment: s.commitment,
    created_at: s.createdAt.toISOString(),
    closed_at: iso(closedAt),
    drawn_at: iso(s.drawnAt),
    algorithm: lottery.algorithm,
    beacon: s.beacon
      ? {
          chain_hash: s.beacon.chainHash,
          public_key: s.beacon.publicKey,
          period: s.beacon.period,
          genesis_time: s.beacon.genesisTime,
          margin_s: s.beacon.marginS,
          round: s.beacon.round,
        }
      : null,
  };
}
