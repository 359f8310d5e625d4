import { expect } from 'vitest';
import type { Harness } from './harness.js';

/** A raffle with tickets taken, an unlimited lottery closing in 90 minutes, and one drawn. */
export async function frontPageFixture(target: Harness) {
  const admin = await target.admin();
  const alice = await target.participant('alice');
  const raffle = await target.lottery({ name: 'school-fair', ticket_limit: 100, prizes: [{ name: 'Bike', amount: 1 }] });
  const closesAt = new Date(target.deps.clock.now().getTime() + 90 * 60_000).toISOString();
  const weekly = await target.lottery({ name: '<b>weekly</b> & co', closes_at: closesAt });
  const drawn = await target.lottery({ name: 'friday-draw', prizes: [{ name: 'Gold', amount: 1 }] });
  for (const [id, count] of [
    [raffle.id, 3],
    [drawn.id, 2],
  ] as const) {
    const res = await target.request({ method: 'POST', url: `/lotteries/${id}/ballots`, token: alice.token, payload: { count } });
    expect(res.statusCode, res.body).toBe(201);
  }
  for (const step of ['close', 'draw']) {
    const res = await target.request({ method: 'POST', url: `/lotteries/${drawn.id}/${step}`, token: admin.token });
    expect(res.statusCode, res.body).toBeLessThan(300);
  }
  return { raffle, weekly, drawn };
}
