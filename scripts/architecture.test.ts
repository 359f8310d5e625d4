import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cyclesOf, fileGraph, importsOf, packageGraph, rules, unruledPackages, violations } from './architecture.js';

const root = fileURLToPath(new URL('..', import.meta.url));
/** Runs `check` on a throw-away tree that `write` fills. */
function inTree(check: (tree: string, write: (path: string, text: string) => void) => void): void {
  const tree = mkdtempSync(join(tmpdir(), 'architecture-'));
  try {
    check(tree, (path, text) => {
      mkdirSync(dirname(join(tree, path)), { recursive: true });
      writeFileSync(join(tree, path), text);
    });
  } finally {
    rmSync(tree, { recursive: true, force: true });
  }
}

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
    expect(allowed('apps/worker', '@fairdraw/api')).toBe(false);
    expect(allowed('apps/worker', '@fairdraw/runtime')).toBe(true);
    expect(allowed('apps/api', '@fairdraw/runtime')).toBe(true);
    expect(allowed('packages/runtime', '@fairdraw/adapters-postgres')).toBe(true);
    expect(allowed('packages/runtime', '@fairdraw/application')).toBe(true);
    expect(allowed('packages/runtime', '@fairdraw/api')).toBe(false);
    expect(allowed('packages/runtime', '@fairdraw/adapters-postgres/testing')).toBe(false);
    expect(allowed('packages/adapters-postgres', '@fairdraw/runtime')).toBe(false);
    expect(allowed('packages/adapters-http', '@fairdraw/runtime')).toBe(false);
    expect(allowed('packages/application', '@fairdraw/runtime')).toBe(false);
    expect(allowed('packages/application', 'vitest', false)).toBe(false);
    expect(allowed('packages/application', 'vitest', true)).toBe(true);
    expect(allowed('packages/adapters-http', '@fairdraw/application')).toBe(true);
    expect(allowed('packages/client', 'openapi-fetch')).toBe(true);
    expect(allowed('packages/client', '@fairdraw/domain')).toBe(false);
    expect(allowed('packages/client', 'node:fs')).toBe(false);
  });

  it('catches a relative import out of its package, test helpers in shipped code and a package without a rule', () => {
    inTree((tree, write) => {
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
    });
  });

  it('has no import cycle between files or between packages', () => {
    expect(cyclesOf(fileGraph(root))).toEqual([]);
    expect(cyclesOf(packageGraph(root))).toEqual([]);
  });

  it('finds a cycle, a self-import and none in a tree', () => {
    const graph = new Map([
      ['a', ['b']],
      ['b', ['c', 'd']],
      ['c', ['a']],
      ['d', ['e']],
      ['e', []],
      ['f', ['f']],
    ]);
    expect(cyclesOf(graph)).toEqual([['a', 'b', 'c'], ['f']]);
    expect(
      cyclesOf(
        new Map([
          ['a', ['b']],
          ['b', ['c']],
          ['c', []],
        ]),
      ),
    ).toEqual([]);
  });

  it('reads the cycles of files (type imports and index files too) and of packages from a tree', () => {
    inTree((tree, write) => {
      write('packages/one/package.json', '{ "name": "@x/one" }');
      write('packages/one/src/a.ts', "import type { B } from './b.js';\n");
      write('packages/one/src/b.ts', "import { c } from './c/index.js';\nimport { two } from '@x/two';\n");
      write('packages/one/src/c/index.ts', "export { a } from '../a.js';\n");
      write('packages/two/package.json', '{ "name": "@x/two" }');
      write('packages/two/src/d.ts', "import { one } from '@x/one/sub';\n");
      write('packages/two/src/d.test.ts', "import { d } from './d.js';\n");
      expect(cyclesOf(fileGraph(tree))).toEqual([['packages/one/src/a.ts', 'packages/one/src/b.ts', 'packages/one/src/c/index.ts']]);
      expect(cyclesOf(packageGraph(tree))).toEqual([['packages/one', 'packages/two']]);
    });
  });
});
