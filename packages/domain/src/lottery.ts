import { type Beacon, type BeaconChain, checkBeacon, roundFor, roundTimeMs } from './beacon-chain.js';
import { dateIn, endOfDate, isCalendarDate } from './calendar.js';
import { fail, invalid } from './errors.js';
import { commitmentOf, type DrawOutcome, drawFairdrawV1, SEED_BYTES } from './fairdraw-v1.js';
import { ALGORITHM_V2, type Algorithm, drawFairdrawV2 } from './fairdraw-v2.js';
import type { LotteryId, ParticipantId } from './ids.js';
import { checkPrizes, DEFAULT_PRIZES, type Prize, prizeValue } from './prizes.js';
import { issueChosen, issueRandom, type PoolAsk, type PoolIssue, type PoolOverlay, positionsToRead, type SlotView } from './ticket-pool.js';
import { isMinorUnits, MAX_PRICE } from './wallet.js';

export type LotteryStatus = 'open' | 'closed' | 'drawn' | 'cancelled';

export interface EntryRules {
  readonly guests: boolean;
  readonly perParticipantLimit: number | null;
  readonly perIpLimit: number | null;
}

export const DEFAULT_ENTRY: EntryRules = { guests: false, perParticipantLimit: null, perIpLimit: null };

/** Tickets 1..limit fit a PostgreSQL integer with room for the pool's bookkeeping. */
export const MAX_TICKET_LIMIT = 2_000_000_000;
export const MAX_BALLOTS_PER_REQUEST = 100;

/** A fairdraw-v2 lottery's beacon: the chain pinned at creation and the round its draw waits for. */
export interface LotteryBeacon extends BeaconChain {
  readonly marginS: number;
  /** Fixed at creation from the closing instant, or at the close when there is none. */
  readonly round: number | null;
}

export interface LotteryState {
  readonly id: LotteryId;
  readonly name: string;
  readonly status: LotteryStatus;
  readonly closesOn: string | null;
  readonly closesAt: Date | null;
  readonly ticketLimit: number | null;
  readonly ticketsIssued: number;
  readonly prizes: readonly Prize[];
  readonly entry: EntryRules;
  /** Minor units of `currency` a ticket costs; 0 for a free lottery. */
  readonly ticketPrice: number;
  readonly currency: string;
  /** Secret until drawn: only its commitment is public. */
  readonly seed: Uint8Array;
  readonly commitment: string;
  readonly entriesDigest: string | null;
  readonly entryCount: number | null;
  readonly createdAt: Date;
  readonly closedAt: Date | null;
  readonly drawnAt: Date | null;
  /** fairdraw-v2's beacon; absent or null for a fairdraw-v1 lottery. */
  readonly beacon?: LotteryBeacon | null | undefined;
}

export interface Player {
  readonly participantId: ParticipantId | null;
  readonly isAdmin: boolean;
}

export interface IssueRequest {
  readonly player: Player;
  readonly count: number;
  readonly chosenTicket: number | null;
  readonly now: Date;
}

/** What the pool must be asked before tickets can be issued (see ticket-pool.ts). */
export type IssuePlan =
  | { readonly kind: 'sequential'; readonly count: number }
  | { readonly kind: 'random'; readonly picks: readonly number[]; readonly positions: readonly number[] }
  | { readonly kind: 'chosen'; readonly ticket: number; readonly lastPosition: number };

export type PoolAnswer =
  | { readonly kind: 'sequential' }
  | { readonly kind: 'random'; readonly slots: SlotView }
  | { readonly kind: 'chosen'; readonly positionOfTicket: number; readonly ticketAtLast: number };

/** The slots a plan's answer is made of: its picks' positions, or a chosen number's place and the last slot. */
export function poolAskOf(plan: IssuePlan): PoolAsk {
  switch (plan.kind) {
    case 'sequential':
      return { positions: [], tickets: [] };
    case 'random':
      return { positions: plan.positions, tickets: [] };
    case 'chosen':
      return { positions: [plan.lastPosition], tickets: [plan.ticket] };
  }
}

