/**
 * The front page in a real headless Chromium, over a server on 127.0.0.1: what a person sees,
 * checked on a screenshot (the sections are painted, not only present in the DOM), with no
 * script error or CSP refusal in the console. The PNG is kept for a look by eye:
 * $TMPDIR/fairdraw-front-page.png.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { frontPageFixture } from './test-support/front-page-fixture.js';
import { type Harness, harness } from './test-support/harness.js';
import { inkShare, launchChromium } from './testing/chromium.js';

let h: Harness;
let browser: Browser;
let origin = '';
let fixture: Awaited<ReturnType<typeof frontPageFixture>>;

beforeAll(async () => {
  h = await harness();
  fixture = await frontPageFixture(h);
  origin = await h.app.listen({ port: 0, host: '127.0.0.1' });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

describe('the front page in Chromium', () => {
  it('paints the open lotteries, the latest winners and the links, and logs no error', async () => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    const requested: string[] = [];
    page.on('request', (request) => requested.push(request.url()));
    try {
      await page.goto(`${origin}/`);
      const png = await page.screenshot({ fullPage: true, path: join(tmpdir(), 'fairdraw-front-page.png') });

      const open = page.locator('#open');
      // The soonest to close first; a name with markup in it reads as the text it is.
      const rows = await open.locator('tbody tr').allTextContents();
      expect(rows).toHaveLength(2);
      expect(rows[0]).toMatch(/^<b>weekly<\/b> & co/);
      expect(rows[1]).toMatch(/^school-fair/);
      expect(rows[0]).toContain('in 1 h 30 min');
      expect(rows[1]).toContain('97 of 100 left');
      const winners = page.locator('#winners');
      expect(await winners.textContent()).toContain('friday-draw');
      expect(await winners.locator('tbody tr').allTextContents()).toEqual([expect.stringMatching(/^1Gold[12]alice$/)]);
      expect(await page.locator(`a[href="/verify/${fixture.drawn.id}"]`).textContent()).toBe('verify this draw');
      expect(await page.locator('a#docs').getAttribute('href')).toBe('/docs');

      // The screenshot shows each section: text painted in its box (a blank or unstyled-away
      // region has next to no ink), and the style applied (the page is centred, not full width).
      for (const [name, locator] of [
        ['heading', page.locator('h1')],
        ['open lotteries', open],
        ['winners', winners],
      ] as const) {
        const box = await locator.boundingBox();
        expect(box, name).not.toBeNull();
        if (box === null) continue;
        expect(box.height, name).toBeGreaterThan(10);
        expect(await inkShare(browser, png, box), name).toBeGreaterThan(0.02);
      }
      const main = await page.locator('main').boundingBox();
      expect(main?.x ?? 0).toBeGreaterThan(50);
      const below = { x: 0, y: (main?.y ?? 0) + (main?.height ?? 0) + 20, width: 1100, height: 40 };
      expect(await inkShare(browser, png, below)).toBeLessThan(0.001);

      expect(errors).toEqual([]);
      expect(requested).toEqual([`${origin}/`]);
    } finally {
      await page.close();
    }
  });
});
