import { afterEach, describe, expect, it } from 'vitest';
import { expectProblem, type Harness, harness } from './test-support/harness.js';
import { webhookAddressPolicy } from './webhooks/address-policy.js';

let h: Harness;
afterEach(() => h.close());

/** DNS as these tests play it: shop.example is public, intranet.example is not. */
const resolve = async (host: string) => {
  const answers: Record<string, string[]> = { 'shop.example': ['93.184.216.34'], 'intranet.example': ['93.184.216.34', '10.1.2.3'] };
  const found = answers[host];
  if (!found) throw new Error(`getaddrinfo ENOTFOUND ${host}`);
  return found;
};

async function withWebhooks(allowPrivate = false) {
  h = await harness({
    wrapDeps: (deps) => ({ ...deps, webhooks: { ...deps.webhooks, addresses: webhookAddressPolicy({ allowPrivate, resolve }) } }),
  });
  return (await h.admin()).token;
}

const register = (token: string, payload: Record<string, unknown>) => h.request({ method: 'POST', url: '/webhooks', token, payload });

describe('POST /webhooks', () => {
  it('answers 201 with the webhook and its secret, which no later answer shows', async () => {
    const token = await withWebhooks();
    const res = await register(token, {
      url: 'https://shop.example/hooks',
      events: ['lottery.drawn', 'lottery.closed'],
      description: 'shop',
    });
    expect(res.statusCode, res.body).toBe(201);
    const created = res.json();
    expect(Object.keys(created).sort()).toEqual(['created_at', 'description', 'events', 'id', 'secret', 'url']);
    expect(created).toMatchObject({ url: 'https://shop.example/hooks', events: ['lottery.drawn', 'lottery.closed'], description: 'shop' });
    expect(created.secret).toMatch(/^whsec_/);
    const list = await h.request({ method: 'GET', url: '/webhooks', token });
    expect(list.statusCode).toBe(200);
    expect(list.json()).toEqual({ items: [{ ...created, secret: undefined }].map(({ secret: _, ...w }) => w), next_cursor: null });
    expect(list.body).not.toContain(created.secret);
  });

  it('refuses a loopback, private or link-local host, or a name that resolves to one, with 400 on url', async () => {
    const token = await withWebhooks();
    for (const url of [
      'http://127.0.0.1:8080/hook',
      'http://localhost/hook',
      'http://[::1]/hook',
      'http://169.254.169.254/latest/meta-data',
      'http://192.168.1.10/hook',
      'http://0.0.0.0/hook',
      'http://[::ffff:10.0.0.1]/hook',
      'https://intranet.example/hook',
    ]) {
      const body = expectProblem(await register(token, { url, events: ['lottery.drawn'] }), 400, 'VALIDATION_FAILED');
      expect(body.errors, url).toEqual([{ path: 'url', message: expect.stringMatching(/loopback, private|does not resolve/) }]);
    }
  });

  it('accepts a private host with WEBHOOK_ALLOW_PRIVATE', async () => {
    const token = await withWebhooks(true);
    expect((await register(token, { url: 'http://127.0.0.1:8080/hook', events: ['lottery.drawn'] })).statusCode).toBe(201);
  });

  it('validates the body: http(s) only, known events, at least one, no unknown fields', async () => {
    const token = await withWebhooks();
    for (const payload of [
      { url: 'ftp://shop.example/x', events: ['lottery.drawn'] },
      { url: 'not a url', events: ['lottery.drawn'] },
      { url: 'https://shop.example/x', events: [] },
      { url: 'https://shop.example/x', events: ['lottery.opened'] },
      { url: 'https://shop.example/x', events: ['lottery.drawn'], secret: 'mine' },
      { events: ['lottery.drawn'] },
    ]) {
      expectProblem(await register(token, payload), 400, 'VALIDATION_FAILED');
    }
  });

  it('is for admins only', async () => {
    await withWebhooks();
    const player = await h.participant();
    expectProblem(await register(player.token, { url: 'https://shop.example/x', events: ['lottery.drawn'] }), 403, 'FORBIDDEN');
    expectProblem(await h.request({ method: 'GET', url: '/webhooks' }), 401, 'UNAUTHORIZED');
    expectProblem(await h.request({ method: 'GET', url: '/webhooks', token: player.token }), 403, 'FORBIDDEN');
  });
});

describe('DELETE /webhooks/{id} and GET /webhooks/{id}/deliveries', () => {
  it('list deliveries newest first, and after a delete answer 404', async () => {
    const token = await withWebhooks();
    const hook = (await register(token, { url: 'https://shop.example/hooks', events: ['lottery.closed'] })).json();
    const lottery = await h.lottery();
    expect((await h.request({ method: 'POST', url: `/lotteries/${lottery.id}/close`, token })).statusCode).toBe(200);
    const res = await h.request({ method: 'GET', url: `/webhooks/${hook.id}/deliveries`, token });
    expect(res.statusCode, res.body).toBe(200);
    const [delivery, ...rest] = res.json().items;
    expect(rest).toEqual([]);
    expect(delivery).toEqual({
      id: expect.any(String),
      webhook_id: hook.id,
      event: 'lottery.closed',
      lottery_id: lottery.id,
      status: 'pending',
      attempts: 0,
      last_status_code: null,
      last_error: null,
      next_attempt_at: expect.any(String),
      delivered_at: null,
      created_at: expect.any(String),
    });

    const deleted = await h.request({ method: 'DELETE', url: `/webhooks/${hook.id}`, token });
    expect(deleted.statusCode).toBe(204);
    expect(deleted.body).toBe('');
    expectProblem(await h.request({ method: 'DELETE', url: `/webhooks/${hook.id}`, token }), 404, 'NOT_FOUND');
    expectProblem(await h.request({ method: 'GET', url: `/webhooks/${hook.id}/deliveries`, token }), 404, 'NOT_FOUND');
    expectProblem(await h.request({ method: 'GET', url: '/webhooks/not-an-id/deliveries', token }), 400, 'VALIDATION_FAILED');
    expect((await h.request({ method: 'GET', url: '/webhooks', token })).json().items).toEqual([]);
  });

  it('pages webhooks newest first', async () => {
    const token = await withWebhooks();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++)
      ids.push((await register(token, { url: `https://shop.example/${i}`, events: ['lottery.drawn'] })).json().id);
    const first = (await h.request({ method: 'GET', url: '/webhooks?limit=2', token })).json();
    expect(first.items.map((w: { id: string }) => w.id)).toEqual([ids[2], ids[1]]);
    const second = (await h.request({ method: 'GET', url: `/webhooks?limit=2&cursor=${first.next_cursor}`, token })).json();
    expect(second).toEqual({ items: [expect.objectContaining({ id: ids[0] })], next_cursor: null });
  });
});