/** The plan's answer as the turn's overlay sees the pool, or null when it lacks a slot (read it first). */
export function poolAnswerOf(plan: IssuePlan, overlay: PoolOverlay): PoolAnswer | null {
  switch (plan.kind) {
    case 'sequential':
      return { kind: 'sequential' };
    case 'random': {
      const slots = overlay.view(plan.positions);
      return slots === null ? null : { kind: 'random', slots };
    }
    case 'chosen': {
      const positionOfTicket = overlay.positionOf(plan.ticket);
      const last = overlay.view([plan.lastPosition])?.get(plan.lastPosition);
      return positionOfTicket === undefined || last === undefined ? null : { kind: 'chosen', positionOfTicket, ticketAtLast: last };
    }
  }
}

export interface EntriesSoFar {
  readonly byParticipant: number;
  readonly byIp: number;
}

/** The currency of a lottery created without one (API.md: CURRENCY defaults to EUR). */
export const DEFAULT_CURRENCY = 'EUR';

/** The last closes_on whose closing instant has a four-digit year in every time zone. */
const LAST_CLOSING_DATE = '9999-12-30';

export class Lottery {
  private constructor(private state: LotteryState) {}

  static open(input: {
    id: LotteryId;
    name: string;
    closesOn?: string | null | undefined;
    closesAt?: Date | null | undefined;
    ticketLimit?: number | null | undefined;
    prizes?: readonly Prize[] | undefined;
    entry?: Partial<EntryRules> | undefined;
    ticketPrice?: number | undefined;
    currency?: string | undefined;
    seed: Uint8Array;
    now: Date;
    timeZone: string;
    /** A chain whose info has been checked: the lottery is fairdraw-v2. */
    beacon?: { readonly chain: BeaconChain; readonly marginS: number } | null | undefined;
  }): Lottery {
    const { now, timeZone } = input;
    if (input.closesOn != null && input.closesAt != null) invalid('closes_at', 'give closes_on or closes_at, not both');
    let closesAt: Date | null = input.closesAt ?? null;
    const closesOn = input.closesOn ?? null;
    if (closesOn !== null) {
      if (!isCalendarDate(closesOn)) invalid('closes_on', 'closes_on must be a date YYYY-MM-DD');
      if (closesOn < dateIn(now, timeZone)) invalid('closes_on', 'closes_on must not be before today');
      // The midnight that ends 9999-12-31 is in year 10000, which no RFC 3339 timestamp can name.
      if (closesOn > LAST_CLOSING_DATE) invalid('closes_on', `closes_on must not be after ${LAST_CLOSING_DATE}`);
      closesAt = endOfDate(closesOn, timeZone);
    } else if (closesAt !== null && closesAt.getTime() <= now.getTime()) {
      invalid('closes_at', 'closes_at must be in the future');
    }
    const ticketLimit = input.ticketLimit ?? null;
    if (ticketLimit !== null && (!Number.isSafeInteger(ticketLimit) || ticketLimit < 1 || ticketLimit > MAX_TICKET_LIMIT)) {
      invalid('ticket_limit', `ticket_limit must be an integer from 1 to ${MAX_TICKET_LIMIT}`);
    }
    const entry = { ...DEFAULT_ENTRY, ...input.entry };
    for (const [key, path] of [
      ['perParticipantLimit', 'entry.per_participant_limit'],
      ['perIpLimit', 'entry.per_ip_limit'],
    ] as const) {
      const limit = entry[key];
      if (limit !== null && (!Number.isSafeInteger(limit) || limit < 1)) invalid(path, 'a limit must be a positive integer');
    }
    const ticketPrice = input.ticketPrice ?? 0;
    if (!isMinorUnits(ticketPrice) || ticketPrice > MAX_PRICE) invalid('ticket_price', `ticket_price must be 0..${MAX_PRICE} minor units`);
    const prizes = checkPrizes(input.prizes ?? DEFAULT_PRIZES, ticketLimit);
    // Money moves between wallets, and a guest has none to pay from or be paid into.
    if (entry.guests && ticketPrice > 0) invalid('entry.guests', 'a lottery with a ticket_price admits no guests');
    if (entry.guests && prizes.some((p) => prizeValue(p) > 0)) invalid('entry.guests', 'a lottery with valued prizes admits no guests');
    const name = input.name.trim();
    if (name.length === 0 || name.length > 100) invalid('name', 'name must be 1-100 characters');
    if (input.seed.length !== SEED_BYTES) throw new RangeError('a lottery seed is 32 bytes');
    const beacon = input.beacon ?? null;
    if (beacon !== null && !(Number.isSafeInteger(beacon.marginS) && beacon.marginS >= 1)) throw new RangeError('margin_s is at least 1');
    return new Lottery({
      id: input.id,
      name,
      status: 'open',
      closesOn,
      closesAt,
      ticketLimit,
      ticketsIssued: 0,
      prizes,
      entry,
      ticketPrice,
      currency: input.currency ?? DEFAULT_CURRENCY,
      seed: input.seed,
      commitment: commitmentOf(input.seed),
      entriesDigest: null,
      entryCount: null,
      createdAt: now,
      closedAt: null,
      drawnAt: null,
      beacon:
        beacon === null
          ? null
          : {
              ...beacon.chain,
              marginS: beacon.marginS,
              round: closesAt === null ? null : roundFor(beacon.chain, closesAt.getTime(), beacon.marginS),
            },
    });
  }

