import { describe, expect, it } from 'vitest';
import { readSettings } from './settings.js';

describe('CORS_ORIGINS and WEBHOOK_ALLOW_PRIVATE', () => {
  it('default to no origins and no private webhook hosts', () => {
    const settings = readSettings({});
    expect(settings.CORS_ORIGINS).toEqual([]);
    expect(settings.WEBHOOK_ALLOW_PRIVATE).toBe(false);
  });

  it('read a comma-separated list of origins and the flag', () => {
    const settings = readSettings({ CORS_ORIGINS: 'https://shop.example, http://127.0.0.1:8080', WEBHOOK_ALLOW_PRIVATE: 'true' });
    expect(settings.CORS_ORIGINS).toEqual(['https://shop.example', 'http://127.0.0.1:8080']);
    expect(settings.WEBHOOK_ALLOW_PRIVATE).toBe(true);
  });

  it('refuse what a browser never sends as Origin: a path, a wildcard, another scheme', () => {
    for (const value of ['https://shop.example/', 'https://shop.example/app', '*', 'shop.example', 'ftp://shop.example']) {
      expect(() => readSettings({ CORS_ORIGINS: value }), value).toThrow(/CORS_ORIGINS/);
    }
    expect(() => readSettings({ WEBHOOK_ALLOW_PRIVATE: 'yes' })).toThrow(/WEBHOOK_ALLOW_PRIVATE/);
  });
});
