import { describe, expect, it } from 'vitest';
import { argon2Hasher } from './argon2-hasher.js';
import { gate } from './gate.js';

/** A task that records when it starts and finishes only when told. */
function controlled(log: string[], name: string) {
  let finish: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  return {
    task: async () => {
      log.push(`start ${name}`);
      await done;
      log.push(`end ${name}`);
      return name;
    },
    finish: () => finish(),
  };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('a gate', () => {
  it('runs at most its width at once, the rest in arrival order as slots free', async () => {
    const log: string[] = [];
    const inTurn = gate(2);
    const tasks = ['a', 'b', 'c', 'd'].map((name) => controlled(log, name));
    const results = tasks.map((t) => inTurn(t.task));
    await settle();
    expect(log).toEqual(['start a', 'start b']);
    tasks[1]?.finish();
    await settle();
    expect(log).toEqual(['start a', 'start b', 'end b', 'start c']);
    tasks[0]?.finish();
    tasks[2]?.finish();
    tasks[3]?.finish();
    expect(await Promise.all(results)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('frees the slot of a task that fails', async () => {
    const inTurn = gate(1);
    await expect(inTurn(() => Promise.reject(new Error('no')))).rejects.toThrow('no');
    expect(await inTurn(async () => 'next')).toBe('next');
  });

  it('refuses a width below 1', () => {
    expect(() => gate(0)).toThrow(/at least 1/);
  });
});

describe('the argon2 hasher', () => {
  it('hashes and verifies through its gate, a wrong password or a broken hash being false', async () => {
    const hasher = argon2Hasher(1);
    const [first, second] = await Promise.all([hasher.hash('correct horse'), hasher.hash('correct horse')]);
    expect(first).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(first).not.toBe(second);
    expect(await hasher.verify(first ?? '', 'correct horse')).toBe(true);
    expect(await hasher.verify(first ?? '', 'wrong horse')).toBe(false);
    expect(await hasher.verify('not a hash', 'correct horse')).toBe(false);
  });
});
