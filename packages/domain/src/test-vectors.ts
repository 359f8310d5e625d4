/**
 * Builds the published fairdraw-v1 test vectors (docs/fairdraw-v1-vectors.json) from fixed labels,
 * so that the file can be regenerated and compared byte for byte: a change to the draw that
 * alters any vector fails a test instead of drifting silently.
 */
import { createHash, createHmac } from 'node:crypto';
import { ALGORITHM, commitmentOf, DrawStream, drawFairdrawV1, EntriesDigest } from './fairdraw-v1.js';
import type { Prize } from './prizes.js';
import type { PublicDraw, PublicLottery } from './public-record.js';

export interface VectorWinner {
  readonly rank: number;
  readonly prize: string;
  readonly entry_index: number;
  readonly ticket_number: number;
  readonly ballot_id: string;
}

/** Entries too many to list, described by a rule anyone can type in. */
export interface EntriesRule {
  readonly kind: 'sequential-hex-ids';
  readonly count: number;
  readonly line: string;
}

interface CaseBase {
  readonly name: string;
  readonly description: string;
  readonly seed: string;
  readonly lottery_id: string;
  readonly prizes: readonly Prize[];
}

export type VectorInput = CaseBase & ({ readonly entries: readonly string[] } | { readonly entries_rule: EntriesRule });

export type VectorCase = VectorInput & {
  readonly expected: {
    readonly commitment: string;
    readonly entries_digest: string;
    readonly n: number;
    readonly randomness: string;
    readonly winners: readonly VectorWinner[];
  };
};

export interface UniformCase {
  readonly description: string;
  readonly randomness: string;
  readonly m: number;
  readonly results: readonly number[];
  readonly rejected_reads: number;
}

export interface VectorFile {
  readonly algorithm: typeof ALGORITHM;
  readonly description: string;
  readonly cases: readonly VectorCase[];
  readonly uniform_cases: readonly UniformCase[];
}

/** Fixed bytes from a label, so vector files regenerate byte for byte. */
export const labelHash = (namespace: string, label: string): Buffer => createHash('sha256').update(`${namespace}|${label}`).digest();
const sha256 = (label: string): Buffer => labelHash('fairdraw-v1 vectors', label);
const uuidFrom = (label: string): string => labelUuid('fairdraw-v1 vectors', label);

