import { stopChild } from './api-process.js';
import { createRawTables } from './bulk-sql.js';
import { runJsonChild, startChild } from './children.js';
import { type Bench, freePort, type HttpFigure, metered } from './context.js';
import { type CpuShare, startCpuMeter } from './cpu-meter.js';
import { runLoad } from './load.js';
import type { Figures } from './phases.js';
import { withClient } from './third-party.js';
import { runWrk, wrkAvailable } from './wrk.js';

/**
 * Ceiling 1: GET of a small JSON from a bare Fastify in its own process, same load generator and
 * concurrency; and, where wrk is installed, the same route driven by wrk's two threads, which
 * says whether autocannon (one thread) limits the figure.
 */
export async function bareRouteCeiling(bench: Bench): Promise<{ autocannon: HttpFigure; wrk: HttpFigure | null }> {
  const port = await freePort();
  const server = await startChild('bare-server', [String(port)]);
  try {
    const load = { url: `http://127.0.0.1:${port}`, method: 'GET' as const, path: '/ping', connections: bench.connections };
    await runLoad({ ...load, seconds: 2, maxRequests: 200_000 });
    const { result, cpu } = await metered(bench, () => runLoad({ ...load, seconds: 10, maxRequests: 2_000_000 }), server.pid);
    if (!wrkAvailable()) return { autocannon: { load: result, cpu }, wrk: null };
    const wrkLoad = { url: `${load.url}${load.path}`, connections: bench.connections, threads: 2 };
    await runWrk({ ...wrkLoad, seconds: 2 });
    const run = await metered(bench, () => runWrk({ ...wrkLoad, seconds: 10 }), server.pid);
    // wrk is not this process: its CPU would count as "other" without this.
    const generator = run.result.cpuSeconds / run.result.result.seconds;
    const wrkCpu = { ...run.cpu, loadGenerator: generator, others: Math.max(0, run.cpu.others - generator) };
    return { autocannon: { load: result, cpu }, wrk: { load: run.result.result, cpu: wrkCpu } };
  } finally {
    await stopChild(server);
  }
}

export interface TransactionFigure {
  readonly transactions: number;
  readonly seconds: number;
  readonly perSecond: number;
  readonly latencyMs: { readonly p50: number; readonly p99: number };
  readonly cpu: CpuShare;
}

async function rawTransactions(
  bench: Bench,
  kind: string,
  seconds: number,
  lotteryId?: string,
  connections = bench.connections,
): Promise<TransactionFigure> {
  const args = (s: number) => [bench.databaseUrl, kind, String(connections), String(s), '2000000', ...(lotteryId ? [lotteryId] : [])];
  await runJsonChild('raw-transactions', args(2), { timeoutMs: 60_000 });
  const meter = startCpuMeter({ apiPid: bench.api.pid, postmasterPid: bench.postmasterPid });
  const figure = await runJsonChild<Omit<TransactionFigure, 'cpu'> & { cpuSeconds: number }>('raw-transactions', args(seconds), {
    timeoutMs: 60_000,
  });
  const { cpuSeconds, ...rest } = figure;
  return { ...rest, cpu: meter.stop(cpuSeconds) };
}

/** Ceiling 2: BEGIN; one-row INSERT into an indexed table; COMMIT, from `connections` clients at once. */
export async function rawInsertCeiling(bench: Bench): Promise<TransactionFigure> {
  await withClient(bench.databaseUrl, createRawTables);
  return rawTransactions(bench, 'insert', 10);
}

/**
 * Not targets: the ballot transaction in raw SQL, as the service shapes it (one hot lottery row)
 * and without the hot row, so the table itself says how much of a gap is the design's.
 */
export async function designProbes(bench: Bench): Promise<Figures['probes']> {
  const lottery = (name: string) => bench.client.createLottery(bench.adminToken, { name, entry: { guests: true } });
  const hotRow = await rawTransactions(bench, 'hot-row', 5, await lottery('bench-probe-hot-row'));
  const sharedRow = await rawTransactions(bench, 'shared-row', 5, await lottery('bench-probe-shared-row'));
  const turn = await rawTransactions(bench, 'turn', 5, await lottery('bench-probe-turn'), 1);
  const bareTurn = await rawTransactions(bench, 'bare-turn', 5, await lottery('bench-probe-bare-turn'), 1);
  return { hotRow, sharedRow, turn, bareTurn };
}
