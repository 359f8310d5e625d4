import { randomUUID } from 'node:crypto';
import { type Bench, type HttpFigure, metered } from './context.js';
import { roundRobin, runLoad } from './load.js';

/**
 * Participants taking tickets in one unlimited lottery, every request signed by one of many
 * accounts in turn: the crowd at a jackpot, all on one lottery row.
 */
async function ballotLoad(bench: Bench, count: number, seconds: number, maxRequests: number, withKeys = false): Promise<HttpFigure> {
  const lotteryId = await bench.client.createLottery(bench.adminToken, { name: `bench-ballots-${count}${withKeys ? '-keyed' : ''}` });
  const token = roundRobin(bench.participants.map((p) => p.token));
  const load = {
    url: bench.api.url,
    method: 'POST' as const,
    path: `/lotteries/${lotteryId}/ballots`,
    body: { count },
    connections: bench.connections,
    headers: () => ({ authorization: `Bearer ${token()}`, ...(withKeys ? { 'idempotency-key': randomUUID() } : {}) }),
  };
  await runLoad({ ...load, seconds: 3, maxRequests: Math.ceil(maxRequests / 5) });
  const { result, cpu } = await metered(bench, () => runLoad({ ...load, seconds, maxRequests }));
  return { load: result, cpu };
}

/** Lotteries open at once in the spread load: many raffles selling side by side. */
export const SPREAD_LOTTERIES = 500;

/**
 * `count: 1` as in singleBallots, but each request to one of 500 open lotteries picked at random:
 * the load spread thin, so that a lottery's turn rarely finds more than one request waiting.
 */
export async function spreadBallots(bench: Bench): Promise<HttpFigure> {
  const lotteries: string[] = [];
  // A few creations at a time: 500 one after another would take as long as the load.
  for (let i = 0; i < SPREAD_LOTTERIES; i += 10) {
    const batch = Array.from({ length: Math.min(10, SPREAD_LOTTERIES - i) }, (_, j) =>
      bench.client.createLottery(bench.adminToken, { name: `bench-spread-${i + j}` }),
    );
    lotteries.push(...(await Promise.all(batch)));
  }
  const token = roundRobin(bench.participants.map((p) => p.token));
  const load = {
    url: bench.api.url,
    method: 'POST' as const,
    path: `/lotteries/${lotteries[0]}/ballots`,
    pathOf: () => `/lotteries/${lotteries[Math.floor(Math.random() * lotteries.length)]}/ballots`,
    body: { count: 1 },
    connections: bench.connections,
    headers: () => ({ authorization: `Bearer ${token()}` }),
  };
  await runLoad({ ...load, seconds: 3, maxRequests: 200_000 });
  const { result, cpu } = await metered(bench, () => runLoad({ ...load, seconds: 15, maxRequests: 1_000_000 }));
  return { load: result, cpu };
}

/** `count: 1`, 64 connections, 15 s. */
export const singleBallots = (bench: Bench) => ballotLoad(bench, 1, 15, 1_000_000);

/** `count: 1` with a new Idempotency-Key each, as a careful client sends them (not a target). */
export const keyedBallots = (bench: Bench) => ballotLoad(bench, 1, 10, 1_000_000, true);

/** `count: 100`: what batching buys per committed transaction. */
export const bulkBallots = (bench: Bench) => ballotLoad(bench, 100, 10, 50_000);