/** A UUID with version 7 and variant bits, taken from a label's hash (time-ordered only in shape). */
export function labelUuid(namespace: string, label: string): string {
  const b = labelHash(namespace, label).subarray(0, 16);
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x70;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const RULE_PREFIX = '00000000-0000-4000-8000-';
const ruleLine = (i: number): [number, string] => [i, `${RULE_PREFIX}${i.toString(16).padStart(12, '0')}`];

/** The entries as (ticket_number, ballot_id) pairs, in the order of the entries text. */
function* entriesOf(c: VectorInput): Generator<[number, string]> {
  if ('entries_rule' in c) {
    for (let i = 1; i <= c.entries_rule.count; i++) yield ruleLine(i);
    return;
  }
  for (const line of c.entries) {
    const [ticket = '', ballot = ''] = line.split(':');
    yield [Number(ticket), ballot];
  }
}

/** The exact text GET /lotteries/{id}/entries serves for a case. */
export function entriesTextOf(c: VectorInput): string {
  const lines: string[] = [];
  for (const [ticket, ballot] of entriesOf(c)) lines.push(`${ticket}:${ballot}\n`);
  return lines.join('');
}

function solve(input: VectorInput): VectorCase {
  const seed = Buffer.from(input.seed, 'hex');
  const digest = new EntriesDigest();
  const all: [number, string][] = [];
  for (const entry of entriesOf(input)) {
    digest.add(...entry);
    all.push(entry);
  }
  const { entriesDigest, n } = digest.finish();
  const outcome = drawFairdrawV1({ seed, lotteryId: input.lottery_id, entriesDigest, n, prizes: input.prizes });
  const winners = outcome.winners.map((w) => {
    const [ticket_number, ballot_id] = all[w.entryIndex] ?? [0, ''];
    return { rank: w.rank, prize: w.prize, entry_index: w.entryIndex, ticket_number, ballot_id };
  });
  const expected = { commitment: commitmentOf(seed), entries_digest: entriesDigest, n, randomness: outcome.randomness, winners };
  return { ...input, expected };
}

function listed(name: string, description: string, tickets: readonly number[], prizes: readonly Prize[]): VectorInput {
  const entries = tickets.map((t) => `${t}:${uuidFrom(`${name}|ballot|${t}`)}`);
  return { name, description, seed: sha256(`${name}|seed`).toString('hex'), lottery_id: uuidFrom(`${name}|lottery`), prizes, entries };
}

const medals = (silver: number, bronze: number): Prize[] => [
  { name: 'Gold', amount: 1 },
  { name: 'Silver', amount: silver },
  ...(bronze > 0 ? [{ name: 'Bronze', amount: bronze }] : []),
];

const LARGE = 100_000;

function inputs(): VectorInput[] {
  return [
    listed('no-entries', 'n = 0: nobody played, so nobody wins', [], [{ name: 'Winner', amount: 1 }]),
    listed('one-entry', 'n = 1: the only ballot (ticket 7 of a finite pool) wins', [7], [{ name: 'Winner', amount: 1 }]),
    listed('k-equals-n', 'five entries, five prize units: every ballot wins, the order decides the prize', [1, 2, 3, 4, 5], medals(2, 2)),
    listed('k-exceeds-n', 'six prize units, three entries: k = 3, the last Bronze units go unawarded', [3, 10, 42], medals(2, 3)),
    listed(
      'gaps',
      'twenty-five entries with gaps in the ticket numbers, four winners',
      Array.from({ length: 25 }, (_, i) => 1 + Math.floor((i * 8) / 5)),
      medals(3, 0),
    ),
    {
      name: 'large',
      description: `${LARGE} entries generated by entries_rule instead of listed; fourteen winners`,
      seed: sha256('large|seed').toString('hex'),
      lottery_id: uuidFrom('large|lottery'),
      prizes: medals(3, 10),
      entries_rule: {
        kind: 'sequential-hex-ids',
        count: LARGE,
        line: `for i = 1..count, the line "{i}:${RULE_PREFIX}{i as 12 lower-case hex digits}\\n"`,
      },
    },
  ];
}

/**
 * uniform(m) for an m where rejection is likely enough to find: 2^64 mod 3*2^51 = 2^52, so a read
 * is rejected when its top twelve bits are all ones. The randomness is the first label whose first
 * read is rejected and whose next four are not.
 */
function rejectionCase(): UniformCase {
  const m = 3 * 2 ** 51;
  const limit = 2n ** 64n - 2n ** 52n;
  for (let i = 0; ; i++) {
    const randomness = sha256(`uniform|${i}`);
    const block = (n: number) =>
      createHmac('sha256', randomness)
        .update(Buffer.from([0, 0, 0, n]))
        .digest();
    const bytes = Buffer.concat([block(0), block(1)]);
    const reads = [0, 1, 2, 3, 4].map((r) => bytes.readBigUInt64BE(r * 8));
    if (!reads.every((x, r) => x >= limit === (r === 0))) continue;
    const stream = new DrawStream(randomness);
    return {
      description: 'uniform(m) with m = 3 * 2^51: the first u64 read is >= 2^64 - (2^64 mod m), discarded; four results follow',
      randomness: randomness.toString('hex'),
      m,
      results: [0, 1, 2, 3].map(() => stream.uniform(m)),
      rejected_reads: 1,
    };
  }
}

export function buildFairdrawV1Vectors(): VectorFile {
  return {
    algorithm: ALGORITHM,
    description:
      'Test vectors for the fairdraw-v1 draw (API.md, "Draws and how to verify them"). Hex is lower-case; entry_index is 0-based in the ascending entries list.',
    cases: inputs().map(solve),
    uniform_cases: [rejectionCase()],
  };
}

/** The committed file's exact text. */
export const fairdrawV1VectorsJson = (): string => `${JSON.stringify(buildFairdrawV1Vectors(), null, 2)}\n`;

/** Vector winners as a draw record lists them (guest ballots: no username). */
export const publicWinners = (winners: readonly VectorWinner[]) =>
  winners.map((w) => ({ rank: w.rank, prize: w.prize, ticket_number: w.ticket_number, ballot_id: w.ballot_id, username: null }));

/** What the public API would serve for a drawn vector case: fixtures for verifier tests. */
export function publicRecordOf(c: VectorCase): {
  lottery: PublicLottery & { name: string; status: string };
  draw: PublicDraw;
  entriesText: string;
} {
  const { expected } = c;
  const lottery = { id: c.lottery_id, name: c.name, status: 'drawn', commitment: expected.commitment, prizes: c.prizes };
  const draw: PublicDraw = {
    lottery_id: c.lottery_id,
    status: 'drawn',
    algorithm: ALGORITHM,
    commitment: expected.commitment,
    seed: c.seed,
    entries_digest: expected.entries_digest,
    n: expected.n,
    randomness: expected.randomness,
    winners: publicWinners(expected.winners),
  };
  return { lottery, draw, entriesText: entriesTextOf(c) };
}
