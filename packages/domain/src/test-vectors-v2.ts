/**
 * Builds the published fairdraw-v2 test vectors (docs/fairdraw-v2-vectors.json) on real rounds of
 * the League of Entropy's quicknet, so anyone can check them against the real chain key. The
 * rounds below were recorded from public relays (round 30662982 and its neighbours as Forest's
 * drand fixture has them, 657413 as python-drand-verify's README does); a test verifies each
 * signature before anything is built on it.
 */
import { BEACON_DST, BEACON_SCHEME, type Beacon, roundFor, roundTimeMs } from './beacon-chain.js';
import { commitmentOf, EntriesDigest } from './fairdraw-v1.js';
import { ALGORITHM_V2, drawFairdrawV2 } from './fairdraw-v2.js';
import type { Prize } from './prizes.js';
import { labelHash, labelUuid, publicWinners, type VectorWinner } from './test-vectors.js';

export const QUICKNET_INFO = {
  public_key:
    '83cf0f2896adee7eb8b5f01fcad3912212c437e0073e911fb90022d3e760183c8c4b450b6a0a6c3ac6a5776a2d1064510d1fec758c921cc22b0e17e63aaf4bcb5ed66304de9cf809bd274ca73bab4af5a6e9c76a4bc09e76eae8991ef5ece45a',
  period: 3,
  genesis_time: 1692803367,
  hash: '52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971',
  groupHash: 'f477d5c89f21a17c863a7f937c6a6d15859414d2be09cd448d4279af331c5d3e',
  schemeID: BEACON_SCHEME,
  metadata: { beaconID: 'quicknet' },
} as const;

const recorded = (round: number, randomness: string, signature: string): Beacon => ({ round, randomness, signature });

/** Real quicknet rounds, as relays served them. */
export const QUICKNET_ROUNDS: readonly Beacon[] = [
  recorded(
    1,
    '1466a6cd24e327188770752f6134001c64d6efcc590ccc26b721611ad96f165a',
    'b55e7cb2d5c613ee0b2e28d6750aabbb78c39dcc96bd9d38c2c2e12198df95571de8e8e402a0cc48871c7089a2b3af4b',
  ),
  recorded(
    2,
    '5782d6987841c654515a0e72b2d1ebb4e741234042c37cb19608ae50d93fb60c',
    'b6b6a585449b66eb12e875b64fcbab3799861a00e4dbf092d99e969a5eac57dd3f798acf61e705fe4f093db926626807',
  ),
  recorded(
    3,
    '7ef4621ace1c6da4eb2eee7cd901f81385bca5b189771ec0f08d0d2566dd1a21',
    'b3fab6df720b68cc47175f2c777e86d84187caab5770906f515ff1099cb01e4deaa027075d860823e49477b93c72bd64',
  ),
  recorded(
    657413,
    'fc1873a13f3545aeade8401532ef5519920652eee6b0d2b19ca12643b87b3587',
    'b713718a38ae728dfd477991af2822e08d2f305e47718cef9f7848ce4050e7be41076862b98fad56e91a6b85b89cd97b',
  ),
  recorded(
    30662982,
    'ae76da5137c6d0a0d3b50d325948b26cc3ff1f804cd7bbca29b9250c2bfe8d67',
    '8b3edd0d42a2fa36ac15641a2dea2e4f4895acec2ef72ef39e5b6138f0346fb6b046dde1b4b3d09ff5fe8a6a7acd674a',
  ),
  recorded(
    30662990,
    'aac361dad26f7e5f5c2460fa905ed6d4e2bf8d21ccb67bbe5100204475b56742',
    '8b2ebe176d153849d5db7f358a3a21be96f8c5d1c26ed2b530fff4419face8909d77f4ee6a211623e2432c30841411b5',
  ),
  recorded(
    30662992,
    'b21201bdbe54b1e3ca135bf319bbca22b90b8ae30944c4a6790f74267d074827',
    'b72a64269e84523a73a87db491505b6f1675dfc7f71c69026efdce3996f59ce2d1b446fc00c13beff7fcfd428053a534',
  ),
  recorded(
    30663002,
    '2a231554933f6fd70314fa470152710fac3eba10d052cab996e8f30854fa7f55',
    'b9e7e1e3d7d9cf17a9f4703abfae4c137acfbef1fdb45715a98422c244a499ea381c7fd759851ed8eeb8a03d778959b3',
  ),
];

