/**
 * The fairdraw-v1 draw, byte for byte as API.md specifies it, as pure functions of
 * (seed, lottery id, entries). Hashing is computation, not I/O: node:crypto's sha256 and HMAC are
 * the only things the domain borrows from the platform.
 */
import { createHash, createHmac } from 'node:crypto';
import { type Prize, prizeAt, totalPrizeUnits } from './prizes.js';

export const ALGORITHM = 'fairdraw-v1' as const;
export const SEED_BYTES = 32;

const TWO_64 = 1n << 64n;

export const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

export function commitmentOf(seed: Uint8Array): string {
  if (seed.length !== SEED_BYTES) throw new RangeError(`a seed is ${SEED_BYTES} bytes`);
  return createHash('sha256').update(seed).digest('hex');
}

export function entryLine(ticketNumber: number, ballotId: string): string {
  return `${ticketNumber}:${ballotId.toLowerCase()}\n`;
}

/** Digests the canonical entries text incrementally, so that any number of lines fits in memory. */
export class EntriesDigest {
  private readonly hash = createHash('sha256');
  private count = 0;
  private lastTicket = 0;

  add(ticketNumber: number, ballotId: string): void {
    if (ticketNumber <= this.lastTicket) throw new RangeError('entries must be added in ascending ticket order');
    this.lastTicket = ticketNumber;
    this.hash.update(entryLine(ticketNumber, ballotId));
    this.count += 1;
  }

  /**
   * Whole canonical lines, already in ascending order, as a store formats them (one chunk of
   * many lines: the close hashes 10^7 entries without touching each one in JavaScript). The
   * store's order and unique key stand for the check `add` makes; the text must end a line.
   */
  addLines(text: string): void {
    if (text === '') return;
    if (!text.endsWith('\n')) throw new RangeError('entries text must be whole lines');
    this.hash.update(text);
    for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) this.count += 1;
  }

  finish(): { entriesDigest: string; n: number } {
    return { entriesDigest: this.hash.digest('hex'), n: this.count };
  }
}

export function randomnessOf(seed: Uint8Array, lotteryId: string, entriesDigest: string): Buffer {
  return createHmac('sha256', seed).update(`${ALGORITHM}|${lotteryId.toLowerCase()}|${entriesDigest}`).digest();
}

/** Step 4: HMAC blocks as a byte stream, read as unsigned 64-bit big-endian integers. */
export class DrawStream {
  private block = 0;
  private buffer = Buffer.alloc(0);

  constructor(private readonly randomness: Uint8Array) {}

  private nextU64(): bigint {
    while (this.buffer.length < 8) {
      const counter = Buffer.alloc(4);
      counter.writeUInt32BE(this.block++);
      const bytes = createHmac('sha256', this.randomness).update(counter).digest();
      this.buffer = Buffer.concat([this.buffer, bytes]);
    }
    const x = this.buffer.readBigUInt64BE(0);
    this.buffer = this.buffer.subarray(8);
    return x;
  }

  uniform(m: number): number {
    if (!Number.isSafeInteger(m) || m < 1) throw new RangeError(`uniform(${m})`);
    const bound = BigInt(m);
    const limit = TWO_64 - (TWO_64 % bound);
    for (;;) {
      const x = this.nextU64();
      if (x < limit) return Number(x % bound);
    }
  }
}

/** Step 5: a partial Fisher-Yates over n positions, O(k) time and memory. */
export function winnerIndices(randomness: Uint8Array, n: number, k: number): number[] {
  const stream = new DrawStream(randomness);
  const moved = new Map<number, number>();
  const at = (i: number) => moved.get(i) ?? i;
  const picks: number[] = [];
  for (let j = 0; j < Math.min(n, k); j++) {
    const r = j + stream.uniform(n - j);
    const pj = at(j);
    const pr = at(r);
    moved.set(j, pr);
    moved.set(r, pj);
    picks.push(pr);
  }
  return picks;
}

export interface DrawnWinner {
  readonly rank: number;
  readonly prize: string;
  /** Index into the ascending entries list. */
  readonly entryIndex: number;
}

export interface DrawOutcome {
  readonly randomness: string;
  readonly winners: readonly DrawnWinner[];
}

export function drawFairdrawV1(input: {
  seed: Uint8Array;
  lotteryId: string;
  entriesDigest: string;
  n: number;
  prizes: readonly Prize[];
}): DrawOutcome {
  return drawFromRandomness(randomnessOf(input.seed, input.lotteryId, input.entriesDigest), input.n, input.prizes);
}

/** Steps 4-6 from the randomness on: shared by fairdraw-v1 and fairdraw-v2, which differ only in step 3. */
export function drawFromRandomness(randomness: Uint8Array, n: number, prizes: readonly Prize[]): DrawOutcome {
  const k = Math.min(n, totalPrizeUnits(prizes));
  const winners = winnerIndices(randomness, n, k).map((entryIndex, j) => ({
    rank: j + 1,
    prize: prizeAt(prizes, j)?.name ?? '',
    entryIndex,
  }));
  return { randomness: Buffer.from(randomness).toString('hex'), winners };
}
