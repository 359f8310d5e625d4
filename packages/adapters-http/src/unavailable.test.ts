import { Writable } from 'node:stream';
import { type Deps, StoreUnavailable, type UnitOfWork, wireDeps } from '@fairdraw/application';
import { afterEach, describe, expect, it } from 'vitest';
import type { FakeDeps } from './test-support/fakes.js';
import { expectProblem, type Harness, harness } from './test-support/harness.js';

let h: Harness;
afterEach(() => h.close());

/** pino lines written by the server, parsed. */
function recordedLog() {
  const lines: { level: number; msg: string }[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, logger: { level: 'info', stream } };
}

/** The same deps over a store that rejects everything as unreachable while `down` is set. */
function outage(state: { down: boolean }) {
  const unavailable = () => new StoreUnavailable('the database cannot be reached right now; retry shortly', 2);
  return (deps: FakeDeps): Deps => {
    const guard = <T extends object>(target: T): T =>
      new Proxy(target, {
        get(object, name, receiver) {
          const value = Reflect.get(object, name, receiver);
          if (typeof value !== 'function') return value;
          return (...args: unknown[]) => {
            if (state.down) return Promise.reject(unavailable());
            return value.apply(object, args);
          };
        },
      });
    const reads = Object.fromEntries(Object.entries(deps.uow.reads).map(([name, repo]) => [name, guard(repo)]));
    const uow: UnitOfWork = {
      reads: reads as unknown as UnitOfWork['reads'],
      run: (work) => (state.down ? Promise.reject(unavailable()) : deps.uow.run(work)),
    };
    return wireDeps({ ...deps, uow });
  };
}

describe('a store that cannot be reached', () => {
  it('answers 503 SERVICE_UNAVAILABLE with Retry-After, reads and writes alike, and logs no error per request', async () => {
    const state = { down: false };
    const log = recordedLog();
    h = await harness({ wrapDeps: outage(state), logger: log.logger });
    const lottery = await h.lottery({ entry: { guests: true } });
    state.down = true;
    for (const request of [
      { method: 'GET' as const, url: `/lotteries/${lottery.id}` },
      { method: 'GET' as const, url: '/lotteries' },
      { method: 'POST' as const, url: '/auth/register', payload: { username: 'dora', password: 'correct horse battery' } },
      { method: 'POST' as const, url: `/lotteries/${lottery.id}/ballots`, payload: {} },
    ]) {
      const res = await h.request(request);
      expectProblem(res, 503, 'SERVICE_UNAVAILABLE');
      expect(res.headers['retry-after'], request.url).toBe('2');
    }
    expect(log.lines.filter((line) => line.level >= 50)).toEqual([]);
    state.down = false;
    expect((await h.request({ method: 'GET', url: `/lotteries/${lottery.id}` })).statusCode).toBe(200);
  });
});

describe('entries downloads', () => {
  /** A closed lottery whose entries stream waits for `release` before its first line. */
  async function heldDownloads(maxDownloads: number) {
    const gate: { release: () => void } = { release: () => {} };
    const opened = new Promise<void>((resolve) => {
      gate.release = resolve;
    });
    const wrapDeps = (deps: FakeDeps): Deps => {
      const ballots = deps.uow.reads.ballots;
      const held = {
        ...ballots,
        async *entriesText(lotteryId: Parameters<typeof ballots.entriesText>[0]) {
          await opened;
          yield* ballots.entriesText(lotteryId);
        },
      };
      return {
        ...deps,
        uow: { ...deps.uow, run: deps.uow.run, reads: { ...deps.uow.reads, ballots: held } },
      };
    };
    h = await harness({ wrapDeps, entriesDownloads: { maxDownloads, stallTimeoutMs: 30_000 } });
    const lottery = await h.lottery();
    const admin = await h.admin();
    await h.request({ method: 'POST', url: `/lotteries/${lottery.id}/close`, token: admin.token });
    return { lottery, release: gate.release };
  }

  it('are bounded per process: beyond the bound 503 SERVICE_UNAVAILABLE with Retry-After, and a finished one frees its slot', async () => {
    const { lottery, release } = await heldDownloads(2);
    const url = `/lotteries/${lottery.id}/entries`;
    const first = h.request({ method: 'GET', url });
    const second = h.request({ method: 'GET', url });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const third = await h.request({ method: 'GET', url });
    expectProblem(third, 503, 'SERVICE_UNAVAILABLE');
    expect(Number(third.headers['retry-after'])).toBeGreaterThan(0);
    release();
    expect((await first).statusCode).toBe(200);
    expect((await second).statusCode).toBe(200);
    expect((await h.request({ method: 'GET', url })).statusCode).toBe(200);
  });

  it('give the slot back when the download is refused (an unknown lottery)', async () => {
    await heldDownloads(1);
    for (let i = 0; i < 3; i++) {
      expectProblem(
        await h.request({ method: 'GET', url: '/lotteries/0190aaaa-0000-7000-8000-000000000000/entries' }),
        404,
        'LOTTERY_NOT_FOUND',
      );
    }
  });
});