  static restore(state: LotteryState): Lottery {
    return new Lottery(state);
  }

  toState(): LotteryState {
    return this.state;
  }

  get id(): LotteryId {
    return this.state.id;
  }

  get algorithm(): Algorithm {
    return this.state.beacon ? ALGORITHM_V2 : 'fairdraw-v1';
  }

  /** The round a v2 draw waits for and when it is published; null for v1 or before the round is fixed. */
  get beaconRound(): { readonly chain: BeaconChain; readonly round: number; readonly publishedAtMs: number } | null {
    const beacon = this.state.beacon;
    if (!beacon || beacon.round === null) return null;
    return { chain: beacon, round: beacon.round, publishedAtMs: roundTimeMs(beacon, beacon.round) };
  }

  /** Closing without an instant of its own fixes a v2 lottery's round from the close. */
  private closedState(closedAt: Date): Pick<LotteryState, 'status' | 'closedAt' | 'beacon'> {
    const beacon = this.state.beacon;
    if (!beacon || beacon.round !== null) return { status: 'closed', closedAt, beacon };
    return { status: 'closed', closedAt, beacon: { ...beacon, round: roundFor(beacon, closedAt.getTime(), beacon.marginS) } };
  }

  get ticketsRemaining(): number | null {
    return this.state.ticketLimit === null ? null : this.state.ticketLimit - this.state.ticketsIssued;
  }

  get isSoldOut(): boolean {
    return this.ticketsRemaining === 0;
  }

  /** The closing instant has passed but nobody has recorded the close yet. */
  isDue(now: Date): boolean {
    return this.state.status === 'open' && this.state.closesAt !== null && this.state.closesAt.getTime() <= now.getTime();
  }

  /** What clients see: a lottery past its closing instant is closed even before the close is recorded. */
  statusAt(now: Date): LotteryStatus {
    return this.isDue(now) ? 'closed' : this.state.status;
  }

