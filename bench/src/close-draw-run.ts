import { randomBytes } from 'node:crypto';
import { closeLottery, drawLottery, type LotteryId, readSettings, startRuntime } from './fairdraw.js';

/**
 * Closes and draws one lottery through the real use cases, wired by the service's own runtime
 * (as `pnpm close-and-draw` and the worker do), in a process of its own so that its peak RSS
 * is the cost of the close and the draw. Prints one JSON line.
 */
const [databaseUrl = '', id = ''] = process.argv.slice(2);
const settings = readSettings({ DATABASE_URL: databaseUrl, JWT_SECRET: randomBytes(48).toString('base64url'), LOG_LEVEL: 'warn' });
const runtime = await startRuntime(settings, { migrate: false });
const baselineRssMb = process.memoryUsage().rss / 2 ** 20;
const lotteryId = id as LotteryId;
try {
  const cpuBefore = process.cpuUsage();
  const t0 = performance.now();
  await closeLottery(runtime.deps, { lotteryId });
  const t1 = performance.now();
  const { record } = await drawLottery(runtime.deps, { lotteryId });
  const t2 = performance.now();
  const cpu = process.cpuUsage(cpuBefore);
  if (record === null) throw new Error('drawLottery returned no draw record');
  process.stdout.write(
    `${JSON.stringify({
      n: record.n,
      winners: record.winners.length,
      closeSeconds: (t1 - t0) / 1000,
      drawSeconds: (t2 - t1) / 1000,
      seconds: (t2 - t0) / 1000,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      baselineRssMb,
      // maxRSS is in KiB: the peak of the whole process, start-up included.
      peakRssMb: process.resourceUsage().maxRSS / 1024,
    })}\n`,
  );
} finally {
  await runtime.close();
}
