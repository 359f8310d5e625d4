/**
 * The verifier's fetching, against a tiny fixture server on 127.0.0.1 that serves a vector case the
 * way API.md describes. The end-to-end run against the real API comes with the HTTP adapter.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildFairdrawV1Vectors, publicRecordOf } from '@fairdraw/domain/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main, verifyDraw } from './verify-draw.js';

const record = publicRecordOf(buildFairdrawV1Vectors().cases.find((c) => c.name === 'large') ?? (undefined as never));
const id = record.lottery.id;
let draw: object = record.draw;
let server: Server;
let base = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    const routes: Record<string, () => void> = {
      [`/lotteries/${id}`]: () => res.setHeader('content-type', 'application/json').end(JSON.stringify(record.lottery)),
      [`/lotteries/${id}/draw`]: () => res.setHeader('content-type', 'application/json').end(JSON.stringify(draw)),
      [`/lotteries/${id}/entries`]: () => {
        // Awkward chunk boundaries, as a real stream may have them.
        res.setHeader('content-type', 'text/plain; charset=utf-8');
        for (let i = 0; i < record.entriesText.length; i += 65_521) res.write(record.entriesText.slice(i, i + 65_521));
        res.end();
      },
    };
    const route = routes[req.url ?? ''];
    if (route) route();
    else res.writeHead(404, { 'content-type': 'application/problem+json' }).end('{"code":"LOTTERY_NOT_FOUND"}');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(() => server.close());

describe('verify-draw', () => {
  it('verifies a faithful record with 100000 streamed entries', async () => {
    draw = record.draw;
    expect(await verifyDraw(base, id)).toEqual([]);
  });

  it('names a tampered winner', async () => {
    const winners = record.draw.winners.map((w, j) => (j === 2 ? { ...w, ticket_number: w.ticket_number + 1 } : w));
    draw = { ...record.draw, winners };
    expect((await verifyDraw(base, id)).map((m) => m.kind)).toEqual(['WINNER']);
  });

  it('reports an undrawn lottery without asking for its entries', async () => {
    const { seed: _, ...open } = { ...record.draw, status: 'open', entries_digest: null, n: null, winners: [] };
    draw = open;
    const asked: string[] = [];
    const spy: typeof fetch = (input, init) => {
      asked.push(input instanceof Request ? input.url : String(input));
      return fetch(input, init);
    };
    expect((await verifyDraw(base, id, spy)).map((m) => m.kind)).toEqual(['NOT_DRAWN']);
    expect(asked.some((url) => url.endsWith('/entries'))).toBe(false);
  });

  it('prints VERIFIED and exits 0, or each mismatch and exits 1, or exits 2 when it cannot fetch', async () => {
    const out = vi.spyOn(process.stdout, 'write').mockReturnValue(true);
    const err = vi.spyOn(process.stderr, 'write').mockReturnValue(true);
    try {
      draw = record.draw;
      expect(await main([base, id])).toBe(0);
      expect(out).toHaveBeenLastCalledWith('VERIFIED\n');
      // A smaller n also moves the winners: both are reported.
      draw = { ...record.draw, n: 99_999 };
      expect(await main([base, id])).toBe(1);
      expect(out).toHaveBeenCalledWith('ENTRY_COUNT: the entries have 100000 lines; the record says n = 99999\n');
      expect(await main([base, '0190a5c4-7d2e-7b3a-9c41-2f6e8d1a3b5c'])).toBe(2);
      expect(err).toHaveBeenLastCalledWith(expect.stringMatching(/^cannot verify: GET .* answered 404\n$/));
      expect(await main([base])).toBe(2);
    } finally {
      out.mockRestore();
      err.mockRestore();
    }
  });
});
