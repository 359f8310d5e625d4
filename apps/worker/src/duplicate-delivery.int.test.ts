import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  drawRows,
  eventually,
  freshDatabase,
  lotteryClosingSoon,
  lotteryStatus,
  pastClosing,
  type Stack,
  startStack,
  type TestDatabase,
} from './testing/stack.js';
import { startTestWorker, type TestWorker, ticksRan, uniqueQueueName } from './testing/workers.js';

let stack: Stack;
let database: TestDatabase;

beforeAll(async () => {
  stack = await startStack();
  database = await freshDatabase(stack.postgres);
});
afterAll(async () => {
  await database?.db.destroy();
  await stack?.stop();
});

describe('duplicate delivery', () => {
  it('draws once when two workers process the same job at the same time', async () => {
    // BullMQ hands a job to a second worker when the first one's lock lapses (a long GC pause,
    // a frozen VM) while the first is still working on it. Both workers here skip lock renewal,
    // so whichever takes the job loses its lock after a second and the other takes it too.
    const tuning = { lockDuration: 1_000, skipLockRenewal: true, stalledInterval: 250, maxStalledCount: 5 };
    let armed = false;
    const arrivals: string[] = [];
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const gate = (who: string) => async () => {
      if (!armed) return;
      arrivals.push(who);
      await held;
    };
    const name = uniqueQueueName();
    const workers: Record<string, TestWorker> = {};
    try {
      workers.a = await startTestWorker(database, stack.redis, name, { tuning, gate: gate('a') });
      workers.b = await startTestWorker(database, stack.redis, name, { tuning, gate: gate('b') });
      const { a, b } = workers;
      await eventually(() => ticksRan(a.lines).length + ticksRan(b.lines).length >= 2, 'both catch-up ticks');

      const lottery = await lotteryClosingSoon(a.runtime.deps, 1_000);
      await pastClosing(lottery);
      armed = true;
      const job = await a.scheduler.queue.add('close-and-draw', {}, { attempts: 1 });
      await eventually(() => arrivals.includes('a') && arrivals.includes('b'), 'both workers holding the job', 20_000);

      const started = (lines: TestWorker['lines']) => lines.filter((l) => l.message === 'draw job started').at(-1)?.details.job_id;
      expect(started(a.lines)).toBe(job.id);
      expect(started(b.lines)).toBe(job.id);
      const before = ticksRan(a.lines).length + ticksRan(b.lines).length;
      release();
      await eventually(() => ticksRan(a.lines).length + ticksRan(b.lines).length >= before + 2, 'both ticks to finish');

      const drawnByTick = [...ticksRan(a.lines), ...ticksRan(b.lines)].map(
        (l) => (l.details.drawn as { lottery_id: string }[]).filter((d) => d.lottery_id === lottery.id).length,
      );
      expect(drawnByTick.reduce((sum, n) => sum + n, 0)).toBe(1);
      expect(await drawRows(database, lottery)).toBe(1);
      expect(await lotteryStatus(a.runtime.deps, lottery)).toBe('drawn');
    } finally {
      release();
      await Promise.all(Object.values(workers).map((w) => w.stop()));
    }
  });
});
