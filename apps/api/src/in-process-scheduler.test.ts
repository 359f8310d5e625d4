import { createLottery, StoreUnavailable } from '@fairdraw/application';
import { testDeps } from '@fairdraw/application/testing';
import { dateIn, startOfDate } from '@fairdraw/domain';
import type { DrawSchedule, ScheduleLog } from '@fairdraw/runtime';
import { afterEach, describe, expect, it } from 'vitest';
import { createInProcessScheduler, type InProcessScheduler, startInProcessScheduler } from './in-process-scheduler.js';

const NEVER_SOON = '0 0 0 1 1 *';
const EVERY_SECOND = '* * * * * *';

function recorder() {
  const lines: { level: string; message: string; details: Record<string, unknown> }[] = [];
  const at = (level: string) => (details: object, message: string) => {
    lines.push({ level, message, details: details as Record<string, unknown> });
  };
  const log: ScheduleLog = { info: at('info'), warn: at('warn'), error: at('error') };
  return { log, lines };
}

function deferred() {
  let resolve: () => void = () => {};
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 1000 && !condition(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!condition()) throw new Error(`gave up waiting: ${what}`);
}

const timetable = { timeZone: 'UTC', attempts: 3, retryDelayMs: 1 };
const started: InProcessScheduler[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.stop()));
});

describe('in-process scheduler', () => {
  it('catches up at start, then fires on a seconds cron', async () => {
    let runs = 0;
    const scheduler = createInProcessScheduler(async () => void runs++, { ...timetable, cron: EVERY_SECOND }, recorder().log);
    started.push(scheduler);
    await scheduler.start();
    expect(runs).toBe(1);
    await until(() => runs >= 2, 'a cron tick');
  });

  it('fires at local midnight in the service time zone', async () => {
    const scheduler = createInProcessScheduler(
      async () => {},
      { ...timetable, cron: '0 0 * * *', timeZone: 'Europe/London' },
      recorder().log,
    );
    started.push(scheduler);
    await scheduler.start();
    const next = scheduler.nextRun();
    expect(next).not.toBeNull();
    expect(next?.getTime()).toBe(startOfDate(dateIn(next ?? new Date(), 'Europe/London'), 'Europe/London').getTime());
  });

  it('retries a failing tick up to the number of attempts, then waits for the next fire', async () => {
    let calls = 0;
    const { log, lines } = recorder();
    const scheduler = createInProcessScheduler(
      async () => {
        calls++;
        throw new Error(`failure ${calls}`);
      },
      { ...timetable, cron: NEVER_SOON },
      log,
    );
    started.push(scheduler);
    await scheduler.start();
    await until(() => lines.some((l) => l.level === 'error'), 'the final failure');
    expect(calls).toBe(3);
    expect(lines.map((l) => [l.level, l.details.attempt])).toEqual([
      ['warn', 1],
      ['warn', 2],
      ['error', 3],
    ]);
  });

  it('keeps retrying while the database cannot be reached, without using up attempts', async () => {
    let calls = 0;
    const { log, lines } = recorder();
    const scheduler = createInProcessScheduler(
      async () => {
        calls++;
        if (calls <= 5) throw new StoreUnavailable('the database cannot be reached right now; retry shortly', 2);
        if (calls === 6) throw new Error('a real failure');
      },
      { ...timetable, cron: NEVER_SOON },
      log,
    );
    started.push(scheduler);
    await scheduler.start();
    await until(() => calls === 7, 'the run after the outage');
    // Five waits for the database, then a real failure and its retry: attempts 1 and 2 of 3.
    expect(lines.filter((l) => l.message.includes('wait for the database'))).toHaveLength(5);
    expect(lines.filter((l) => l.level !== 'info').map((l) => [l.level, l.details.attempt])).toEqual([['warn', 1]]);
  });

  it('stops retrying as soon as it is stopped', async () => {
    let calls = 0;
    const { log, lines } = recorder();
    const scheduler = createInProcessScheduler(
      async () => {
        calls++;
        throw new Error('down');
      },
      { ...timetable, cron: NEVER_SOON, retryDelayMs: 3_600_000 },
      log,
    );
    await scheduler.start();
    await until(() => lines.some((l) => l.level === 'warn'), 'the first failure');
    await scheduler.stop();
    expect(calls).toBe(1);
  });

  it('never runs two ticks at once; fires during a tick become one more tick after it', async () => {
    let running = 0;
    let most = 0;
    const gates = [deferred(), deferred(), deferred()];
    let runs = 0;
    const scheduler = createInProcessScheduler(
      async () => {
        const gate = gates[runs++];
        running++;
        most = Math.max(most, running);
        await gate?.promise;
        running--;
      },
      { ...timetable, cron: EVERY_SECOND },
      recorder().log,
    );
    await scheduler.start();
    expect(runs).toBe(1);
    // Let the cron fire at least twice while the first tick is held.
    const firstHeldSince = Date.now();
    await until(() => Date.now() - firstHeldSince > 2_100, 'two cron fires');
    expect(runs).toBe(1);
    gates[0]?.resolve();
    await until(() => runs === 2, 'the follow-up tick');
    const stopping = scheduler.stop();
    let stopped = false;
    void stopping.then(() => {
      stopped = true;
    });
    await new Promise((r) => setTimeout(r, 20));
    // stop() waits for the running tick.
    expect(stopped).toBe(false);
    gates[1]?.resolve();
    await stopping;
    expect(runs).toBe(2);
    expect(most).toBe(1);
  });

  it('draws a lottery that fell due while nothing ran, once', async () => {
    const deps = testDeps({ timeZone: 'UTC', now: '2030-01-10T12:00:00.000Z' });
    const lottery = await createLottery(deps, { closesAt: new Date('2030-01-10T13:00:00.000Z') });
    deps.clock.set('2030-01-10T14:00:00.000Z');
    const schedule: DrawSchedule = { ...timetable, cron: EVERY_SECOND, dailyLotteries: false, daysAhead: 7 };
    const { log, lines } = recorder();
    const scheduler = await startInProcessScheduler(deps, schedule, log);
    started.push(scheduler);
    await until(() => lines.filter((l) => l.message === 'scheduled draws ran').length >= 2, 'a catch-up and a cron tick');
    await scheduler.stop();
    const ran = lines.filter((l) => l.message === 'scheduled draws ran').map((l) => (l.details.drawn as unknown[]).length);
    expect(ran[0]).toBe(1);
    expect(ran.slice(1).every((n) => n === 0)).toBe(true);
    expect((await deps.uow.reads.lotteries.findById(lottery.id))?.toState().status).toBe('drawn');
    expect(await deps.uow.reads.draws.findByLottery(lottery.id)).not.toBeNull();
  });
});
