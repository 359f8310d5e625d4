// The test projects: unit tests, and integration tests (`*.int.test.ts`, one file at a time, since
// they share an embedded PostgreSQL and spawn servers). vitest 4 no longer reads this file by
// itself; vitest.config.ts imports `projects` from it, so this list is the one that runs.

// The `source` condition makes workspace packages resolve to their TypeScript sources, so tests
// need no build.
const conditions = ['source', 'node', 'import', 'module', 'default'];
// Vitest hands the SSR conditions to Node as --conditions. With 'import' among them, a CommonJS
// package's require() of a dual package (pg → pg-pool) gets the ESM build and breaks; Vite adds
// import/require/default by itself, so the SSR list names only what it must add.
const ssrConditions = ['source', 'node', 'development|production'];

const project = (name: string, include: string[], extra: Record<string, unknown> = {}) => ({
  resolve: { conditions },
  ssr: { resolve: { conditions: ssrConditions, externalConditions: ['source'] } },
  test: { name, include, ...extra },
});

const sources = (suffix: string) => [`packages/*/src/**/*${suffix}`, `apps/*/src/**/*${suffix}`, `scripts/**/*${suffix}`];

export const projects = [
  project('unit', sources('.test.ts'), { exclude: ['**/*.int.test.ts', '**/node_modules/**'] }),
  project('integration', sources('.int.test.ts'), { testTimeout: 60_000, hookTimeout: 120_000, fileParallelism: false }),
];
