import { describe, expect, it } from 'vitest';
import type { DomainCode } from './errors.js';
import { LotteryId, ParticipantId } from './ids.js';
import { type EntriesSoFar, type IssueRequest, Lottery, type PoolAnswer } from './lottery.js';

const now = new Date('2026-11-22T12:00:00.000Z');
const seed = new Uint8Array(32).fill(7);
const alice = { participantId: ParticipantId('0190f5e2-0000-7000-8000-000000000001'), isAdmin: false };
const admin = { participantId: ParticipantId('0190f5e2-0000-7000-8000-000000000002'), isAdmin: true };
const guest = { participantId: null, isAdmin: false };
const none: EntriesSoFar = { byParticipant: 0, byIp: 0 };

function aLottery(overrides: Partial<Parameters<typeof Lottery.open>[0]> = {}) {
  return Lottery.open({
    id: LotteryId('0190f5e2-0000-7000-8000-0000000000aa'),
    name: 'brave-otter-42',
    seed,
    now,
    timeZone: 'UTC',
    ...overrides,
  });
}

/** Plans and issues against an untouched pool (no stored slots), as a repository would answer. */
function play(lottery: Lottery, request: Partial<IssueRequest> = {}, soFar: EntriesSoFar = none, stored?: PoolAnswer) {
  const full: IssueRequest = { player: alice, count: 1, chosenTicket: null, now, ...request };
  const plan = lottery.planIssue(full, () => 0);
  const answer: PoolAnswer =
    stored ??
    (plan.kind === 'random'
      ? { kind: 'random', slots: new Map() }
      : plan.kind === 'chosen'
        ? { kind: 'chosen', positionOfTicket: plan.ticket - 1, ticketAtLast: plan.lastPosition + 1 }
        : { kind: 'sequential' });
  return lottery.issueTickets(plan, answer, soFar, now).tickets;
}

const code = (fn: () => unknown): DomainCode | undefined => {
  try {
    fn();
  } catch (error) {
    return (error as { code?: DomainCode }).code;
  }
  return undefined;
};

