import { describe, expect, it } from 'vitest';
import type { UnitOfWork } from './ports/repositories.js';
import { StoreUnavailable } from './ports/store-unavailable.js';
import { runScheduledDraws, ScheduledDrawsFailed } from './run-scheduled-draws.js';
import { createInMemoryUnitOfWork } from './testing/in-memory-unit-of-work.js';
import { testDeps } from './testing/test-deps.js';
import { withRepositories } from './testing/wrapped-unit-of-work.js';

const daily = { dailyLotteries: true, daysAhead: 7 };

async function allLotteries(uow: UnitOfWork) {
  const page = await uow.reads.lotteries.list({}, { limit: 100, cursor: null });
  return page.items.map((l) => l.toState()).sort((a, b) => String(a.closesOn).localeCompare(String(b.closesOn)));
}

/** Ticks at every instant given and says which dates each tick drew. */
async function drawnAt(deps: ReturnType<typeof testDeps>, instants: string[]) {
  const byDate = new Map((await allLotteries(deps.uow)).map((l) => [l.id as string, l.closesOn]));
  const out: [string, string[]][] = [];
  for (const at of instants) {
    deps.clock.set(at);
    const outcome = await runScheduledDraws(deps, daily);
    for (const l of outcome.provisioned) byDate.set(l.id, l.toState().closesOn);
    out.push([at, outcome.drawn.map((d) => String(byDate.get(d.lotteryId))).sort()]);
  }
  return out;
}

describe('runScheduledDraws: daily lotteries in Europe/London', () => {
  it('closes the 23-hour day of the spring change at the right instant, once per date, idempotently', async () => {
    const deps = testDeps({ timeZone: 'Europe/London', now: '2030-03-28T12:00:00.000Z' });
    const first = await runScheduledDraws(deps, daily);
    expect(first.provisioned).toHaveLength(7);
    const second = await runScheduledDraws(deps, daily);
    expect(second.provisioned).toHaveLength(0);
    expect(second.drawn).toHaveLength(0);

    const closing = Object.fromEntries((await allLotteries(deps.uow)).map((l) => [l.closesOn, l.closesAt?.toISOString()]));
    expect(closing).toEqual({
      '2030-03-28': '2030-03-29T00:00:00.000Z',
      '2030-03-29': '2030-03-30T00:00:00.000Z',
      '2030-03-30': '2030-03-31T00:00:00.000Z',
      // Clocks go forward at 01:00 GMT on the 31st: that day has 23 hours and ends at 23:00 UTC.
      '2030-03-31': '2030-03-31T23:00:00.000Z',
      '2030-04-01': '2030-04-01T23:00:00.000Z',
      '2030-04-02': '2030-04-02T23:00:00.000Z',
      '2030-04-03': '2030-04-03T23:00:00.000Z',
    });

    const ticks = await drawnAt(deps, [
      '2030-03-31T00:00:00.000Z',
      '2030-03-31T00:00:00.500Z',
      '2030-03-31T22:59:59.999Z',
      '2030-03-31T23:00:00.000Z',
      '2030-03-31T23:00:00.000Z',
    ]);
    expect(ticks).toEqual([
      // The first tick also catches up the two dates that ended while nothing ran.
      ['2030-03-31T00:00:00.000Z', ['2030-03-28', '2030-03-29', '2030-03-30']],
      ['2030-03-31T00:00:00.500Z', []],
      ['2030-03-31T22:59:59.999Z', []],
      ['2030-03-31T23:00:00.000Z', ['2030-03-31']],
      // A duplicate tick at the same instant (at-least-once delivery) draws nothing more.
      ['2030-03-31T23:00:00.000Z', []],
    ]);

    const lotteries = await allLotteries(deps.uow);
    const dates = lotteries.map((l) => l.closesOn);
    expect(new Set(dates).size).toBe(dates.length);
    expect(dates.at(-1)).toBe('2030-04-07');
    expect(lotteries.filter((l) => l.status === 'drawn').map((l) => l.closesOn)).toEqual([
      '2030-03-28',
      '2030-03-29',
      '2030-03-30',
      '2030-03-31',
    ]);
  });

  it('closes the 25-hour day of the autumn change at the right instant', async () => {
    const deps = testDeps({ timeZone: 'Europe/London', now: '2030-10-25T12:00:00.000Z' });
    await runScheduledDraws(deps, { dailyLotteries: true, daysAhead: 4 });
    const closing = Object.fromEntries((await allLotteries(deps.uow)).map((l) => [l.closesOn, l.closesAt?.toISOString()]));
    expect(closing).toEqual({
      '2030-10-25': '2030-10-25T23:00:00.000Z',
      '2030-10-26': '2030-10-26T23:00:00.000Z',
      // Clocks go back at 01:00 BST on the 27th: that day has 25 hours and ends at midnight UTC.
      '2030-10-27': '2030-10-28T00:00:00.000Z',
      '2030-10-28': '2030-10-29T00:00:00.000Z',
    });
    const ticks = await drawnAt(deps, ['2030-10-26T23:00:00.000Z', '2030-10-27T23:00:00.000Z', '2030-10-28T00:00:00.000Z']);
    expect(ticks).toEqual([
      ['2030-10-26T23:00:00.000Z', ['2030-10-25', '2030-10-26']],
      // Midnight would be here without the change; the 27th is still open for another hour.
      ['2030-10-27T23:00:00.000Z', []],
      ['2030-10-28T00:00:00.000Z', ['2030-10-27']],
    ]);
  });

  it('provisions nothing when daily lotteries are off, and still draws what is due', async () => {
    const deps = testDeps({ timeZone: 'Europe/London', now: '2030-03-28T12:00:00.000Z' });
    await runScheduledDraws(deps, { dailyLotteries: true, daysAhead: 1 });
    deps.clock.set('2030-03-29T00:00:00.000Z');
    const outcome = await runScheduledDraws(deps, { dailyLotteries: false, daysAhead: 7 });
    expect(outcome.provisioned).toHaveLength(0);
    expect(outcome.drawn).toHaveLength(1);
    expect(await allLotteries(deps.uow)).toHaveLength(1);
  });
});