const chain = { period: QUICKNET_INFO.period, genesisTime: QUICKNET_INFO.genesis_time };

export interface RoundCase {
  readonly description: string;
  readonly closing_instant: string;
  readonly margin_s: number;
  readonly round: number;
  readonly round_time: string;
}

export interface V2Case {
  readonly name: string;
  readonly description: string;
  readonly seed: string;
  readonly lottery_id: string;
  readonly prizes: readonly Prize[];
  readonly entries: readonly string[];
  readonly chain_hash: string;
  readonly margin_s: number;
  readonly closing_instant: string;
  readonly round: number;
  readonly signature: string;
  readonly expected: {
    readonly commitment: string;
    readonly entries_digest: string;
    readonly n: number;
    readonly beacon_randomness: string;
    readonly message: string;
    readonly randomness: string;
    readonly winners: readonly VectorWinner[];
  };
}

export interface V2VectorFile {
  readonly algorithm: typeof ALGORITHM_V2;
  readonly description: string;
  readonly chain_info: typeof QUICKNET_INFO;
  readonly dst: string;
  readonly beacons: readonly Beacon[];
  readonly round_cases: readonly RoundCase[];
  readonly cases: readonly V2Case[];
}

const NS = 'fairdraw-v2 vectors';
const iso = (ms: number) => new Date(ms).toISOString();

function roundCase(description: string, closingMs: number, marginS: number): RoundCase {
  const round = roundFor(chain, closingMs, marginS);
  return { description, closing_instant: iso(closingMs), margin_s: marginS, round, round_time: iso(roundTimeMs(chain, round)) };
}

function roundCases(): RoundCase[] {
  const r = 30662982;
  const at = roundTimeMs(chain, r);
  return [
    roundCase(`C + margin exactly on round ${r}'s time: that round`, at - 10_000, 10),
    roundCase(`1 ms later: the next round`, at - 10_000 + 1, 10),
    roundCase(`one period minus 1 ms earlier: still round ${r}`, at - 10_000 - 2_999, 10),
    roundCase(`a whole period earlier: round ${r - 1}`, at - 10_000 - 3_000, 10),
    roundCase('margin 1 s, the least allowed', at - 1_000, 1),
    roundCase('C + margin exactly at genesis: round 1', QUICKNET_INFO.genesis_time * 1000 - 10_000, 10),
    roundCase('C + margin before genesis: round 1', QUICKNET_INFO.genesis_time * 1000 - 3_600_000, 10),
    roundCase('C + margin 1 ms after genesis: round 2', QUICKNET_INFO.genesis_time * 1000 - 10_000 + 1, 10),
  ];
}

function drawCase(name: string, description: string, tickets: readonly number[], prizes: readonly Prize[], beacon: Beacon): V2Case {
  const seed = labelHash(NS, `${name}|seed`);
  const lotteryId = labelUuid(NS, `${name}|lottery`);
  const entries = tickets.map((t) => `${t}:${labelUuid(NS, `${name}|ballot|${t}`)}`);
  const digest = new EntriesDigest();
  for (const line of entries) {
    const [ticket = '', ballot = ''] = line.split(':');
    digest.add(Number(ticket), ballot);
  }
  const { entriesDigest, n } = digest.finish();
  const marginS = 10;
  // The lottery closed a few seconds before its round's time minus the margin.
  const closingMs = roundTimeMs(chain, beacon.round) - marginS * 1000 - 1_234;
  const round = roundFor(chain, closingMs, marginS);
  const outcome = drawFairdrawV2({ seed, lotteryId, entriesDigest, chainHash: QUICKNET_INFO.hash, round, beacon, n, prizes });
  const message = [ALGORITHM_V2, lotteryId, entriesDigest, QUICKNET_INFO.hash, round, beacon.randomness].join('|');
  return {
    name,
    description,
    seed: seed.toString('hex'),
    lottery_id: lotteryId,
    prizes,
    entries,
    chain_hash: QUICKNET_INFO.hash,
    margin_s: marginS,
    closing_instant: iso(closingMs),
    round,
    signature: beacon.signature,
    expected: {
      commitment: commitmentOf(seed),
      entries_digest: entriesDigest,
      n,
      beacon_randomness: beacon.randomness,
      message,
      randomness: outcome.randomness,
      winners: outcome.winners.map((w) => {
        const [ticket = '', ballot = ''] = (entries[w.entryIndex] ?? '').split(':');
        return { rank: w.rank, prize: w.prize, entry_index: w.entryIndex, ticket_number: Number(ticket), ballot_id: ballot };
      }),
    },
  };
}

