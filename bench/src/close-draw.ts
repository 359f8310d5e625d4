import { loadBallots } from './bulk-sql.js';
import { runJsonChild } from './children.js';
import { type Bench, metered } from './context.js';
import type { CpuShare } from './cpu-meter.js';
import { withClient } from './third-party.js';

export interface CloseDrawFigure {
  readonly n: number;
  readonly winners: number;
  readonly loadSeconds: number;
  readonly closeSeconds: number;
  readonly drawSeconds: number;
  readonly seconds: number;
  readonly cpuSeconds: number;
  readonly baselineRssMb: number;
  readonly peakRssMb: number;
  readonly cpu: CpuShare;
}

const PRIZES = [
  { name: 'Jackpot', amount: 1 },
  { name: 'Second', amount: 10 },
  { name: 'Third', amount: 100 },
];

/**
 * A lottery with `n` ballots, loaded by SQL, then closed (entries streamed into the digest) and
 * drawn (digest included in the randomness, winners looked up) by the real use cases in a
 * process of their own.
 */
export async function closeAndDraw(bench: Bench, n: number): Promise<CloseDrawFigure> {
  const lotteryId = await bench.client.createLottery(bench.adminToken, {
    name: `bench-draw-${n}`,
    prizes: PRIZES,
    entry: { guests: true },
  });
  bench.log(`loading ${n.toLocaleString('en')} ballots by SQL`);
  const t0 = performance.now();
  await withClient(bench.databaseUrl, (c) => loadBallots(c, lotteryId, n, (done) => bench.log(`  ${done.toLocaleString('en')}`)));
  const loadSeconds = (performance.now() - t0) / 1000;
  bench.log(`closing and drawing ${n.toLocaleString('en')} ballots`);
  const nodeFlags = bench.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${bench.profileDir}`] : [];
  let childCpu = 0;
  const { result, cpu } = await metered(bench, async () => {
    const figure = await runJsonChild<Omit<CloseDrawFigure, 'cpu' | 'loadSeconds'>>('close-draw-run', [bench.databaseUrl, lotteryId], {
      timeoutMs: 15 * 60_000,
      nodeFlags,
    });
    childCpu = figure.cpuSeconds;
    return figure;
  });
  // The child had exited when the meter stopped: put its own CPU seconds in the helper column.
  const helper = childCpu / result.seconds;
  return { ...result, loadSeconds, cpu: { ...cpu, helper, others: Math.max(0, cpu.others - helper) } };
}
