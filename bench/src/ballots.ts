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

/** `count: 1`, 64 connections, 15 s. */
export const singleBallots = (bench: Bench) => ballotLoad(bench, 1, 15, 1_000_000);

/** `count: 1` with a new Idempotency-Key each, as a careful client sends them (not a target). */
export const keyedBallots = (bench: Bench) => ballotLoad(bench, 1, 10, 1_000_000, true);

/** `count: 100`: what batching buys per committed transaction. */
export const bulkBallots = (bench: Bench) => ballotLoad(bench, 100, 10, 50_000);
