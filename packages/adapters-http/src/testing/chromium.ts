/**
 * Debian's headless Chromium driven by playwright-core (no browser download), for the tests that
 * open the /verify page: the adapter's own, over fixture records, and the end-to-end one, over a
 * real server. One launcher and one way of reading the page's verdict, so both judge alike.
 */
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}

export interface Verdict {
  /** The status element's data-result: verified, mismatch, not-drawn or error. */
  readonly result: string;
  /** Everything the page shows in its main element. */
  readonly text: string;
  /** The text of each row of the winners table, in rank order. */
  readonly rows: string[];
}

/**
 * Opens a /verify page, waits until it has judged, and returns its verdict. A script error or a
 * CSP refusal would leave its mark in the console even if a verdict appeared, so either throws.
 */
export async function readVerdict(browser: Browser, url: string): Promise<Verdict> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  try {
    await page.goto(url);
    const status = page.locator('#status:not([data-result="pending"])');
    await status.waitFor({ timeout: 30_000 });
    const result = (await status.getAttribute('data-result')) ?? '';
    const rows = await page.locator('#winners tbody tr').allTextContents();
    const text = (await page.locator('main').textContent()) ?? '';
    if (errors.length > 0) throw new Error(`the page at ${url} logged errors: ${errors.join(' | ')}`);
    return { result, text, rows };
  } finally {
    await page.close();
  }
}
