import { describe, expect, it } from 'vitest';
import { createLottery } from './create-lottery.js';
import { listLotteries } from './get-lottery.js';
import { runIdempotent } from './run-idempotent.js';
import { testDeps } from './testing/index.js';

describe('runIdempotent', () => {
  it('applies once, replays the first response, and refuses the key for another request', async () => {
    const deps = testDeps();
    let runs = 0;
    const action = async () => {
      runs += 1;
      const lottery = await createLottery(deps, {});
      return { status: 201, body: lottery.id };
    };
    const first = await runIdempotent(deps, { scope: 'admin', key: 'k1', fingerprint: 'a' }, action);
    const again = await runIdempotent(deps, { scope: 'admin', key: 'k1', fingerprint: 'a' }, action);
    expect(again).toEqual({ ...first, replayed: true });
    expect(runs).toBe(1);
    await expect(runIdempotent(deps, { scope: 'admin', key: 'k1', fingerprint: 'b' }, action)).rejects.toMatchObject({
      code: 'IDEMPOTENCY_KEY_REUSED',
    });
    await runIdempotent(deps, { scope: 'someone else', key: 'k1', fingerprint: 'b' }, action);
    expect(runs).toBe(2);
  });

  it('records nothing when the action fails, so a retry runs it again', async () => {
    const deps = testDeps();
    const failing = async () => {
      await createLottery(deps, {});
      throw new Error('boom');
    };
    await expect(runIdempotent(deps, { scope: 's', key: 'k', fingerprint: 'f' }, failing)).rejects.toThrow('boom');
    // The lottery created inside the failed action was rolled back with it.
    expect((await listLotteries(deps, { limit: 10, cursor: null })).items).toEqual([]);
    const ok = await runIdempotent(deps, { scope: 's', key: 'k', fingerprint: 'f' }, async () => ({ status: 200, body: 'ok' }));
    expect(ok.replayed).toBe(false);
  });
});
