import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { importsOf, rules, violations } from './architecture.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const allowed = (layer: string, specifier: string, isTest = false) =>
  rules.find((r) => r.layer === layer)?.allowed(specifier, isTest);

describe('hexagonal dependency direction', () => {
  it('holds for every source file in the repository', () => {
    expect(violations(root)).toEqual([]);
  });

  it('finds static, re-exported, side-effect and dynamic imports', () => {
    const source = "import { a } from './a.js';\nexport * from '@fairdraw/domain';\nimport 'pg';\nconst m = await import('fastify');\nimport type { B } from 'kysely';";
    expect(importsOf(source)).toEqual(['./a.js', '@fairdraw/domain', 'pg', 'fastify', 'kysely']);
  });

  it('rejects the imports that would break the hexagon', () => {
    expect(allowed('packages/domain', 'zod')).toBe(false);
    expect(allowed('packages/domain', '@fairdraw/application')).toBe(false);
    expect(allowed('packages/domain', 'node:fs')).toBe(false);
    expect(allowed('packages/application', 'kysely')).toBe(false);
    expect(allowed('packages/application', '@fairdraw/adapters-postgres')).toBe(false);
    expect(allowed('packages/adapters-http', '@fairdraw/adapters-postgres')).toBe(false);
    expect(allowed('packages/adapters-postgres', '@fairdraw/adapters-http')).toBe(false);
    expect(allowed('apps/api', '@fairdraw/worker')).toBe(false);
    expect(allowed('packages/application', 'vitest', false)).toBe(false);
    expect(allowed('packages/application', 'vitest', true)).toBe(true);
    expect(allowed('packages/adapters-http', '@fairdraw/application')).toBe(true);
  });
});
