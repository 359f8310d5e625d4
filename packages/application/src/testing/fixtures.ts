import { randomBytes } from 'node:crypto';
import { BallotId, Lottery, LotteryId, type Participant, ParticipantId, type Prize, registerParticipant } from '@fairdraw/domain';
import type { Ballot, DrawRecord, Page, PageRequest, UnitOfWork } from '../ports/repositories.js';
import { monotonicUuidV7 } from '../system/uuid-v7.js';

/** Ids made later sort later, as the service's own ids do. */
export const uuidv7: () => string = monotonicUuidV7(Date.now, (length) => new Uint8Array(randomBytes(length)));

export const NOW: Date = new Date('2030-01-10T12:00:00.000Z');
const ZONE = 'Europe/London';

export function aLottery(
  input: { closesOn?: string | null; closesAt?: Date | null; ticketLimit?: number | null; prizes?: readonly Prize[]; name?: string } = {},
): Lottery {
  return Lottery.open({
    id: LotteryId(uuidv7()),
    name: input.name ?? 'spring raffle',
    closesOn: input.closesOn,
    closesAt: input.closesAt,
    ticketLimit: input.ticketLimit,
    prizes: input.prizes,
    seed: new Uint8Array(randomBytes(32)),
    now: NOW,
    timeZone: ZONE,
  });
}

export function aParticipant(username: string, options: { email?: string | null; admin?: boolean } = {}): Participant {
  return registerParticipant({
    id: ParticipantId(uuidv7()),
    username,
    email: options.email ?? null,
    role: options.admin ? 'admin' : 'participant',
    passwordHash: '$argon2id$fake',
    now: NOW,
  });
}

export function aBallot(
  lotteryId: LotteryId,
  ticketNumber: number,
  owner: { participantId?: ParticipantId; ipHash?: string } = {},
): Ballot {
  return {
    id: BallotId(uuidv7()),
    lotteryId,
    ticketNumber,
    participantId: owner.participantId ?? null,
    ipHash: owner.ipHash ?? null,
    codeHash: `code-${ticketNumber}`,
    createdAt: NOW,
  };
}

export function aDraw(lotteryId: LotteryId, drawnAt: Date, winners: DrawRecord['winners'] = []): DrawRecord {
  return {
    lotteryId,
    drawnAt,
    algorithm: 'fairdraw-v1',
    commitment: 'c'.repeat(64),
    seed: 'a'.repeat(64),
    entriesDigest: 'd'.repeat(64),
    n: winners.length,
    randomness: 'b'.repeat(64),
    winners,
  };
}

/** Stores fixtures through the unit of work under test; ballots need their lottery and owner to exist. */
export async function stored<T extends Lottery | Participant>(uow: UnitOfWork, item: T): Promise<T> {
  await uow.run(async (repos) => {
    if (item instanceof Lottery) await repos.lotteries.add(item);
    else await repos.participants.add(item);
  });
  return item;
}

/** Every page of a paginated list, following the cursors. */
export async function allPages<T>(fetch: (page: PageRequest) => Promise<Page<T>>, limit: number): Promise<T[][]> {
  const pages: T[][] = [];
  let cursor: string | null = null;
  do {
    const page: Page<T> = await fetch({ limit, cursor });
    pages.push([...page.items]);
    cursor = page.nextCursor;
  } while (cursor !== null && pages.length < 1000);
  return pages;
}