const roundNo = (round: number): Beacon => QUICKNET_ROUNDS.find((b) => b.round === round) ?? (undefined as never);
const medals: Prize[] = [
  { name: 'Gold', amount: 1 },
  { name: 'Silver', amount: 2 },
];

export function buildFairdrawV2Vectors(): V2VectorFile {
  return {
    algorithm: ALGORITHM_V2,
    description:
      'Test vectors for the fairdraw-v2 draw (API.md, "Draws anchored to a public beacon") on real rounds of drand quicknet. ' +
      'Each beacon verifies as a BLS signature of sha256(uint64_be(round)) under chain_info.public_key (DST below); ' +
      'message is the HMAC input of step 4, keyed with the seed. Hex is lower-case; entry_index is 0-based.',
    chain_info: QUICKNET_INFO,
    dst: BEACON_DST,
    beacons: QUICKNET_ROUNDS,
    round_cases: roundCases(),
    cases: [
      drawCase('no-entries', 'n = 0: nobody played, nobody wins; the beacon is still part of the record', [], medals, roundNo(30662982)),
      drawCase('one-entry', 'n = 1: the only ballot wins', [7], [{ name: 'Winner', amount: 1 }], roundNo(30662990)),
      drawCase(
        'gaps',
        'twenty entries with gaps in the ticket numbers, three winners',
        Array.from({ length: 20 }, (_, i) => 1 + Math.floor((i * 7) / 4)),
        medals,
        roundNo(30662992),
      ),
      drawCase(
        'k-exceeds-n',
        'five prize units, three entries: every ballot wins',
        [3, 10, 42],
        [...medals, { name: 'Bronze', amount: 2 }],
        roundNo(30663002),
      ),
      drawCase(
        'early-round',
        'a round from quicknet first weeks: same rules',
        Array.from({ length: 12 }, (_, i) => i + 1),
        medals,
        roundNo(657413),
      ),
    ],
  };
}

export const fairdrawV2VectorsJson = (): string => `${JSON.stringify(buildFairdrawV2Vectors(), null, 2)}\n`;

/** What the public API would serve for a drawn v2 vector case: fixtures for verifier tests. */
export function publicV2RecordOf(c: V2Case) {
  const { expected } = c;
  const lottery = {
    id: c.lottery_id,
    name: c.name,
    status: 'drawn',
    algorithm: ALGORITHM_V2,
    commitment: expected.commitment,
    prizes: c.prizes,
    beacon: {
      chain_hash: c.chain_hash,
      public_key: QUICKNET_INFO.public_key,
      period: QUICKNET_INFO.period,
      genesis_time: QUICKNET_INFO.genesis_time,
      margin_s: c.margin_s,
      round: c.round,
    },
    closes_at: c.closing_instant,
    closed_at: c.closing_instant,
  };
  const draw = {
    lottery_id: c.lottery_id,
    status: 'drawn',
    algorithm: ALGORITHM_V2,
    commitment: expected.commitment,
    seed: c.seed,
    entries_digest: expected.entries_digest,
    n: expected.n,
    beacon: { chain_hash: c.chain_hash, round: c.round, signature: c.signature, randomness: expected.beacon_randomness },
    winners: publicWinners(expected.winners),
  };
  return { lottery, draw, entriesText: c.entries.map((line) => `${line}\n`).join('') };
}
