/**
 * The public lottery and draw JSON (API.md) as a verifier receives it: untrusted, so its shape is
 * checked field by field before anything is recomputed from it.
 */
export interface PublicPrize {
  readonly name: string;
  readonly amount: number;
}

/** A v2 lottery's pinned beacon (API.md); null for v1. */
export interface PublicLotteryBeacon {
  readonly chain_hash: string;
  readonly public_key: string;
  readonly period: number;
  readonly genesis_time: number;
  readonly margin_s: number;
  readonly round: number | null;
}

export interface PublicLottery {
  readonly id: string;
  readonly commitment: string;
  readonly prizes: readonly PublicPrize[];
  /** Absent from records served before v2 existed: fairdraw-v1. */
  readonly algorithm?: string | undefined;
  readonly beacon?: PublicLotteryBeacon | null | undefined;
  readonly closes_at?: string | null | undefined;
  readonly closed_at?: string | null | undefined;
}

/** The v2 draw record's beacon: signature and randomness null until drawn. */
export interface PublicDrawBeacon {
  readonly chain_hash: string;
  readonly round: number | null;
  readonly signature: string | null;
  readonly randomness: string | null;
}

export interface PublicWinner {
  readonly rank: number;
  readonly prize: string;
  readonly ticket_number: number;
  readonly ballot_id: string;
}

export interface PublicDraw {
  readonly lottery_id: string;
  readonly status: string;
  readonly algorithm: string;
  readonly commitment: string;
  /** Absent or null until drawn. */
  readonly seed?: string | null | undefined;
  readonly entries_digest: string | null;
  readonly n: number | null;
  /** Not in API.md's draw; checked when a server publishes it. */
  readonly randomness?: string | undefined;
  readonly beacon?: PublicDrawBeacon | undefined;
  readonly winners: readonly PublicWinner[];
}

/** Returns the first problem as `path message`, or null when the value fits. */
type Check = (value: unknown, path: string) => string | null;

const string: Check = (v, p) => (typeof v === 'string' ? null : `${p} must be a string`);
const count: Check = (v, p) => (Number.isSafeInteger(v) && (v as number) >= 0 ? null : `${p} must be a whole number`);
const positive: Check = (v, p) => (Number.isSafeInteger(v) && (v as number) >= 1 ? null : `${p} must be a positive integer`);
const orNull =
  (check: Check): Check =>
  (v, p) =>
    v === null ? null : check(v, p);
const orAbsent =
  (check: Check): Check =>
  (v, p) =>
    v === undefined ? null : check(v, p);

const object =
  (fields: Record<string, Check>): Check =>
  (v, p) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return `${p} must be an object`;
    for (const [key, check] of Object.entries(fields)) {
      const problem = check((v as Record<string, unknown>)[key], `${p}.${key}`);
      if (problem !== null) return problem;
    }
    return null;
  };

const list =
  (check: Check): Check =>
  (v, p) => {
    if (!Array.isArray(v)) return `${p} must be a list`;
    for (const [i, item] of v.entries()) {
      const problem = check(item, `${p}[${i}]`);
      if (problem !== null) return problem;
    }
    return null;
  };

const integer: Check = (v, p) => (Number.isSafeInteger(v) ? null : `${p} must be an integer`);

const lotteryShape = object({
  id: string,
  commitment: string,
  prizes: list(object({ name: string, amount: positive })),
  algorithm: orAbsent(string),
  beacon: orAbsent(
    orNull(
      object({
        chain_hash: string,
        public_key: string,
        period: positive,
        genesis_time: integer,
        margin_s: count,
        round: orNull(positive),
      }),
    ),
  ),
  closes_at: orAbsent(orNull(string)),
  closed_at: orAbsent(orNull(string)),
});

const drawShape = object({
  lottery_id: string,
  status: string,
  algorithm: string,
  commitment: string,
  seed: orAbsent(orNull(string)),
  entries_digest: orNull(string),
  n: orNull(count),
  randomness: orAbsent(string),
  beacon: orAbsent(object({ chain_hash: string, round: orNull(positive), signature: orNull(string), randomness: orNull(string) })),
  winners: list(object({ rank: count, prize: string, ticket_number: count, ballot_id: string })),
});

export function readPublicRecord(
  lottery: unknown,
  draw: unknown,
): { readonly lottery: PublicLottery; readonly draw: PublicDraw } | { readonly problem: string } {
  const problem = lotteryShape(lottery, 'lottery') ?? drawShape(draw, 'draw');
  if (problem !== null) return { problem };
  return { lottery: lottery as PublicLottery, draw: draw as PublicDraw };
}