describe('runScheduledDraws: failures', () => {
  it('throws when a draw fails, so the tick is retried, and the retry draws once', async () => {
    const store = createInMemoryUnitOfWork();
    const broken = { draws: true };
    // The store refuses draws while `broken.draws` is set, as a database that is down would.
    const uow = withRepositories(store, (repos) => ({
      draws: {
        ...repos.draws,
        add: async (record) => {
          if (broken.draws) throw new Error('connection terminated');
          return repos.draws.add(record);
        },
      },
    }));
    const deps = { ...testDeps({ timeZone: 'UTC', now: '2030-01-10T12:00:00.000Z', uow: store }), uow };
    await runScheduledDraws(deps, { dailyLotteries: true, daysAhead: 2 });
    deps.clock.set('2030-01-11T00:00:00.000Z');

    const failure = await runScheduledDraws(deps, daily).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ScheduledDrawsFailed);
    const outcome = (failure as ScheduledDrawsFailed).outcome;
    expect(outcome.failed).toEqual([{ lotteryId: expect.any(String), error: 'connection terminated' }]);
    expect((failure as Error).message).toContain('connection terminated');
    // Provisioning still happened: only the draw failed.
    expect(outcome.provisioned).toHaveLength(6);

    broken.draws = false;
    const retry = await runScheduledDraws(deps, daily);
    expect(retry.drawn.map((d) => d.lotteryId)).toEqual(outcome.failed.map((f) => f.lotteryId));
    expect((await runScheduledDraws(deps, daily)).drawn).toHaveLength(0);
  });

  it('still draws when provisioning fails, then reports the provisioning failure', async () => {
    const store = createInMemoryUnitOfWork();
    const setup = testDeps({ timeZone: 'UTC', now: '2030-01-10T12:00:00.000Z', uow: store });
    await runScheduledDraws(setup, { dailyLotteries: true, daysAhead: 1 });
    const uow: UnitOfWork = {
      ...store,
      reads: {
        ...store.reads,
        lotteries: {
          ...store.reads.lotteries,
          closingDatesBetween: async () => {
            throw new Error('statement timeout');
          },
        },
      },
      run: store.run,
    };
    const deps = { ...setup, uow };
    deps.clock.set('2030-01-11T00:00:00.000Z');
    const failure = (await runScheduledDraws(deps, daily).catch((error: unknown) => error)) as ScheduledDrawsFailed;
    expect(failure.outcome.provisionError).toBe('statement timeout');
    expect(failure.outcome.drawn).toHaveLength(1);
    expect(failure.message).toContain('provisioning: statement timeout');
  });
});

describe('runScheduledDraws: housekeeping', () => {
  it('forgets Idempotency-Key records once they are a day old, and keeps younger ones replayable', async () => {
    const deps = testDeps({ now: '2030-01-10T00:00:00.000Z' });
    const save = (key: string, at: string) =>
      deps.uow.run((repos) => repos.idempotency.save('ballots', key, { fingerprint: 'f', response: '{}' }, new Date(at)));
    await save('day-old', '2030-01-08T23:59:59.000Z');
    await save('fresh', '2030-01-09T00:00:01.000Z');
    const outcome = await runScheduledDraws(deps, { dailyLotteries: false, daysAhead: 1 });
    expect(outcome.forgottenIdempotencyKeys).toBe(1);
    expect(await deps.uow.reads.idempotency.find('ballots', 'day-old')).toBeNull();
    expect(await deps.uow.reads.idempotency.find('ballots', 'fresh')).not.toBeNull();
  });
});

describe('runScheduledDraws when the store cannot be reached', () => {
  it('fails as a whole with StoreUnavailable, for the scheduler to retry, rather than report the parts that failed', async () => {
    const deps = testDeps({ now: '2030-03-28T12:00:00.000Z' });
    const down = new StoreUnavailable('the database cannot be reached right now; retry shortly', 2);
    const away = withRepositories(deps.uow, (repos) => ({
      lotteries: {
        ...repos.lotteries,
        add: async () => {
          throw down;
        },
      },
    }));
    await expect(runScheduledDraws({ ...deps, uow: away }, daily)).rejects.toBe(down);
  });
});
