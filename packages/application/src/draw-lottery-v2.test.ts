import { createHash } from 'node:crypto';
import { drawFairdrawV2, type LotteryId, roundFor, roundTimeMs } from '@fairdraw/domain';
import { describe, expect, it } from 'vitest';
import { closeDueLotteries } from './close-due-lotteries.js';
import { closeLottery } from './close-lottery.js';
import { createLottery } from './create-lottery.js';
import { drawLottery } from './draw-lottery.js';
import { getDraw } from './get-draw.js';
import { registerParticipant } from './register-participant.js';
import { submitBallots } from './submit-ballots.js';
import { InMemoryBeacon, testDeps } from './testing/index.js';

function v2Deps(options: { marginS?: number } = {}) {
  const base = testDeps();
  const beacon = new InMemoryBeacon(base.clock);
  const scheduled: { lotteryId: LotteryId; at: Date }[] = [];
  const deps = {
    ...base,
    settings: { ...base.settings, beaconMarginS: options.marginS ?? 10 },
    beacon,
    beaconDraws: { drawAt: async (lotteryId: LotteryId, at: Date) => void scheduled.push({ lotteryId, at }) },
  };
  return { deps, beacon, scheduled };
}

async function play(deps: ReturnType<typeof v2Deps>['deps'], lotteryId: LotteryId, count: number) {
  const alice = await registerParticipant(deps, { username: `p${deps.random.uuid().slice(-8)}`, password: 'correct horse' });
  await submitBallots(deps, { lotteryId, player: { participantId: alice.id, isAdmin: false }, clientIp: '::1', count, ticketNumber: null });
}

const rejects = (promise: Promise<unknown>, code: string) => expect(promise).rejects.toMatchObject({ code });

