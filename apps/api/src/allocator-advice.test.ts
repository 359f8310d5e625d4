import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { allocatorAdvice, runsOnGlibc } from './allocator-advice.js';

describe('the allocator advice at start-up', () => {
  it('speaks on glibc when nothing tunes malloc, naming the variable', () => {
    expect(allocatorAdvice({}, true)).toContain('MALLOC_MMAP_THRESHOLD_=131072');
  });

  it('is silent when the environment tunes malloc, or off glibc', () => {
    expect(allocatorAdvice({ MALLOC_MMAP_THRESHOLD_: '131072' }, true)).toBeNull();
    expect(allocatorAdvice({ MALLOC_ARENA_MAX: '2' }, true)).toBeNull();
    expect(allocatorAdvice({ GLIBC_TUNABLES: 'glibc.malloc.mmap_threshold=131072' }, true)).toBeNull();
    expect(allocatorAdvice({}, false)).toBeNull();
  });

  it('tells glibc from musl', () => {
    expect(runsOnGlibc()).toBe(process.platform === 'linux' && !existsSync('/etc/alpine-release'));
  });
});
