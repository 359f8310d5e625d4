import { defineConfig } from 'vitest/config';

// vitest 4 reads `test.projects`, not vitest.workspace.ts. The `source` condition makes
// workspace packages resolve to their TypeScript sources, so tests need no build.
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

export default defineConfig({
  test: {
    projects: [
      project('unit', ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts', 'scripts/**/*.test.ts'], {
        exclude: ['**/*.int.test.ts', '**/node_modules/**'],
      }),
      project('integration', ['packages/*/src/**/*.int.test.ts', 'apps/*/src/**/*.int.test.ts', 'scripts/**/*.int.test.ts'], {
        testTimeout: 60_000,
        hookTimeout: 120_000,
        fileParallelism: false,
      }),
    ],
  },
});
