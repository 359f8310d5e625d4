/**
 * Checks a published draw against everything anyone can fetch: the lottery (its commitment and
 * prizes), the draw record and the entries text. Pure: the caller fetches and feeds the entries in
 * chunks. The winners are recomputed from the record's own claims (seed, entries_digest, n) while
 * each claim is checked on its own, so one pass over the entries suffices; any mismatch fails.
 */
import { QUICKNET } from './beacon-chain.js';
import { type EntriesRead, EntriesReader } from './entries-text.js';
import { ALGORITHM, commitmentOf, randomnessOf, winnerIndices } from './fairdraw-v1.js';
import { ALGORITHM_V2, randomnessOfV2 } from './fairdraw-v2.js';
import { prizeAt, totalPrizeUnits } from './prizes.js';
import { type PublicDraw, type PublicLottery, readPublicRecord } from './public-record.js';
import { type BeaconVerdict, checkBeaconRecord, type TrustedChains } from './verify-beacon.js';
import type { Mismatch } from './verify-mismatch.js';

export type { Mismatch, MismatchKind } from './verify-mismatch.js';

export interface RecordVerification {
  /** False when the record alone already settles the verdict (not drawn, wrong shape or algorithm). */
  readonly needsEntries: boolean;
  /** The entries text as served, in order, in chunks of any size. */
  push(chunk: string): void;
  /** Every mismatch found; none means VERIFIED. */
  finish(): Mismatch[];
}

const HEX64 = /^[0-9a-f]{64}$/;

export interface VerifyOptions {
  /** Beacon chains whose info the verifier fetched itself; quicknet's is built in. */
  readonly chains?: TrustedChains | undefined;
}

const DEFAULT_CHAINS: TrustedChains = new Map([[QUICKNET.chainHash, QUICKNET]]);

export function startVerification(lotteryJson: unknown, drawJson: unknown, options: VerifyOptions = {}): RecordVerification {
  const read = readPublicRecord(lotteryJson, drawJson);
  if ('problem' in read) return settled({ kind: 'RECORD', message: read.problem });
  const { lottery, draw } = read;
  if (draw.algorithm !== ALGORITHM && draw.algorithm !== ALGORITHM_V2) {
    return settled({ kind: 'ALGORITHM', message: `algorithm ${draw.algorithm} is neither ${ALGORITHM} nor ${ALGORITHM_V2}` });
  }
  const lotteryAlgorithm = lottery.algorithm ?? ALGORITHM;
  if (lotteryAlgorithm !== draw.algorithm) {
    return settled({ kind: 'ALGORITHM', message: `the lottery is ${lotteryAlgorithm}; the draw says ${draw.algorithm}` });
  }
  const { seed, entries_digest: digest, n } = draw;
  if (draw.status !== 'drawn' || seed == null || digest === null || n === null) {
    return settled({ kind: 'NOT_DRAWN', message: `the lottery is ${draw.status}: there is no seed to check yet` });
  }
  let beacon: BeaconVerdict | null = null;
  if (draw.algorithm === ALGORITHM_V2) {
    const verdict = checkBeaconRecord(lottery, draw, new Map([...DEFAULT_CHAINS, ...(options.chains ?? [])]));
    if ('kind' in verdict) return settled(verdict);
    beacon = verdict;
  }
  const found: Mismatch[] = [...(beacon?.found ?? [])];
  if (draw.lottery_id !== lottery.id) found.push({ kind: 'LOTTERY_ID', message: `the draw is for ${draw.lottery_id}, not ${lottery.id}` });
  if (draw.commitment !== lottery.commitment) {
    found.push({
      kind: 'COMMITMENT',
      message: `the draw's commitment ${draw.commitment} differs from the lottery's ${lottery.commitment}`,
    });
  }
  if (!HEX64.test(digest)) found.push({ kind: 'ENTRIES_DIGEST', message: `entries_digest ${digest} is not 64 lower-case hex digits` });
  let indices: number[] | null = null;
  if (!HEX64.test(seed)) {
    found.push({ kind: 'SEED', message: 'the seed is not 64 lower-case hex digits' });
  } else {
    const seedBytes = Buffer.from(seed, 'hex');
    const opened = commitmentOf(seedBytes);
    if (opened !== lottery.commitment) {
      found.push({ kind: 'SEED', message: `sha256(seed) = ${opened} does not open the published commitment ${lottery.commitment}` });
    }
    const randomness = (
      beacon === null
        ? randomnessOf(seedBytes, lottery.id, digest)
        : randomnessOfV2({ seed: seedBytes, lotteryId: lottery.id, entriesDigest: digest, ...beacon })
    ).toString('hex');
    if (draw.randomness !== undefined && draw.randomness !== randomness) {
      found.push({ kind: 'RANDOMNESS', message: `randomness is ${randomness}; the record says ${draw.randomness}` });
    }
    indices = winnerIndices(Buffer.from(randomness, 'hex'), n, Math.min(n, totalPrizeUnits(lottery.prizes)));
  }
  const reader = new EntriesReader(new Set(indices));
  return {
    needsEntries: true,
    push: (chunk) => reader.push(chunk),
    finish: () => {
      const entries = reader.finish();
      return [...found, ...compareEntries(draw, entries), ...(indices ? compareWinners(lottery, draw, indices, entries) : [])];
    },
  };
}