describe('Lottery', () => {
  it('numbers an unlimited pool 1, 2, 3 in order of submission', () => {
    const lottery = aLottery();
    expect(play(lottery, { count: 2 })).toEqual([1, 2]);
    expect(play(lottery, { count: 3 })).toEqual([3, 4, 5]);
    expect(lottery.toState().ticketsIssued).toBe(5);
  });

  it('closes at the midnight that ends closes_on in the service zone', () => {
    const lottery = aLottery({ closesOn: '2026-11-22', timeZone: 'Europe/Paris' });
    expect(lottery.toState().closesAt?.toISOString()).toBe('2026-11-22T23:00:00.000Z');
    expect(code(() => aLottery({ closesOn: '2026-11-21' }))).toBe('VALIDATION_FAILED');
    expect(code(() => aLottery({ closesAt: new Date(now.getTime() - 1) }))).toBe('VALIDATION_FAILED');
  });

  it('refuses ballots from its closing instant on, before anyone records the close', () => {
    const lottery = aLottery({ closesAt: new Date(now.getTime() + 1000) });
    const late = new Date(now.getTime() + 1000);
    expect(code(() => play(lottery, { now: late }))).toBe('LOTTERY_CLOSED');
    expect(lottery.isDue(late)).toBe(true);
    expect(lottery.statusAt(late)).toBe('closed');
    expect(lottery.toState().status).toBe('open');
  });

  it('past its closing instant is already closed for an admin, and closed at that instant whenever it is recorded', () => {
    const closesAt = new Date(now.getTime() + 1000);
    const lottery = aLottery({ closesAt });
    const late = new Date(now.getTime() + 60_000);
    expect(code(() => lottery.close(late))).toBe('ALREADY_CLOSED');
    lottery.recordDueClose(new Date(now.getTime() + 500));
    expect(lottery.toState().status).toBe('open');
    lottery.recordDueClose(late);
    expect(lottery.toState()).toMatchObject({ status: 'closed', closedAt: closesAt });
  });

  it('checks in the documented order: admin, open, tickets left, number free, limits', () => {
    const soldOut = aLottery({ ticketLimit: 1 });
    play(soldOut);
    expect(code(() => play(soldOut, { player: admin }))).toBe('ADMIN_CANNOT_PLAY');
    expect(code(() => play(soldOut))).toBe('SOLD_OUT');

    const closed = aLottery({ ticketLimit: 5 });
    closed.close(now);
    expect(code(() => play(closed))).toBe('LOTTERY_CLOSED');

    const limited = aLottery({ ticketLimit: 3, entry: { perParticipantLimit: 1 } });
    play(limited, { chosenTicket: 2 });
    expect(code(() => play(limited, { count: 3 }))).toBe('SOLD_OUT');
    // Choosing 2 swapped it to the last position (2), past the 2 tickets that remain.
    const taken: PoolAnswer = { kind: 'chosen', positionOfTicket: 2, ticketAtLast: 3 };
    expect(code(() => play(limited, { chosenTicket: 2 }, { byParticipant: 1, byIp: 1 }, taken))).toBe('TICKET_TAKEN');
    const free: PoolAnswer = { kind: 'chosen', positionOfTicket: 1, ticketAtLast: 3 };
    expect(code(() => play(limited, { chosenTicket: 3 }, { byParticipant: 1, byIp: 1 }, free))).toBe('ENTRY_LIMIT_REACHED');
  });

  it('issues all of a request or none of it', () => {
    const lottery = aLottery({ entry: { perParticipantLimit: 2 } });
    expect(code(() => play(lottery, { count: 3 }))).toBe('ENTRY_LIMIT_REACHED');
    expect(lottery.toState().ticketsIssued).toBe(0);
    expect(code(() => play(lottery, { count: 2 }, { byParticipant: 1, byIp: 0 }))).toBe('ENTRY_LIMIT_REACHED');
    expect(play(lottery, { count: 2 })).toEqual([1, 2]);
  });

  it('lets guests play only where entry.guests allows; per_ip_limit limits every player per address', () => {
    expect(code(() => play(aLottery(), { player: guest }))).toBe('UNAUTHORIZED');
    const open = aLottery({ entry: { guests: true, perIpLimit: 2 } });
    expect(play(open, { player: guest, count: 2 })).toEqual([1, 2]);
    expect(code(() => play(open, { player: guest }, { byParticipant: 0, byIp: 2 }))).toBe('ENTRY_LIMIT_REACHED');
    // The address limit holds for participants too: it counts every ticket from the address.
    expect(code(() => play(open, { player: alice }, { byParticipant: 0, byIp: 2 }))).toBe('ENTRY_LIMIT_REACHED');
  });

  it('closes itself when the last ticket is issued and then answers SOLD_OUT', () => {
    const lottery = aLottery({ ticketLimit: 2 });
    expect([...play(lottery, { count: 2 })].sort()).toEqual([1, 2]);
    expect(lottery.toState().status).toBe('closed');
    expect(code(() => play(lottery))).toBe('SOLD_OUT');
    expect(code(() => lottery.close(now))).toBe('ALREADY_CLOSED');
  });

  it('validates chosen numbers and counts', () => {
    const lottery = aLottery({ ticketLimit: 10 });
    expect(code(() => play(lottery, { chosenTicket: 11 }))).toBe('VALIDATION_FAILED');
    expect(code(() => play(lottery, { chosenTicket: 0 }))).toBe('VALIDATION_FAILED');
    expect(code(() => play(lottery, { chosenTicket: 3, count: 2 }))).toBe('VALIDATION_FAILED');
    expect(code(() => play(lottery, { count: 101 }))).toBe('VALIDATION_FAILED');
    expect(code(() => play(aLottery(), { chosenTicket: 1 }))).toBe('VALIDATION_FAILED');
    expect(code(() => aLottery({ ticketLimit: 1, prizes: [{ name: 'A', amount: 2 }] }))).toBe('TOO_MANY_PRIZES');
  });

  it('moves open -> closed -> drawn once, and only with frozen entries', () => {
    const lottery = aLottery();
    expect(code(() => lottery.draw(now))).toBe('LOTTERY_NOT_CLOSED');
    lottery.close(now);
    lottery.seal({ entriesDigest: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', n: 0 });
    const outcome = lottery.draw(now);
    expect(outcome.winners).toEqual([]);
    expect(lottery.toState().status).toBe('drawn');
    expect(code(() => lottery.draw(now))).toBe('ALREADY_DRAWN');
    expect(code(() => lottery.close(now))).toBe('ALREADY_DRAWN');
  });

  it('publishes the sha256 of its seed as the commitment', () => {
    expect(aLottery().toState().commitment).toMatch(/^[0-9a-f]{64}$/);
    expect(aLottery().toState().commitment).not.toBe(aLottery({ seed: new Uint8Array(32) }).toState().commitment);
  });
});
