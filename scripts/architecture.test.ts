import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { importsOf, rules, unruledPackages, violations } from './architecture.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const allowed = (layer: string, specifier: string, isTest = false) => rules.find((r) => r.layer === layer)?.allowed(specifier, isTest);

describe('hexagonal dependency direction', () => {
  it('holds for every source file in the repository', () => {
    expect(violations(root)).toEqual([]);
  });

  it('has a rule for every workspace package', () => {
    expect(unruledPackages(root)).toEqual([]);
  });

  it('finds static, re-exported, side-effect and dynamic imports', () => {
    const source =
      "import { a } from './a.js';\nexport * from '@fairdraw/domain';\nimport 'pg';\nconst m = await import('fastify');\nimport type { B } from 'kysely';";
    expect(importsOf(source)).toEqual(['./a.js', '@fairdraw/domain', 'pg', 'fastify', 'kysely']);
  });

  it('rejects the imports that would break the hexagon', () => {
    expect(allowed('packages/domain', 'zod')).toBe(false);
    expect(allowed('packages/domain', '@fairdraw/application')).toBe(false);
    expect(allowed('packages/domain', 'node:fs')).toBe(false);
    // Exactly one library in the domain: BLS12-381 for beacon signatures, no other entry point.
    expect(allowed('packages/domain', '@noble/curves/bls12-381.js')).toBe(true);
    expect(allowed('packages/domain', '@noble/curves/ed25519.js')).toBe(false);
    expect(allowed('packages/domain', '@noble/hashes/sha2.js')).toBe(false);
    expect(allowed('packages/application', '@noble/curves/bls12-381.js')).toBe(false);
    expect(allowed('packages/application', 'kysely')).toBe(false);
    expect(allowed('packages/application', '@fairdraw/adapters-postgres')).toBe(false);
    expect(allowed('packages/adapters-http', '@fairdraw/adapters-postgres')).toBe(false);
    expect(allowed('packages/adapters-postgres', '@fairdraw/adapters-http')).toBe(false);
    expect(allowed('apps/api', '@fairdraw/worker')).toBe(false);
    expect(allowed('packages/application', 'vitest', false)).toBe(false);
    expect(allowed('packages/application', 'vitest', true)).toBe(true);
    expect(allowed('packages/adapters-http', '@fairdraw/application')).toBe(true);
    expect(allowed('packages/client', 'openapi-fetch')).toBe(true);
    expect(allowed('packages/client', '@fairdraw/domain')).toBe(false);
    expect(allowed('packages/client', 'node:fs')).toBe(false);
  });

  it('catches a relative import out of its package, test helpers in shipped code and a package without a rule', () => {
    const tree = mkdtempSync(join(tmpdir(), 'architecture-'));
    const write = (path: string, text: string) => {
      mkdirSync(dirname(join(tree, path)), { recursive: true });
      writeFileSync(join(tree, path), text);
    };
    try {
      write('packages/domain/package.json', '{}');
      write('packages/domain/src/a.ts', "import { x } from '../../application/src/x.js';\nimport { y } from './y.js';\n");
      write('packages/adapters-http/src/b.ts', "import { testDeps } from '@fairdraw/application/testing';\n");
      write('packages/adapters-http/src/testing/c.ts', "import { testDeps } from '@fairdraw/application/testing';\n");
      write('apps/worker/src/d.ts', "import { startTestPostgres } from '@fairdraw/adapters-postgres/testing';\n");
      write('apps/cron/package.json', '{}');
      expect(violations(tree)).toEqual([
        'packages/domain/src/a.ts imports ../../application/src/x.js, outside packages/domain',
        'packages/adapters-http/src/b.ts imports @fairdraw/application/testing',
        'apps/worker/src/d.ts imports @fairdraw/adapters-postgres/testing',
      ]);
      expect(unruledPackages(tree)).toEqual(['apps/cron']);
    } finally {
      rmSync(tree, { recursive: true, force: true });
    }
  });
});
