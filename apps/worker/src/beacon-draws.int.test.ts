/**
 * The worker draws a fairdraw-v2 lottery with a delayed BullMQ job at its round's time (not at
 * the next DRAW_CRON slot), retries it while the relay fails, and draws it once. The relay is a
 * test chain on 127.0.0.1.
 */
import { recentTestChain, startTestRelay, type TestRelay } from '@fairdraw/adapters-http/testing';
import { roundTimeMs } from '@fairdraw/domain';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  drawRows,
  eventually,
  freshDatabase,
  lotteryClosingSoon,
  lotteryStatus,
  type Stack,
  startStack,
  type TestDatabase,
} from './testing/stack.js';
import { startTestWorker, uniqueQueueName } from './testing/workers.js';

let stack: Stack;
let database: TestDatabase;
let relay: TestRelay;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  stack = await startStack();
  database = await freshDatabase(stack.postgres);
  relay = await startTestRelay(recentTestChain({ label: 'worker', period: 1 }));
});
afterEach(async () => {
  relay.behaviour = 'serve';
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterAll(async () => {
  await relay?.close();
  await database?.db.destroy();
  await stack?.stop();
});

async function beaconWorker() {
  // DRAW_CRON once a year: only the delayed job can draw within the test.
  const worker = await startTestWorker(database, stack.redis, uniqueQueueName(), {
    env: { DRAW_BEACON: 'drand', BEACON_URLS: relay.url, BEACON_CHAIN_HASH: relay.test.chain.chainHash, BEACON_MARGIN_S: '1' },
  });
  cleanups.push(worker.stop);
  return worker;
}

describe('the worker and fairdraw-v2', { timeout: 120_000 }, () => {
  it('draws a v2 lottery by a delayed job as soon as its round is published', async () => {
    const worker = await beaconWorker();
    const lottery = await lotteryClosingSoon(worker.runtime.deps, 1_500);
    expect(lottery.algorithm).toBe('fairdraw-v2');
    const round = lottery.beaconRound;
    if (round === null) throw new Error('a v2 lottery with closes_at has its round');
    const delayed = await worker.scheduler.queue.getJobs(['delayed']);
    expect(delayed.map((job) => [job.name, (job.data as { lotteryId: string }).lotteryId])).toContainEqual(['beacon-draw', lottery.id]);
    await eventually(async () => (await lotteryStatus(worker.runtime.deps, lottery)) === 'drawn', 'the beacon draw');
    expect(Date.now()).toBeGreaterThanOrEqual(roundTimeMs(relay.test.chain, round.round));
    const record = await worker.runtime.deps.uow.reads.draws.findByLottery(lottery.id);
    expect(record?.beacon).toEqual({ chainHash: relay.test.chain.chainHash, ...relay.test.sign(round.round) });
    expect(worker.lines.some((l) => l.message === 'beacon draw job started')).toBe(true);
  });

  it('retries the job while the relay fails, then draws exactly once', async () => {
    const worker = await beaconWorker();
    relay.behaviour = 'fail';
    const lottery = await lotteryClosingSoon(worker.runtime.deps, 1_000);
    const round = lottery.beaconRound?.round ?? 0;
    await eventually(() => worker.lines.filter((l) => l.message === 'draw job failed; it will be retried').length >= 2, 'failed attempts');
    expect(await lotteryStatus(worker.runtime.deps, lottery)).not.toBe('drawn');
    relay.behaviour = 'serve';
    await eventually(async () => (await lotteryStatus(worker.runtime.deps, lottery)) === 'drawn', 'the draw once the relay is back');
    expect(await drawRows(database, lottery)).toBe(1);
    expect((await worker.runtime.deps.uow.reads.draws.findByLottery(lottery.id))?.beacon?.round).toBe(round);
  });
});