  /** Checks everything that does not need the pool, in API.md's order, and says what to ask the pool. */
  planIssue(request: IssueRequest, drawBelow: (bound: number) => number): IssuePlan {
    const { player, count, chosenTicket, now } = request;
    if (player.participantId === null && !player.isAdmin && !this.state.entry.guests) {
      fail('UNAUTHORIZED', 'this lottery needs an account to play');
    }
    if (player.isAdmin) fail('ADMIN_CANNOT_PLAY', 'admins run lotteries and never play');
    if (!Number.isSafeInteger(count) || count < 1 || count > MAX_BALLOTS_PER_REQUEST) {
      invalid('count', `count must be 1..${MAX_BALLOTS_PER_REQUEST}`);
    }
    if (chosenTicket !== null && count !== 1) invalid('count', 'count must be 1 when ticket_number is given');
    if (this.state.status === 'cancelled') fail('LOTTERY_CANCELLED', 'this lottery was cancelled');
    if (this.state.status !== 'open' || this.isDue(now)) {
      if (this.isSoldOut) fail('SOLD_OUT', 'every ticket has been issued');
      fail('LOTTERY_CLOSED', 'this lottery no longer accepts ballots');
    }
    const remaining = this.ticketsRemaining;
    if (chosenTicket !== null) {
      if (remaining === null) invalid('ticket_number', 'only a lottery with a ticket_limit has numbers to choose');
      if (!Number.isSafeInteger(chosenTicket) || chosenTicket < 1 || chosenTicket > (this.state.ticketLimit ?? 0)) {
        invalid('ticket_number', `ticket_number must be 1..${this.state.ticketLimit}`);
      }
    }
    if (remaining === null) return { kind: 'sequential', count };
    if (remaining < count) fail('SOLD_OUT', remaining === 0 ? 'every ticket has been issued' : `only ${remaining} tickets are left`);
    if (chosenTicket !== null) return { kind: 'chosen', ticket: chosenTicket, lastPosition: remaining - 1 };
    const picks = Array.from({ length: count }, (_, j) => drawBelow(remaining - j));
    return { kind: 'random', picks, positions: positionsToRead(remaining, picks) };
  }

  /**
   * Takes the tickets the plan promised; nothing changes unless every check passes. `funds` is
   * what the player can pay (null: no wallet), checked after the entry limits.
   */
  issueTickets(plan: IssuePlan, answer: PoolAnswer, soFar: EntriesSoFar, now: Date, funds: number | null = null): PoolIssue {
    const issue = this.takeFromPool(plan, answer);
    const count = issue.tickets.length;
    const { perParticipantLimit, perIpLimit } = this.state.entry;
    if (perParticipantLimit !== null && soFar.byParticipant + count > perParticipantLimit) {
      fail('ENTRY_LIMIT_REACHED', `at most ${perParticipantLimit} tickets per participant`);
    }
    // Per address means every ticket from that address, a participant's as well as a guest's.
    if (perIpLimit !== null && soFar.byIp + count > perIpLimit) {
      fail('ENTRY_LIMIT_REACHED', `at most ${perIpLimit} tickets per address`);
    }
    const price = this.priceOf(count);
    if (price > 0 && (funds === null || funds < price)) {
      fail('INSUFFICIENT_FUNDS', `${count} tickets cost ${price} and the balance is ${funds ?? 0}`);
    }
    const ticketsIssued = this.state.ticketsIssued + count;
    const soldOut = this.state.ticketLimit !== null && ticketsIssued === this.state.ticketLimit;
    this.state = {
      ...this.state,
      ticketsIssued,
      ...(soldOut ? this.closedState(now) : {}),
    };
    return issue;
  }

  /** What `count` tickets cost, in minor units. */
  priceOf(count: number): number {
    return count * this.state.ticketPrice;
  }

  /**
   * Calls the lottery off before its draw: it takes no more ballots, close or draw, and the
   * caller refunds every purchase in the same transaction.
   */
  cancel(): void {
    if (this.state.status === 'drawn') fail('ALREADY_DRAWN', 'a drawn lottery cannot be cancelled');
    if (this.state.status === 'cancelled') fail('LOTTERY_CANCELLED', 'this lottery is already cancelled');
    this.state = { ...this.state, status: 'cancelled' };
  }

