/**
 * A drand-compatible relay on 127.0.0.1 for tests: serves a test chain (its own deterministic
 * key, chain hash computed as API.md says) at /{chain_hash}/info and /{chain_hash}/public/{round},
 * a round only once its time has come, as a real relay does. Tests make it fail, forge
 * signatures, or point at a port where nothing listens. No test reaches a public relay.
 */
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { roundTimeMs } from '@fairdraw/domain';
import { type TestChain, testChain } from '@fairdraw/domain/testing';

export type RelayBehaviour = 'serve' | 'forge' | 'fail';

export interface TestRelay {
  readonly url: string;
  readonly test: TestChain;
  behaviour: RelayBehaviour;
  /** Paths asked, in order. */
  readonly requests: string[];
  close(): Promise<void>;
}

/** A chain whose genesis was a little while ago, with a short period, so rounds come quickly. */
export function recentTestChain(options: { label?: string; period?: number } = {}): TestChain {
  return testChain({ label: options.label ?? 'relay', period: options.period ?? 1, genesisTime: Math.floor(Date.now() / 1000) - 3600 });
}

export async function startTestRelay(test: TestChain = recentTestChain(), now: () => number = Date.now): Promise<TestRelay> {
  const requests: string[] = [];
  const relay = { behaviour: 'serve' as RelayBehaviour };
  const server = createServer((req, res) => {
    const path = req.url ?? '';
    requests.push(path);
    const json = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (relay.behaviour === 'fail') return json(503, { error: 'relay failing' });
    const { chainHash } = test.chain;
    if (path === `/${chainHash}/info`) return json(200, test.info);
    const round = Number(/^\/([0-9a-f]{64})\/public\/(\d+)$/.exec(path)?.[2] ?? Number.NaN);
    if (!path.startsWith(`/${chainHash}/public/`) || !Number.isSafeInteger(round) || round < 1) return json(404, { error: 'not found' });
    if (now() < roundTimeMs(test.chain, round)) return json(404, { error: 'round not yet published' });
    return json(200, relay.behaviour === 'forge' ? test.forge(round) : test.sign(round));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return Object.assign(relay, {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    test,
    requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}

/** A relay address where nothing listens: connections are refused at once. */
export async function deadRelayUrl(): Promise<string> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
