import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expectProblem, type Harness, harness } from './test-support/harness.js';

let h: Harness;
let alice: { token: string; id: string };
let admin: string;
beforeEach(async () => {
  h = await harness();
  alice = await h.participant('alice');
  admin = (await h.admin()).token;
});
afterEach(() => h.close());

const wallet = (token = alice.token) => h.request({ method: 'GET', url: '/me/wallet', token });
const transactions = (query = '', token = alice.token) => h.request({ method: 'GET', url: `/me/wallet/transactions${query}`, token });
const deposit = (amount: unknown, options: { token?: string; key?: string } = {}) =>
  h.request({
    method: 'POST',
    url: '/me/wallet/deposits',
    token: options.token ?? alice.token,
    payload: { amount },
    ...(options.key ? { headers: { 'idempotency-key': options.key } } : {}),
  });
const buy = (lotteryId: string, payload: Record<string, unknown> = {}, options: { token?: string; key?: string } = {}) =>
  h.request({
    method: 'POST',
    url: `/lotteries/${lotteryId}/ballots`,
    token: options.token ?? alice.token,
    payload,
    ...(options.key ? { headers: { 'idempotency-key': options.key } } : {}),
  });
const asAdmin = (method: 'GET' | 'POST', url: string) => h.request({ method, url, token: admin });
const ledger = async () => {
  const res = await asAdmin('GET', '/ledger');
  expect(res.statusCode, res.body).toBe(200);
  const body = res.json();
  // API.md: always, whatever happened before.
  expect(body.deposits - body.purchases + body.refunds + body.payouts).toBe(body.balances);
  return body;
};

describe('GET /me/wallet', () => {
  it('a wallet never used holds 0 in CURRENCY, updated when the account was opened', async () => {
    const me = (await h.request({ method: 'GET', url: '/me', token: alice.token })).json();
    const res = await wallet();
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ balance: 0, currency: 'EUR', updated_at: me.created_at });
  });

  it('401 without a token; 403 FORBIDDEN for an admin, who holds no wallet', async () => {
    expectProblem(await h.request({ method: 'GET', url: '/me/wallet' }), 401, 'UNAUTHORIZED');
    expectProblem(await wallet(admin), 403, 'FORBIDDEN');
    expectProblem(await transactions('', admin), 403, 'FORBIDDEN');
    expectProblem(await deposit(100, { token: admin }), 403, 'FORBIDDEN');
  });
});

describe('POST /me/wallet/deposits', () => {
  it('201 a deposit transaction; the balance and the transactions list follow', async () => {
    h.deps.clock.advance(1000);
    const res = await deposit(2500);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      kind: 'deposit',
      amount: 2500,
      balance_after: 2500,
      lottery_id: null,
      ballot_count: null,
      created_at: '2030-01-10T12:00:01.000Z',
    });
    await deposit(500);
    expect((await wallet()).json()).toEqual({ balance: 3000, currency: 'EUR', updated_at: '2030-01-10T12:00:01.000Z' });
    const first = (await transactions('?limit=1')).json();
    expect(first.items.map((t: { amount: number }) => t.amount)).toEqual([500]);
    const second = (await transactions(`?limit=1&cursor=${first.next_cursor}`)).json();
    expect(second).toEqual({ items: [res.json()], next_cursor: null });
    expectProblem(await transactions('?cursor=bogus'), 400, 'VALIDATION_FAILED');
  });

  it.each([0, -1, 1_000_001, 1.5, '100', null])('400 VALIDATION_FAILED for amount %s, and nothing is credited', async (amount) => {
    expectProblem(await deposit(amount), 400, 'VALIDATION_FAILED');
    expect((await wallet()).json().balance).toBe(0);
  });

  it('400 for an unknown field', async () => {
    const res = await h.request({ method: 'POST', url: '/me/wallet/deposits', token: alice.token, payload: { amount: 1, bonus: 5 } });
    expectProblem(res, 400, 'VALIDATION_FAILED');
  });

  it('an Idempotency-Key replays the first deposit and credits once; another body is 422', async () => {
    const first = await deposit(700, { key: 'deposit-1' });
    const replay = await deposit(700, { key: 'deposit-1' });
    expect(replay.statusCode).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toBe(first.body);
    expectProblem(await deposit(701, { key: 'deposit-1' }), 422, 'IDEMPOTENCY_KEY_REUSED');
    expect((await wallet()).json().balance).toBe(700);
    expect((await transactions()).json().items).toHaveLength(1);
    expect(await ledger()).toMatchObject({ deposits: 700, balances: 700 });
  });
});

