import { sellPool } from './bulk-sql.js';
import { type Bench, type HttpFigure, metered } from './context.js';
import type { CpuShare } from './cpu-meter.js';
import { type LoadResult, runLoad } from './load.js';
import { withClient } from './third-party.js';

/**
 * Guest tickets from distinct addresses (X-Forwarded-For per request) on finite pools: tickets/s
 * should not depend on how large the pool is or how full (ticket-pool.ts promises O(count)).
 */
export interface RaffleFigures {
  readonly small: HttpFigure & { readonly pools: number };
  readonly large: HttpFigure & { readonly limit: number };
  readonly nearlySold: HttpFigure & { readonly limit: number; readonly sold: number };
  /**
   * The request that takes that pool's last ticket, which closes the lottery; then how long
   * until its draw record shows the frozen entries (sealed after that request's commit).
   */
  readonly lastTicket: { readonly status: number; readonly ms: number; readonly sealedMs: number };
}

const SMALL = 1_000;
/** Rounds of 1,000 tickets per case, interleaved so that drifting background load hits every case alike. */
const ROUNDS = 5;
const PER_CASE = SMALL * ROUNDS;
/** Sold by SQL but for PER_CASE + 1 tickets (99.5%): the rounds sell all but the last one. */
const NEARLY_SOLD_LIMIT = 1_000_000;
const LARGE_LIMIT = 10_000_000;

type Run = { result: LoadResult; cpu: CpuShare };

export async function raffle(bench: Bench): Promise<RaffleFigures> {
  const guestPool = (limit: number) =>
    bench.client.createLottery(bench.adminToken, { name: `bench-raffle-${limit}`, ticket_limit: limit, entry: { guests: true } });
  const issue = (lotteryId: string) =>
    metered(bench, () =>
      runLoad({
        url: bench.api.url,
        method: 'POST',
        path: `/lotteries/${lotteryId}/ballots`,
        body: { count: 1 },
        connections: bench.connections,
        seconds: 20,
        maxRequests: SMALL,
        headers: () => ({ 'x-forwarded-for': bench.nextAddress() }),
      }),
    );

  const nearlySoldId = await guestPool(NEARLY_SOLD_LIMIT);
  bench.log(`selling 99.5% of a ${NEARLY_SOLD_LIMIT.toLocaleString('en')}-ticket pool by SQL`);
  const sold = NEARLY_SOLD_LIMIT - PER_CASE - 1;
  await withClient(bench.databaseUrl, (c) => sellPool(c, nearlySoldId, NEARLY_SOLD_LIMIT, sold));
  const largeId = await guestPool(LARGE_LIMIT);
  const smallIds = await Promise.all(Array.from({ length: ROUNDS + 1 }, () => guestPool(SMALL)));

  await issue(smallIds[ROUNDS] ?? ''); // warm-up on a pool of its own
  const runs = { small: [] as Run[], large: [] as Run[], nearlySold: [] as Run[] };
  for (const smallId of smallIds.slice(0, ROUNDS)) {
    runs.small.push(await issue(smallId)); // each 10^3 pool is sold out in its round
    runs.large.push(await issue(largeId));
    runs.nearlySold.push(await issue(nearlySoldId));
  }
  const t0 = performance.now();
  const last = await fetch(`${bench.api.url}/lotteries/${nearlySoldId}/ballots`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': bench.nextAddress() },
    body: '{}',
  });
  const answered = performance.now() - t0;
  // Reading the draw record waits for the seal under way; the next phase must not overlap it.
  const record = (await (await fetch(`${bench.api.url}/lotteries/${nearlySoldId}/draw`)).json()) as { entries_digest?: string | null };
  if (typeof record.entries_digest !== 'string') throw new Error(`the sold-out pool was not sealed: ${JSON.stringify(record)}`);
  const lastTicket = { status: last.status, ms: answered, sealedMs: performance.now() - t0 };
  return {
    small: { ...combine(runs.small), pools: ROUNDS },
    large: { ...combine(runs.large), limit: LARGE_LIMIT },
    nearlySold: { ...combine(runs.nearlySold), limit: NEARLY_SOLD_LIMIT, sold },
    lastTicket,
  };
}

/** Several runs as one: counts add up, CPU is time-weighted, latency percentiles are the worst run's. */
function combine(runs: readonly Run[]): HttpFigure {
  const loads = runs.map((r) => r.result);
  const sum = (pick: (r: LoadResult) => number) => loads.reduce((total, r) => total + pick(r), 0);
  const worst = (pick: (r: LoadResult) => number) => Math.max(...loads.map(pick));
  const add = (pick: (r: LoadResult) => Record<string, number>) => {
    const total: Record<string, number> = {};
    for (const load of loads) for (const [key, n] of Object.entries(pick(load))) total[key] = (total[key] ?? 0) + n;
    return total;
  };
  const seconds = sum((r) => r.seconds);
  const cpu = (pick: (c: CpuShare) => number) => runs.reduce((total, r) => total + pick(r.cpu) * r.result.seconds, 0) / seconds;
  return {
    cpu: {
      api: cpu((c) => c.api),
      postgres: cpu((c) => c.postgres),
      loadGenerator: cpu((c) => c.loadGenerator),
      helper: cpu((c) => c.helper),
      others: cpu((c) => c.others),
    },
    load: {
      requests: sum((r) => r.requests),
      ok: sum((r) => r.ok),
      non2xx: sum((r) => r.non2xx),
      errors: sum((r) => r.errors),
      statusCodes: add((r) => r.statusCodes),
      problems: add((r) => r.problems),
      seconds,
      okPerSecond: seconds > 0 ? sum((r) => r.ok) / seconds : 0,
      latencyMs: { p50: worst((r) => r.latencyMs.p50), p99: worst((r) => r.latencyMs.p99), max: worst((r) => r.latencyMs.max) },
    },
  };
}
