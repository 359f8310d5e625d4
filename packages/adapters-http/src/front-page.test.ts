import { afterEach, describe, expect, it } from 'vitest';
import { FRONT_PAGE_POLICY, timeLeft } from './front-page.js';
import { frontPageFixture } from './test-support/front-page-fixture.js';
import { type Harness, harness } from './test-support/harness.js';

let h: Harness;
afterEach(() => h?.close());

describe('GET /', () => {
  it('shows the open lotteries with what is left, the latest winners with a verify link, and /docs', async () => {
    h = await harness();
    const { raffle, weekly, drawn } = await frontPageFixture(h);
    const res = await h.request({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    const html = res.body;
    expect(html).toContain(`<a href="/lotteries/${raffle.id}">school-fair</a>`);
    expect(html).toContain('97 of 100</span> left');
    expect(html).toContain('(in 1 h 30 min)');
    expect(html).toContain(`href="/verify/${drawn.id}"`);
    expect(html).toMatch(/<td>Gold<\/td><td class="num">[12]<\/td><td>alice<\/td>/);
    expect(html).toContain('href="/docs"');
    // A drawn lottery is no longer open; names are text, never markup.
    expect(html.split('id="winners"')[0]).not.toContain('friday-draw');
    expect(html).toContain('&lt;b&gt;weekly&lt;/b&gt; &amp; co');
    expect(html).not.toContain('<b>weekly');
    expect(html).toContain(weekly.id);
  });

  it('says so when nothing is open or drawn', async () => {
    h = await harness();
    const html = (await h.request({ method: 'GET', url: '/' })).body;
    expect(html).toContain('No lottery is open right now.');
    expect(html).toContain('Nothing has been drawn yet.');
  });

  it('loads nothing from elsewhere: its policy allows only its own pinned style', async () => {
    h = await harness();
    const res = await h.request({ method: 'GET', url: '/' });
    expect(res.headers['content-security-policy']).toBe(FRONT_PAGE_POLICY);
    expect(FRONT_PAGE_POLICY).toMatch(/^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/]+=*';/);
    expect(res.body).not.toMatch(/<script|<link|src=|https?:\/\//);
  });
});

describe('time left', () => {
  it('reads coarsely', () => {
    const now = new Date('2030-01-01T00:00:00Z');
    const at = (minutes: number) => new Date(now.getTime() + minutes * 60_000);
    expect(timeLeft(at(0.5), now)).toBe('under a minute');
    expect(timeLeft(at(42), now)).toBe('42 min');
    expect(timeLeft(at(125), now)).toBe('2 h 5 min');
    expect(timeLeft(at(3 * 1440 + 4 * 60 + 7), now)).toBe('3 d 4 h');
  });
});
