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

/** A region of a page, in CSS pixels, as playwright's boundingBox() gives it. */
export interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/**
 * The share of pixels in `box` of a PNG screenshot that differ clearly from its background
 * (its top-left pixel), computed by drawing the PNG on a canvas in a blank page: whether
 * something was really painted there, not merely present in the DOM.
 */
// Runs in the page, so it is kept as source: this package compiles without the DOM's types.
const INK_SHARE = `async ({ data, region }) => {
  const image = new Image();
  image.src = 'data:image/png;base64,' + data;
  await image.decode();
  const canvas = document.createElement('canvas');
  canvas.width = image.width;
  canvas.height = image.height;
  const context = canvas.getContext('2d');
  context.drawImage(image, 0, 0);
  const background = context.getImageData(0, 0, 1, 1).data;
  const w = Math.max(1, Math.floor(region.width));
  const h = Math.max(1, Math.floor(region.height));
  const pixels = context.getImageData(Math.floor(region.x), Math.floor(region.y), w, h).data;
  let ink = 0;
  for (let i = 0; i < pixels.length; i += 4) {
    const distance = Math.abs(pixels[i] - background[0]) + Math.abs(pixels[i + 1] - background[1]) + Math.abs(pixels[i + 2] - background[2]);
    if (distance > 96) ink += 1;
  }
  return ink / (w * h);
}`;

export async function inkShare(browser: Browser, png: Buffer, box: Box): Promise<number> {
  const page = await browser.newPage();
  try {
    const args = JSON.stringify({ data: png.toString('base64'), region: box });
    return Number(await page.evaluate(`(${INK_SHARE})(${args})`));
  } finally {
    await page.close();
  }
}