// Signing and verifying beacons are BLS pairings: slow on a busy shared machine.
describe('fairdraw-v2 lotteries', { timeout: 120_000 }, () => {
  it('are created v2 while the chain is known, the round fixed from closes_at + margin, and a draw scheduled at its time', async () => {
    const { deps, beacon, scheduled } = v2Deps();
    const closesAt = new Date(deps.clock.now().getTime() + 60_000);
    const lottery = await createLottery(deps, { closesAt });
    const round = roundFor(beacon.test.chain, closesAt.getTime(), 10);
    expect(lottery.algorithm).toBe('fairdraw-v2');
    expect(lottery.toState().beacon).toEqual({ ...beacon.test.chain, marginS: 10, round });
    expect(scheduled).toEqual([{ lotteryId: lottery.id, at: new Date(roundTimeMs(beacon.test.chain, round)) }]);
    beacon.known = false;
    expect((await createLottery(deps, {})).algorithm).toBe('fairdraw-v1');
  });

  it('are refused before the round with BEACON_PENDING and the seconds to wait, then drawn with the round', async () => {
    const { deps, beacon } = v2Deps();
    const closesAt = new Date(deps.clock.now().getTime() + 60_000);
    const lottery = await createLottery(deps, { prizes: [{ name: 'Gold', amount: 2 }], closesAt });
    await play(deps, lottery.id, 5);
    await rejects(drawLottery(deps, { lotteryId: lottery.id }), 'LOTTERY_NOT_CLOSED');
    deps.clock.set(closesAt);
    const round = lottery.beaconRound?.round ?? 0;
    const publishedAt = roundTimeMs(beacon.test.chain, round);
    await expect(drawLottery(deps, { lotteryId: lottery.id })).rejects.toMatchObject({
      code: 'BEACON_PENDING',
      retryAfterSeconds: Math.ceil((publishedAt - closesAt.getTime()) / 1000),
    });
    // The seed is shown from the close on; the draw is not.
    expect((await getDraw(deps, { lotteryId: lottery.id })).record).toBeNull();
    deps.clock.set(new Date(publishedAt));
    const { record } = await drawLottery(deps, { lotteryId: lottery.id });
    const state = (await getDraw(deps, { lotteryId: lottery.id })).lottery.toState();
    const expected = drawFairdrawV2({
      seed: state.seed,
      lotteryId: lottery.id,
      entriesDigest: state.entriesDigest ?? '',
      chainHash: beacon.test.chain.chainHash,
      round,
      beacon: beacon.test.sign(round),
      n: 5,
      prizes: state.prizes,
    });
    expect(record).toMatchObject({
      algorithm: 'fairdraw-v2',
      randomness: expected.randomness,
      beacon: { round, chainHash: beacon.test.chain.chainHash },
    });
    expect(record?.beacon?.randomness).toBe(
      createHash('sha256')
        .update(Buffer.from(record?.beacon?.signature ?? '', 'hex'))
        .digest('hex'),
    );
    await rejects(drawLottery(deps, { lotteryId: lottery.id }), 'ALREADY_DRAWN');
  });

  it('are BEACON_UNAVAILABLE while no relay gives the round, and never drawn with a forged beacon', async () => {
    const { deps, beacon } = v2Deps();
    const lottery = await createLottery(deps, {});
    await play(deps, lottery.id, 3);
    await closeLottery(deps, { lotteryId: lottery.id });
    const pinned = lottery.beaconRound ?? (await getDraw(deps, { lotteryId: lottery.id })).lottery.beaconRound;
    // Closed by an admin: the round follows from the close.
    expect(pinned?.round).toBe(roundFor(beacon.test.chain, deps.clock.now().getTime(), 10));
    deps.clock.set(new Date(pinned?.publishedAtMs ?? 0));
    beacon.relaysUp = false;
    await expect(drawLottery(deps, { lotteryId: lottery.id })).rejects.toMatchObject({ code: 'BEACON_UNAVAILABLE', retryAfterSeconds: 5 });
    beacon.relaysUp = true;
    beacon.forged = true;
    await expect(drawLottery(deps, { lotteryId: lottery.id })).rejects.toThrow(/fails its SIGNATURE check/);
    expect((await getDraw(deps, { lotteryId: lottery.id })).record).toBeNull();
    beacon.forged = false;
    expect((await drawLottery(deps, { lotteryId: lottery.id })).record?.algorithm).toBe('fairdraw-v2');
  });

  it('stay v2 when the beacon goes away: drawn with their round once it is back', async () => {
    const { deps, beacon } = v2Deps();
    const closesAt = new Date(deps.clock.now().getTime() + 5_000);
    const lottery = await createLottery(deps, { closesAt });
    beacon.known = false;
    beacon.relaysUp = false;
    deps.clock.set(new Date(closesAt.getTime() + 60_000));
    const due = await closeDueLotteries(deps);
    expect(due.drawn).toEqual([]);
    expect(due.failed).toEqual([]);
    expect(due.pending).toEqual([{ lotteryId: lottery.id, at: expect.any(Date) }]);
    // The close and the entries are recorded at once, even though the draw waits.
    expect((await getDraw(deps, { lotteryId: lottery.id })).lottery.toState()).toMatchObject({ status: 'closed', entryCount: 0 });
    beacon.relaysUp = true;
    const again = await closeDueLotteries(deps);
    expect(again.drawn.map((d) => [d.lotteryId, d.algorithm])).toEqual([[lottery.id, 'fairdraw-v2']]);
  });

  it('are reported pending at their round time by the scheduled close, not failed', async () => {
    const { deps } = v2Deps();
    const closesAt = new Date(deps.clock.now().getTime() + 5_000);
    const lottery = await createLottery(deps, { closesAt });
    deps.clock.set(closesAt);
    const due = await closeDueLotteries(deps);
    expect(due.pending).toEqual([{ lotteryId: lottery.id, at: new Date(lottery.beaconRound?.publishedAtMs ?? 0) }]);
    expect(due.failed).toEqual([]);
  });
});
