import { describe, expect, it } from 'vitest';
import { verifyPageHtml } from './verify-page.js';

describe('verifyPageHtml', () => {
  it('escapes the lottery id everywhere it appears', () => {
    const html = verifyPageHtml(`"><script>alert(1)</script>'&`);
    expect(html).not.toContain('<script>alert');
    expect(html).toContain('data-lottery-id="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&#39;&amp;"');
    expect(html.match(/<script>/g)).toHaveLength(1);
  });

  it('is self-contained and pins its one script and style by hash', () => {
    const html = verifyPageHtml('0190a5c4-7d2e-7b3a-9c41-2f6e8d1a3b5c');
    expect(html).not.toMatch(/\b(src|href)=/);
    expect(html).toMatch(
      /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'sha256-[A-Za-z0-9+/]+={0,2}' 'self'; style-src 'sha256-/,
    );
    // The script does not depend on the id, so its hash, and a route's CSP header, stay fixed.
    const scriptOf = (page: string) => page.split('<script>')[1];
    expect(scriptOf(html)).toBe(scriptOf(verifyPageHtml('another')));
  });
});
