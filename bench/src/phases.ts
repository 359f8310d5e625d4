import { bulkBallots, keyedBallots, singleBallots, spreadBallots } from './ballots.js';
import { bareRouteCeiling, designProbes, rawInsertCeiling, type TransactionFigure } from './ceilings.js';
import { type CloseDrawFigure, closeAndDraw } from './close-draw.js';
import type { Bench, HttpFigure } from './context.js';
import { rssMb } from './cpu-meter.js';
import { type LoginBurstFigure, type LoginFigures, loginBurst, logins } from './login.js';
import { type RaffleFigures, raffle } from './raffle.js';
import { type ReadFigures, reads } from './reads.js';

export interface Figures {
  readonly connections: number;
  readonly bareRoute: HttpFigure;
  /** The same route driven by wrk (two threads), when wrk is installed. */
  readonly bareRouteWrk: HttpFigure | null;
  readonly rawInsert: TransactionFigure;
  readonly probes: {
    readonly hotRow: TransactionFigure;
    readonly sharedRow: TransactionFigure;
    readonly turn: TransactionFigure;
    readonly bareTurn: TransactionFigure;
  };
  readonly single: HttpFigure;
  /** Single ballots spread over many open lotteries (SPREAD_LOTTERIES). */
  readonly spread: HttpFigure;
  readonly keyed: HttpFigure;
  readonly bulk: HttpFigure;
  readonly raffle: RaffleFigures;
  readonly reads: ReadFigures;
  readonly login: LoginFigures;
  readonly loginBurst: LoginBurstFigure;
  readonly apiRss: { readonly atStart: number; readonly rss: number; readonly peak: number };
  readonly closeDraw: CloseDrawFigure;
}

/** Every measurement of issue 6, ceilings first, in one run against one service. */
export async function runPhases(bench: Bench): Promise<Figures> {
  bench.log('ceiling: bare Fastify route');
  const bareRoutes = await bareRouteCeiling(bench);
  bench.log('ceiling: raw pg INSERT transactions');
  const rawInsert = await rawInsertCeiling(bench);
  bench.log('design probes: the ballot transaction in raw SQL');
  const probes = await designProbes(bench);
  bench.log('single-ballot submissions');
  const single = await singleBallots(bench);
  bench.log('single-ballot submissions spread over 500 open lotteries');
  const spread = await spreadBallots(bench);
  bench.log('single-ballot submissions with Idempotency-Keys');
  const keyed = await keyedBallots(bench);
  bench.log('bulk submissions');
  const bulk = await bulkBallots(bench);
  bench.log('raffle issue');
  const raffleFigures = await raffle(bench);
  bench.log('reads: a lottery, the open list, a drawn record with and without If-None-Match');
  const readFigures = await reads(bench);
  bench.log('logins');
  const login = await logins(bench);
  // After every HTTP load; the close and draw below run in a process of their own.
  const apiRss = { atStart: bench.apiRssAtStartMb, ...rssMb(bench.api.pid) };
  bench.log('login burst: 8 connections, 10 s');
  const burst = await loginBurst(bench);
  const closeDraw = await closeAndDraw(bench, bench.large ? 10_000_000 : 1_000_000);
  return {
    connections: bench.connections,
    bareRoute: bareRoutes.autocannon,
    bareRouteWrk: bareRoutes.wrk,
    rawInsert,
    probes,
    single,
    spread,
    keyed,
    bulk,
    raffle: raffleFigures,
    reads: readFigures,
    login,
    loginBurst: burst,
    apiRss,
    closeDraw,
  };
}
