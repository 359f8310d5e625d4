import { describe, expect, it } from 'vitest';
import { createLottery } from './create-lottery.js';
import { openEntries } from './open-entries.js';
import { aBallot, testDeps } from './testing/index.js';

async function lines(iterable: AsyncIterable<string>): Promise<string[]> {
  const all: string[] = [];
  for await (const line of iterable) all.push(line);
  return all;
}

describe('openEntries', () => {
  it('refuses a lottery still open', async () => {
    const deps = testDeps();
    const lottery = await createLottery(deps, {});
    await expect(openEntries(deps, { lotteryId: lottery.id })).rejects.toMatchObject({ code: 'LOTTERY_NOT_CLOSED' });
  });

  it('waits, past the closing instant, for a ballot transaction that began before it', async () => {
    const deps = testDeps();
    const lottery = await createLottery(deps, { closesAt: new Date(deps.clock.now().getTime() + 60_000) });
    const ballot = aBallot(lottery.id, 1);
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    // A turn holding the lottery from before the closing instant, still writing its ballot.
    const inFlight = deps.uow.run(async (repos) => {
      await repos.lotteries.lock(lottery.id);
      await gate;
      await repos.ballots.addMany([ballot]);
    });
    deps.clock.advance(120_000);
    const reading = openEntries(deps, { lotteryId: lottery.id }).then(lines);
    await new Promise((resolve) => setTimeout(resolve, 20));
    release();
    await inFlight;
    expect(await reading).toEqual([`1:${ballot.id}\n`]);
  });
});
