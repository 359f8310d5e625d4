/**
 * An integrator's page on another origin verifies a draw in headless Chromium: the page is the
 * /verify page's own script, served by a second server (another port, so another origin) with a
 * <base> pointing at the API, so every fetch it makes is cross-origin and needs the API's CORS.
 */

import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, harness } from './test-support/harness.js';
import { launchChromium, readVerdict } from './testing/chromium.js';
import { verifyPageHtml } from './verify-page.js';

let h: Harness;
let page: Server;
let browser: Browser;
let api = '';
let pageOrigin = '';

/** The verify page as another site would host it: its own-origin policy replaced by a base URL. */
const integratorPage = (lotteryId: string) =>
  verifyPageHtml(lotteryId).replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/, `<base href="${api}/">`);

beforeAll(async () => {
  h = await harness();
  await h.app.listen({ port: 0, host: '127.0.0.1' });
  api = `http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}`;
  page = createServer((req, res) => {
    const id = /^\/raffle\/([0-9a-f-]+)$/.exec(req.url ?? '')?.[1];
    if (id) res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(integratorPage(id));
    else res.writeHead(req.url === '/favicon.ico' ? 204 : 404).end();
  });
  page.listen(0, '127.0.0.1');
  await once(page, 'listening');
  pageOrigin = `http://127.0.0.1:${(page.address() as AddressInfo).port}`;
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  page?.close();
  await h?.close();
});

describe('a page on another origin', () => {
  it('fetches a draw record and its entries from the API and recomputes the draw', async () => {
    expect(new URL(pageOrigin).origin).not.toBe(new URL(api).origin);
    const lottery = await h.lottery({
      prizes: [
        { name: 'Gold', amount: 1 },
        { name: 'Silver', amount: 2 },
      ],
    });
    const player = await h.participant();
    const played = await h.request({ method: 'POST', url: `/lotteries/${lottery.id}/ballots`, token: player.token, payload: { count: 7 } });
    expect(played.statusCode, played.body).toBe(201);
    const admin = await h.admin();
    expect((await h.request({ method: 'POST', url: `/lotteries/${lottery.id}/close`, token: admin.token })).statusCode).toBe(200);
    const drawn = await h.request({ method: 'POST', url: `/lotteries/${lottery.id}/draw`, token: admin.token });
    expect(drawn.statusCode, drawn.body).toBe(201);

    const verdict = await readVerdict(browser, `${pageOrigin}/raffle/${lottery.id}`);
    expect(verdict.result, verdict.text).toBe('verified');
    expect(verdict.rows).toHaveLength(3);
    for (const [j, winner] of (drawn.json().winners as { ballot_id: string }[]).entries())
      expect(verdict.rows[j]).toContain(winner.ballot_id);
  });
});