describe('priced lotteries', () => {
  it('show their price, currency and prize values; admit no guests', async () => {
    const lottery = await h.lottery({
      ticket_price: 250,
      prizes: [
        { name: 'Cash', amount: 1, value: 10_000 },
        { name: 'Mug', amount: 2 },
      ],
    });
    expect(lottery).toMatchObject({
      ticket_price: 250,
      currency: 'EUR',
      prizes: [
        { name: 'Cash', amount: 1, value: 10_000 },
        { name: 'Mug', amount: 2, value: 0 },
      ],
    });
    const create = (payload: Record<string, unknown>) => h.request({ method: 'POST', url: '/lotteries', token: admin, payload });
    expectProblem(await create({ ticket_price: 1, entry: { guests: true } }), 400, 'VALIDATION_FAILED');
    expectProblem(await create({ prizes: [{ name: 'Cash', amount: 1, value: 1 }], entry: { guests: true } }), 400, 'VALIDATION_FAILED');
    expectProblem(await create({ ticket_price: -1 }), 400, 'VALIDATION_FAILED');
    expectProblem(await create({ ticket_price: 2.5 }), 400, 'VALIDATION_FAILED');
  });

  it('a purchase debits count × ticket_price with the ballots; its 201 says what was charged and what is left', async () => {
    const lottery = await h.lottery({ ticket_price: 250 });
    await deposit(1000);
    const res = await buy(lottery.id, { count: 3 });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ charged: 750, balance: 250 });
    expect(res.json().ballots).toHaveLength(3);
    const [purchase] = (await transactions()).json().items;
    expect(purchase).toMatchObject({ kind: 'purchase', amount: -750, balance_after: 250, lottery_id: lottery.id, ballot_count: 3 });
    expect(await ledger()).toMatchObject({ deposits: 1000, purchases: 750, balances: 250 });
  });

  it('402 INSUFFICIENT_FUNDS when the balance is short: nothing issued, nothing debited', async () => {
    const lottery = await h.lottery({ ticket_price: 250, ticket_limit: 10 });
    await deposit(400);
    expectProblem(await buy(lottery.id, { count: 2 }), 402, 'INSUFFICIENT_FUNDS');
    expect((await wallet()).json().balance).toBe(400);
    expect((await h.request({ method: 'GET', url: `/lotteries/${lottery.id}` })).json().tickets_issued).toBe(0);
    expect((await buy(lottery.id)).json()).toMatchObject({ charged: 250, balance: 150 });
    expectProblem(await buy(lottery.id), 402, 'INSUFFICIENT_FUNDS');
  });

  it('entry limits are checked before funds', async () => {
    const lottery = await h.lottery({ ticket_price: 100, entry: { per_participant_limit: 1 } });
    expectProblem(await buy(lottery.id, { count: 2 }), 403, 'ENTRY_LIMIT_REACHED');
    expectProblem(await buy(lottery.id, { count: 1 }), 402, 'INSUFFICIENT_FUNDS');
  });

  it('a replayed purchase is not charged again', async () => {
    const lottery = await h.lottery({ ticket_price: 100 });
    await deposit(1000);
    const first = await buy(lottery.id, { count: 2 }, { key: 'buy-once' });
    const replay = await buy(lottery.id, { count: 2 }, { key: 'buy-once' });
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toBe(first.body);
    expect(first.json()).toMatchObject({ charged: 200, balance: 800 });
    expect((await wallet()).json().balance).toBe(800);
    expect(await ledger()).toMatchObject({ purchases: 200 });
  });

  it('a free lottery charges 0 and answers the balance (null for a guest)', async () => {
    const lottery = await h.lottery({ entry: { guests: true } });
    await deposit(300);
    expect((await buy(lottery.id)).json()).toMatchObject({ charged: 0, balance: 300 });
    const guest = await h.request({ method: 'POST', url: `/lotteries/${lottery.id}/ballots`, payload: {} });
    expect(guest.json()).toMatchObject({ charged: 0, balance: null });
  });

  it('the draw pays each winner the value of its prizes into its wallet, once', async () => {
    const lottery = await h.lottery({ ticket_price: 100, prizes: [{ name: 'Cash', amount: 2, value: 5000 }] });
    await deposit(100);
    await buy(lottery.id);
    expect((await asAdmin('POST', `/lotteries/${lottery.id}/close`)).statusCode).toBe(200);
    expect((await asAdmin('POST', `/lotteries/${lottery.id}/draw`)).statusCode).toBe(201);
    expectProblem(await asAdmin('POST', `/lotteries/${lottery.id}/draw`), 409, 'ALREADY_DRAWN');
    expect((await wallet()).json().balance).toBe(5000);
    const [payout] = (await transactions()).json().items;
    expect(payout).toMatchObject({ kind: 'payout', amount: 5000, balance_after: 5000, lottery_id: lottery.id, ballot_count: 1 });
    expect(await ledger()).toEqual({ currency: 'EUR', deposits: 100, purchases: 100, refunds: 0, payouts: 5000, balances: 5000 });
  });
});

