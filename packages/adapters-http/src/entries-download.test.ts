import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Deps } from '@fairdraw/application';
import { entryLine, type LotteryId } from '@fairdraw/domain';
import { afterEach, describe, expect, it } from 'vitest';
import type { FakeDeps } from './test-support/fakes.js';
import { expectProblem, type Harness, harness } from './test-support/harness.js';

let h: Harness;
afterEach(() => h.close());

/** About 9 MB of entries text: more than a paused socket's buffers take on loopback. */
const ENTRIES = 200_000;

/** Entries as many as asked, made up: far more than a socket's buffers hold. */
function manyEntries(count: number) {
  return (deps: FakeDeps): Deps => {
    const ballots = {
      ...deps.uow.reads.ballots,
      async *entriesText(_lotteryId: LotteryId) {
        for (let i = 1; i <= count; i++) yield entryLine(i, '0190aaaa-0000-7000-8000-000000000000');
      },
    };
    return { ...deps, uow: { ...deps.uow, run: deps.uow.run, reads: { ...deps.uow.reads, ballots } } };
  };
}

describe('an entries download whose client stops reading', () => {
  it('is ended at the write deadline, which gives its slot back', { timeout: 30_000 }, async () => {
    h = await harness({ wrapDeps: manyEntries(ENTRIES), entriesDownloads: { maxDownloads: 1, stallTimeoutMs: 300 } });
    const lottery = await h.lottery();
    const admin = await h.admin();
    await h.request({ method: 'POST', url: `/lotteries/${lottery.id}/close`, token: admin.token });
    const address = await h.app.listen({ port: 0, host: '127.0.0.1' });
    const url = new URL(address);
    const socket = connect({ host: url.hostname, port: Number(url.port) });
    socket.pause();
    socket.on('error', () => {});
    socket.write(`GET /lotteries/${lottery.id}/entries HTTP/1.1\r\nHost: ${url.host}\r\n\r\n`);
    try {
      // The stalled one holds the only slot...
      const path = `/lotteries/${lottery.id}/entries`;
      let busy = await h.request({ method: 'GET', url: path });
      for (let tries = 0; busy.statusCode !== 503 && tries < 50; tries++) {
        await sleep(20);
        busy = await h.request({ method: 'GET', url: path });
      }
      expectProblem(busy, 503, 'SERVICE_UNAVAILABLE');
      // ...until the deadline ends it, though its client is still connected.
      let freed = busy;
      for (const until = Date.now() + 10_000; freed.statusCode === 503 && Date.now() < until; ) {
        await sleep(100);
        freed = await h.request({ method: 'GET', url: path });
      }
      expect(freed.statusCode).toBe(200);
      expect(freed.body.split('\n').filter(Boolean)).toHaveLength(ENTRIES);
      expect(socket.destroyed).toBe(false);
    } finally {
      socket.destroy();
    }
  });
});
