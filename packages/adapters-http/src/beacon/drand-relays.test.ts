import { afterEach, describe, expect, it } from 'vitest';
import { deadRelayUrl, recentTestChain, startTestRelay, type TestRelay } from '../testing/test-relay.js';
import { type BeaconMode, DrandRelays } from './drand-relays.js';

const relays: TestRelay[] = [];
afterEach(async () => {
  await Promise.all(relays.splice(0).map((r) => r.close()));
});

async function relay(label = 'relay') {
  const started = await startTestRelay(recentTestChain({ label }));
  relays.push(started);
  return started;
}

function client(urls: string[], chainHash: string, mode: BeaconMode = 'auto') {
  const warnings: object[] = [];
  const beacon = new DrandRelays({
    mode,
    urls,
    chainHash,
    timeoutMs: 1_000,
    log: { info: () => {}, warn: (details) => void warnings.push(details) },
  });
  return { beacon, warnings };
}

const publishedRound = (r: TestRelay) => Math.floor((Date.now() / 1000 - r.test.chain.genesisTime) / r.test.chain.period);

// Every beacon is a BLS pairing: slow on a busy shared machine.
describe('DrandRelays', { timeout: 120_000 }, () => {
  it('knows no chain until a relay answers, then pins the one whose info hashes to BEACON_CHAIN_HASH, past a dead relay', async () => {
    const up = await relay();
    const { beacon } = client([await deadRelayUrl(), up.url], up.test.chain.chainHash);
    expect(beacon.chainInfo()).toBeNull();
    expect(await beacon.refresh()).toEqual(up.test.chain);
    expect(beacon.chainInfo()).toEqual(up.test.chain);
    expect(beacon.status()).toMatchObject({ inUse: true, problem: null });
  });

  it('refuses chain info that does not hash to BEACON_CHAIN_HASH, whatever hash the relay claims', async () => {
    const mine = recentTestChain({ label: 'mine' });
    const other = recentTestChain({ label: 'other' });
    const warnings: object[] = [];
    // A relay answering another chain's info, claiming the configured hash, at the configured path.
    const lying = (async () => Response.json({ ...other.info, hash: mine.chain.chainHash })) as typeof fetch;
    const beacon = new DrandRelays({
      mode: 'auto',
      urls: ['http://127.0.0.1:1'],
      chainHash: mine.chain.chainHash,
      fetch: lying,
      log: { info: () => {}, warn: (details) => void warnings.push(details) },
    });
    expect(await beacon.refresh()).toBeNull();
    expect(beacon.status().problem).toContain(`not the expected ${mine.chain.chainHash}`);
    expect(warnings[0]).toMatchObject({ problem: expect.stringContaining('hashes to') });
    const honest = (async () => Response.json(mine.info)) as typeof fetch;
    const good = new DrandRelays({
      mode: 'auto',
      urls: ['http://127.0.0.1:1'],
      chainHash: mine.chain.chainHash,
      fetch: honest,
      log: { info: () => {}, warn: () => {} },
    });
    expect(await good.refresh()).toEqual(mine.chain);
  });

  it("skips a relay answering a forged signature, logs it, and takes the next relay's valid beacon", async () => {
    const forger = await relay();
    const honest = await startTestRelay(forger.test);
    relays.push(honest);
    forger.behaviour = 'forge';
    const { beacon, warnings } = client([forger.url, honest.url], forger.test.chain.chainHash);
    const round = publishedRound(forger);
    expect(await beacon.beacon(forger.test.chain, round)).toEqual(forger.test.sign(round));
    expect(warnings).toEqual([expect.objectContaining({ relay: forger.url, round, failed_check: 'SIGNATURE' })]);
    honest.behaviour = 'forge';
    expect(await beacon.beacon(forger.test.chain, round)).toBeNull();
  });

  it('gives no beacon while every relay is down or the round is not yet published', async () => {
    const up = await relay();
    const { beacon } = client([await deadRelayUrl(), up.url], up.test.chain.chainHash);
    expect(await beacon.beacon(up.test.chain, publishedRound(up) + 120)).toBeNull();
    expect(await beacon.beacon(up.test.chain, publishedRound(up))).not.toBeNull();
    up.behaviour = 'fail';
    expect(await beacon.beacon(up.test.chain, publishedRound(up))).toBeNull();
  });

  it('auto falls back to v1 for new lotteries when relays stop answering; drand keeps its pinned chain; off never asks', async () => {
    const up = await relay();
    const auto = client([up.url], up.test.chain.chainHash, 'auto');
    const drand = client([up.url], up.test.chain.chainHash, 'drand');
    await auto.beacon.refresh();
    await drand.beacon.refresh();
    up.behaviour = 'fail';
    expect(await auto.beacon.refresh()).toBeNull();
    expect(auto.beacon.status()).toMatchObject({ inUse: false, problem: expect.stringContaining('503') });
    expect(auto.warnings).toHaveLength(1);
    expect(await drand.beacon.refresh()).toEqual(up.test.chain);
    expect(drand.beacon.status()).toMatchObject({ inUse: true, problem: expect.stringContaining('503') });
    const off = client([up.url], up.test.chain.chainHash, 'off');
    const before = up.requests.length;
    off.beacon.start();
    off.beacon.stop();
    expect(up.requests.length).toBe(before);
    expect(off.beacon.chainInfo()).toBeNull();
  });
});
