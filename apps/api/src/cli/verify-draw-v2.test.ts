/**
 * verify-draw on fairdraw-v2 records: a real quicknet vector (the key built in), a flipped bit of
 * its signature, and a lottery on a chain of our own whose info the verifier fetches from a relay
 * it names with --relay (a test relay on 127.0.0.1).
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { recentTestChain, startTestRelay, type TestRelay } from '@fairdraw/adapters-http/testing';
import { beaconRandomnessOf, drawFairdrawV2, roundFor } from '@fairdraw/domain';
import { buildFairdrawV2Vectors, publicV2RecordOf } from '@fairdraw/domain/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main, verifyDraw } from './verify-draw.js';

const quicknet = publicV2RecordOf(buildFairdrawV2Vectors().cases.find((c) => c.name === 'gaps') ?? (undefined as never));
let served: { lottery: object & { id: string }; draw: object; entriesText: string } = quicknet;
let server: Server;
let relay: TestRelay;
let base = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    const id = served.lottery.id;
    const body: Record<string, string> = {
      [`/lotteries/${id}`]: JSON.stringify(served.lottery),
      [`/lotteries/${id}/draw`]: JSON.stringify(served.draw),
      [`/lotteries/${id}/entries`]: served.entriesText,
    };
    const found = body[req.url ?? ''];
    if (found === undefined) res.writeHead(404).end();
    else res.end(found);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  relay = await startTestRelay(recentTestChain({ label: 'cli' }));
});
afterAll(async () => {
  server.close();
  await relay?.close();
});

/** The quicknet vector re-drawn on the relay's chain: a faithful record of a chain the CLI does not know. */
function onTestChain() {
  const chain = relay.test.chain;
  const closing = Date.parse(quicknet.lottery.closes_at);
  const round = roundFor(chain, closing, 10);
  const beacon = relay.test.sign(round);
  const outcome = drawFairdrawV2({
    seed: Buffer.from(quicknet.draw.seed, 'hex'),
    lotteryId: quicknet.lottery.id,
    entriesDigest: quicknet.draw.entries_digest,
    chainHash: chain.chainHash,
    round,
    beacon,
    n: quicknet.draw.n,
    prizes: quicknet.lottery.prizes,
  });
  const entries = quicknet.entriesText.split('\n');
  const lottery = {
    ...quicknet.lottery,
    beacon: {
      ...quicknet.lottery.beacon,
      chain_hash: chain.chainHash,
      public_key: chain.publicKey,
      period: chain.period,
      genesis_time: chain.genesisTime,
      round,
    },
  };
  const winners = outcome.winners.map((w) => {
    const [ticket = '', ballot = ''] = (entries[w.entryIndex] ?? '').split(':');
    return { rank: w.rank, prize: w.prize, ticket_number: Number(ticket), ballot_id: ballot, username: null };
  });
  const draw = {
    ...quicknet.draw,
    winners,
    beacon: { chain_hash: chain.chainHash, round, signature: beacon.signature, randomness: beacon.randomness },
  };
  return { lottery, draw, entriesText: quicknet.entriesText };
}

describe('verify-draw on fairdraw-v2', { timeout: 120_000 }, () => {
  it('verifies a real quicknet draw against the built-in key, and names a flipped signature bit', async () => {
    served = quicknet;
    expect(await verifyDraw(base, quicknet.lottery.id)).toEqual([]);
    const signature = `${quicknet.draw.beacon.signature.slice(0, 10)}${quicknet.draw.beacon.signature[10] === '0' ? '1' : '0'}${quicknet.draw.beacon.signature.slice(11)}`;
    served = {
      ...quicknet,
      draw: { ...quicknet.draw, beacon: { ...quicknet.draw.beacon, signature, randomness: beaconRandomnessOf(signature) } },
    };
    expect((await verifyDraw(base, quicknet.lottery.id)).map((m) => m.kind)).toContain('BEACON_SIGNATURE');
  });

  it('checks another chain only with its info from a relay the verifier names', async () => {
    served = onTestChain();
    const id = quicknet.lottery.id;
    expect((await verifyDraw(base, id)).map((m) => m.kind)).toEqual(['BEACON_CHAIN']);
    expect(await verifyDraw(base, id, fetch, [relay.url])).toEqual([]);
    const out = vi.spyOn(process.stdout, 'write').mockReturnValue(true);
    try {
      expect(await main(['--relay', relay.url, base, id])).toBe(0);
      expect(out).toHaveBeenLastCalledWith('VERIFIED\n');
      expect(await main([base, id])).toBe(1);
    } finally {
      out.mockRestore();
    }
  });
});