/** Verifies with the whole entries text at hand. */
export function verifyRecord(lotteryJson: unknown, drawJson: unknown, entriesText: string, options: VerifyOptions = {}): Mismatch[] {
  const verification = startVerification(lotteryJson, drawJson, options);
  verification.push(entriesText);
  return verification.finish();
}

function settled(mismatch: Mismatch): RecordVerification {
  return { needsEntries: false, push: () => {}, finish: () => [mismatch] };
}

function compareEntries(draw: PublicDraw, entries: EntriesRead): Mismatch[] {
  const found: Mismatch[] = entries.problems.map((message) => ({ kind: 'ENTRIES_FORMAT', message }));
  if (entries.entriesDigest !== draw.entries_digest) {
    found.push({ kind: 'ENTRIES_DIGEST', message: `sha256(entries) = ${entries.entriesDigest}; the record says ${draw.entries_digest}` });
  }
  if (entries.n !== draw.n)
    found.push({ kind: 'ENTRY_COUNT', message: `the entries have ${entries.n} lines; the record says n = ${draw.n}` });
  return found;
}

function compareWinners(lottery: PublicLottery, draw: PublicDraw, indices: readonly number[], entries: EntriesRead): Mismatch[] {
  const found: Mismatch[] = [];
  if (draw.winners.length !== indices.length) {
    found.push({
      kind: 'WINNER_COUNT',
      message: `the record lists ${draw.winners.length} winners; min(n, prize units) is ${indices.length}`,
    });
  }
  indices.forEach((index, j) => {
    const claimed = draw.winners[j];
    if (claimed === undefined) return;
    const rank = j + 1;
    const entry = entries.found.get(index);
    if (claimed.rank !== rank) found.push({ kind: 'WINNER', message: `winner ${rank} is listed with rank ${claimed.rank}` });
    if (entry === undefined) {
      found.push({ kind: 'WINNER', message: `rank ${rank}: the draw picks entry ${index}, which the entries text lacks` });
    } else if (entry.ticketNumber !== claimed.ticket_number || entry.ballotId !== claimed.ballot_id) {
      const picked = `${entry.ticketNumber}:${entry.ballotId}`;
      found.push({
        kind: 'WINNER',
        message: `rank ${rank}: the draw picks entry ${index} (${picked}); the record says ${claimed.ticket_number}:${claimed.ballot_id}`,
      });
    }
    const prize = prizeAt(lottery.prizes, j)?.name ?? null;
    if (claimed.prize !== prize) found.push({ kind: 'PRIZE', message: `rank ${rank} wins ${prize}; the record says ${claimed.prize}` });
  });
  return found;
}