describe('POST /lotteries/{id}/cancel', () => {
  it('cancels an open lottery and refunds every purchase; then ballots, close and draw are 409 LOTTERY_CANCELLED', async () => {
    const lottery = await h.lottery({ ticket_price: 100 });
    const bob = await h.participant('bob');
    await deposit(500);
    await deposit(300, { token: bob.token });
    await buy(lottery.id, { count: 2 });
    await buy(lottery.id, { count: 1 });
    await buy(lottery.id, { count: 3 }, { token: bob.token });
    const res = await asAdmin('POST', `/lotteries/${lottery.id}/cancel`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ id: lottery.id, status: 'cancelled', tickets_issued: 6 });
    expect((await wallet()).json().balance).toBe(500);
    expect((await wallet(bob.token)).json().balance).toBe(300);
    const refunds = (await transactions()).json().items.filter((t: { kind: string }) => t.kind === 'refund');
    expect(refunds.map((t: { amount: number; ballot_count: number }) => [t.amount, t.ballot_count]).sort()).toEqual([
      [100, 1],
      [200, 2],
    ]);
    expectProblem(await buy(lottery.id), 409, 'LOTTERY_CANCELLED');
    expectProblem(await asAdmin('POST', `/lotteries/${lottery.id}/close`), 409, 'LOTTERY_CANCELLED');
    expectProblem(await asAdmin('POST', `/lotteries/${lottery.id}/draw`), 409, 'LOTTERY_CANCELLED');
    expectProblem(await asAdmin('POST', `/lotteries/${lottery.id}/cancel`), 409, 'LOTTERY_CANCELLED');
    // Its ballots stay listed.
    expect((await asAdmin('GET', `/lotteries/${lottery.id}/ballots`)).json().items).toHaveLength(6);
    expect((await h.request({ method: 'GET', url: '/lotteries?status=cancelled' })).json().items.map((l: { id: string }) => l.id)).toEqual([
      lottery.id,
    ]);
    expect((await h.request({ method: 'GET', url: `/lotteries/${lottery.id}/winners` })).json()).toMatchObject({
      status: 'cancelled',
      winners: [],
    });
    expect(await ledger()).toMatchObject({ deposits: 800, purchases: 600, refunds: 600, balances: 800 });
  });

  it('cancels a closed lottery; a drawn one is 409 ALREADY_DRAWN; unknown is 404; only admins may', async () => {
    const closed = await h.lottery();
    await asAdmin('POST', `/lotteries/${closed.id}/close`);
    expect((await asAdmin('POST', `/lotteries/${closed.id}/cancel`)).json().status).toBe('cancelled');
    const drawn = await h.lottery();
    await asAdmin('POST', `/lotteries/${drawn.id}/close`);
    await asAdmin('POST', `/lotteries/${drawn.id}/draw`);
    expectProblem(await asAdmin('POST', `/lotteries/${drawn.id}/cancel`), 409, 'ALREADY_DRAWN');
    expectProblem(await asAdmin('POST', '/lotteries/0190f5e2-0000-7000-8000-00000000dead/cancel'), 404, 'LOTTERY_NOT_FOUND');
    expectProblem(await h.request({ method: 'POST', url: `/lotteries/${closed.id}/cancel`, token: alice.token }), 403, 'FORBIDDEN');
  });
});

describe('admin views', () => {
  it('GET /participants/{id}/wallet: any participant’s balance; 404 for an unknown id; 403 for a participant', async () => {
    await deposit(123);
    expect((await asAdmin('GET', `/participants/${alice.id}/wallet`)).json()).toMatchObject({ balance: 123, currency: 'EUR' });
    expectProblem(await asAdmin('GET', '/participants/0190f5e2-0000-7000-8000-00000000dead/wallet'), 404, 'NOT_FOUND');
    expectProblem(await asAdmin('GET', '/participants/not-a-uuid/wallet'), 400, 'VALIDATION_FAILED');
    expectProblem(await h.request({ method: 'GET', url: `/participants/${alice.id}/wallet`, token: alice.token }), 403, 'FORBIDDEN');
  });

  it('GET /ledger: zeros on an empty service; 403 for a participant', async () => {
    expect(await ledger()).toEqual({ currency: 'EUR', deposits: 0, purchases: 0, refunds: 0, payouts: 0, balances: 0 });
    expectProblem(await h.request({ method: 'GET', url: '/ledger', token: alice.token }), 403, 'FORBIDDEN');
  });
});
