import type { DemoOptions } from './demo-options.js';

/** A uniform integer in [0, bound). */
export type Below = (bound: number) => number;

export interface PlannedLottery {
  /** The POST /lotteries body. */
  readonly body: {
    readonly ticket_limit?: number;
    readonly closes_at?: string;
    readonly prizes: readonly { readonly name: string; readonly amount: number }[];
    readonly entry?: { readonly guests: boolean };
  };
  readonly raffle: boolean;
  /** Closed and drawn by the demo once its ballots are in (it has no closing instant then). */
  readonly drawn: boolean;
}

export interface PlannedBallots {
  readonly lottery: number;
  /** Index into the users; null: a guest (raffles only). */
  readonly user: number | null;
  readonly count: number;
  readonly ticketNumber: number | null;
}

export interface DemoPlan {
  readonly users: readonly { readonly username: string; readonly password: string }[];
  readonly lotteries: readonly PlannedLottery[];
  readonly ballots: readonly PlannedBallots[];
  /** Tickets asked for that no lottery could take (every raffle full, and no other lottery). */
  readonly unplaced: number;
}

const LOTTERY_PRIZES = [
  [{ name: 'Jackpot', amount: 1 }],
  [
    { name: 'Gold', amount: 1 },
    { name: 'Silver', amount: 2 },
  ],
  [
    { name: 'Weekend for two', amount: 1 },
    { name: 'Dinner voucher', amount: 3 },
  ],
];
const RAFFLE_PRIZES = [
  { name: 'Bike', amount: 1 },
  { name: 'Book', amount: 2 },
  { name: 'Cake', amount: 3 },
];
const MAX_PER_REQUEST = 5;

/** The closing instants of the open lotteries, spread over what is left of `date` (UTC) after now. */
function closingInstants(date: string, now: Date, n: number): string[] {
  const dayStart = Date.parse(`${date}T00:00:00Z`);
  const end = dayStart + 86_400_000;
  // Ten minutes of margin: the lotteries must still be open when their ballots arrive.
  const start = Math.max(dayStart, now.getTime() + 10 * 60_000);
  if (n > 0 && start >= end - 60_000) throw new Error(`too late in the day for --date ${date}: use a later date`);
  const step = (end - start) / (n + 1);
  return Array.from({ length: n }, (_, i) => new Date(Math.floor((start + step * (i + 1)) / 1000) * 1000).toISOString());
}

/**
 * Everything the demo will do, decided up front from the options and a random source, so that
 * the run only executes it (and a test can check the plan without a server).
 */
export function planDemo(options: DemoOptions, run: string, now: Date, below: Below): DemoPlan {
  const users = Array.from({ length: options.users }, (_, i) => ({
    username: `demo-${run}-${String(i + 1).padStart(String(options.users).length, '0')}`,
    password: `demo password ${run}`,
  }));

  // Which lotteries get drawn: a random choice, raffles and lotteries alike.
  const order = Array.from({ length: options.lotteries }, (_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = below(i + 1);
    [order[i], order[j]] = [order[j] ?? 0, order[i] ?? 0];
  }
  const drawnSet = new Set(order.slice(0, options.drawn));
  const openCount = options.lotteries - drawnSet.size;
  const instants = closingInstants(options.date, now, openCount);

  const lotteries: PlannedLottery[] = [];
  for (let i = 0; i < options.lotteries; i++) {
    const raffle = i < options.raffles;
    const drawn = drawnSet.has(i);
    const closesAt = drawn ? undefined : instants.shift();
    const base = raffle
      ? { ticket_limit: 20 + below(181), prizes: RAFFLE_PRIZES, entry: { guests: true } }
      : { prizes: LOTTERY_PRIZES[below(LOTTERY_PRIZES.length)] ?? [] };
    lotteries.push({ body: closesAt === undefined ? base : { ...base, closes_at: closesAt }, raffle, drawn });
  }

  const capacity = lotteries.map((l) => l.body.ticket_limit ?? Number.POSITIVE_INFINITY);
  const chosen = lotteries.map(() => new Set<number>());
  const ballots: PlannedBallots[] = [];
  let left = options.ballots;
  while (left > 0) {
    const open = capacity.flatMap((c, i) => (c > 0 ? [i] : []));
    if (open.length === 0) break;
    const lottery = open[below(open.length)] as number;
    const planned = lotteries[lottery] as PlannedLottery;
    const count = 1 + below(Math.min(MAX_PER_REQUEST, left, capacity[lottery] ?? 0));
    const guest = planned.raffle && below(10) === 0;
    let ticketNumber: number | null = null;
    const limit = planned.body.ticket_limit;
    if (limit !== undefined && count === 1 && below(4) === 0) {
      const pick = 1 + below(limit);
      if (!chosen[lottery]?.has(pick)) {
        chosen[lottery]?.add(pick);
        ticketNumber = pick;
      }
    }
    ballots.push({ lottery, user: guest ? null : below(users.length), count, ticketNumber });
    capacity[lottery] = (capacity[lottery] ?? 0) - count;
    left -= count;
  }
  return { users, lotteries, ballots, unplaced: left };
}