  private takeFromPool(plan: IssuePlan, answer: PoolAnswer): PoolIssue {
    const remaining = this.ticketsRemaining ?? 0;
    if (plan.kind === 'sequential' && answer.kind === 'sequential') {
      const first = this.state.ticketsIssued + 1;
      return { tickets: Array.from({ length: plan.count }, (_, i) => first + i), writes: [] };
    }
    if (plan.kind === 'random' && answer.kind === 'random') return issueRandom(remaining, plan.picks, answer.slots);
    if (plan.kind === 'chosen' && answer.kind === 'chosen') {
      const issue = issueChosen(remaining, plan.ticket, answer.positionOfTicket, answer.ticketAtLast);
      return issue ?? fail('TICKET_TAKEN', `ticket ${plan.ticket} is taken`);
    }
    throw new Error(`pool answer ${answer.kind} does not fit plan ${plan.kind}`);
  }

  /**
   * An admin's close. A lottery past its closing instant is already closed in every client's
   * eyes (statusAt), so closing it again is ALREADY_CLOSED like any other closed lottery.
   */
  close(now: Date): void {
    if (this.state.status === 'cancelled') fail('LOTTERY_CANCELLED', 'this lottery was cancelled');
    if (this.state.status === 'drawn') fail('ALREADY_DRAWN', 'this lottery has been drawn');
    if (this.state.status === 'closed' || this.isDue(now)) fail('ALREADY_CLOSED', 'this lottery is already closed');
    this.state = { ...this.state, ...this.closedState(now) };
  }

  /**
   * Records the close of a lottery whose closing instant has passed. It closed at that instant,
   * which clients have been shown as `closed_at` since, however late the close is recorded.
   */
  recordDueClose(now: Date): void {
    const { closesAt } = this.state;
    if (!this.isDue(now) || closesAt === null) return;
    this.state = { ...this.state, ...this.closedState(closesAt) };
  }

  get isSealed(): boolean {
    return this.state.entriesDigest !== null;
  }

  /** Freezes the digest of the entries; done once, after the close. */
  seal(entries: { entriesDigest: string; n: number }): void {
    if (this.state.status === 'open') fail('LOTTERY_NOT_CLOSED', 'entries freeze when the lottery closes');
    if (this.isSealed) return;
    this.state = { ...this.state, entriesDigest: entries.entriesDigest, entryCount: entries.n };
  }

  /** Draws a closed, sealed lottery; a v2 one with the verified beacon of its round, and no other. */
  draw(now: Date, beacon: Beacon | null = null): DrawOutcome {
    if (this.state.status === 'cancelled') fail('LOTTERY_CANCELLED', 'this lottery was cancelled');
    if (this.state.status === 'drawn') fail('ALREADY_DRAWN', 'this lottery has been drawn');
    if (this.state.status !== 'closed') fail('LOTTERY_NOT_CLOSED', 'a lottery is drawn after it closes');
    const { entriesDigest, entryCount } = this.state;
    if (entriesDigest === null || entryCount === null) throw new Error('a lottery is sealed before it is drawn');
    const input = { seed: this.state.seed, lotteryId: this.state.id, entriesDigest, n: entryCount, prizes: this.state.prizes };
    const pinned = this.beaconRound;
    let outcome: DrawOutcome;
    if (this.state.beacon) {
      // Callers check the beacon before the lock; a wrong one here is a bug, never a client's fault.
      if (pinned === null || beacon === null) throw new Error(`lottery ${this.state.id} is fairdraw-v2: it is drawn with its beacon round`);
      const check = checkBeacon(pinned.chain, pinned.round, beacon);
      if (check !== 'ok') throw new Error(`the beacon for round ${pinned.round} fails its ${check} check`);
      outcome = drawFairdrawV2({ ...input, chainHash: pinned.chain.chainHash, round: pinned.round, beacon });
    } else {
      outcome = drawFairdrawV1(input);
    }
    this.state = { ...this.state, status: 'drawn', drawnAt: now };
    return outcome;
  }
}
