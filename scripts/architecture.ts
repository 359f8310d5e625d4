import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/**
 * The hexagon's dependency rules, checked on every source file's imports. Each layer names
 * what it may import; everything else is a violation. Every workspace package needs a rule
 * (`unruledPackages`), so a new package cannot slip past the check unnoticed.
 */
export interface Rule {
  readonly layer: string;
  readonly allowed: (specifier: string, isTest: boolean) => boolean;
}

// Relative imports are checked separately: they must stay inside their own package.
const relativeImport = (s: string) => s.startsWith('.');
const platform = (s: string) => s.startsWith('node:');
// Test tooling and the packages' test helpers: for tests only, never for the code under test.
const testTooling = (s: string) => ['vitest', 'fast-check'].includes(s);
const testHelpers = (s: string) => /^@fairdraw\/[a-z-]+\/testing$/.test(s);
const innerLayers = (s: string) => /^@fairdraw\/(domain|application)(\/testing)?$/.test(s);

export const rules: readonly Rule[] = [
  // Hashing is computation, not I/O: node:crypto is the one platform module the domain may use.
  // The one library: @noble/curves' BLS12-381 (audited, pure, no I/O), to verify beacon rounds
  // for fairdraw-v2, since pairing code of our own would be the riskiest code here.
  {
    layer: 'packages/domain',
    allowed: (s, test) =>
      relativeImport(s) || s === 'node:crypto' || s === '@noble/curves/bls12-381.js' || (test && (testTooling(s) || platform(s))),
  },
  {
    layer: 'packages/application',
    allowed: (s, test) =>
      relativeImport(s) ||
      s === '@fairdraw/domain' ||
      ['node:crypto', 'node:async_hooks'].includes(s) ||
      (test && (testTooling(s) || platform(s) || s === '@fairdraw/domain/testing')),
  },
  // Adapters use the inner layers and their own libraries, never each other.
  ...['packages/adapters-http', 'packages/adapters-postgres'].map((layer) => ({
    layer,
    allowed: (s: string, test: boolean) => (!s.startsWith('@fairdraw/') || innerLayers(s)) && (test || !testHelpers(s)),
  })),
  // The typed client stands alone (what an integrator would copy): its generated types and
  // openapi-fetch, openapi-typescript for generating; only its tests start the service.
  {
    layer: 'packages/client',
    allowed: (s, test) => relativeImport(s) || ['openapi-fetch', 'openapi-typescript'].includes(s) || test,
  },
  // Composition roots wire everything; the worker builds on the API's runtime, never the reverse.
  { layer: 'apps/api', allowed: (s, test) => s !== '@fairdraw/worker' && (test || !testHelpers(s)) },
  { layer: 'apps/worker', allowed: (s, test) => test || !testHelpers(s) },
];

/** What the domain must never do: reach for the clock or for randomness itself. */
const forbiddenInDomain = [/\bDate\.now\(/, /\bMath\.random\(/, /\bnew Date\(\)/, /\brandomBytes\b/, /\brandomUUID\b/];

export function importsOf(source: string): string[] {
  const found: string[] = [];
  const pattern =
    /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|^import\s*['"]([^'"]+)['"]/gm;
  for (const match of source.matchAll(pattern)) found.push(match[1] ?? match[2] ?? match[3] ?? '');
  return found.filter(Boolean);
}

/** Tests and the helpers only tests use (`testing/`, `test-support/`). */
const isTestFile = (file: string): boolean =>
  /\.(int\.)?test\.ts$/.test(file) || file.includes(`${sep}testing${sep}`) || file.includes(`${sep}test-support${sep}`);

export function violations(root: string): string[] {
  const problems: string[] = [];
  for (const rule of rules) {
    const packageDir = join(root, rule.layer);
    for (const file of sourceFiles(join(packageDir, 'src'))) {
      const source = readFileSync(file, 'utf8');
      const isTest = isTestFile(file);
      const name = relative(root, file);
      for (const specifier of importsOf(source)) {
        if (!rule.allowed(specifier, isTest)) problems.push(`${name} imports ${specifier}`);
        if (relativeImport(specifier) && !isInside(resolve(dirname(file), specifier), packageDir)) {
          problems.push(`${name} imports ${specifier}, outside ${rule.layer}`);
        }
      }
      if (rule.layer === 'packages/domain' && !isTest) {
        for (const pattern of forbiddenInDomain) if (pattern.test(source)) problems.push(`${name} uses ${pattern.source}`);
      }
    }
  }
  return problems;
}

/** Workspace packages (a package.json under packages/ or apps/) that no rule covers. */
export function unruledPackages(root: string): string[] {
  const packages = ['packages', 'apps'].flatMap((group) =>
    readdirSync(join(root, group), { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && existsSync(join(root, group, entry.name, 'package.json')))
      .map((entry) => `${group}/${entry.name}`),
  );
  return packages.filter((layer) => !rules.some((rule) => rule.layer === layer));
}

const isInside = (path: string, dir: string) => !relative(dir, path).startsWith('..');

function sourceFiles(dir: string): string[] {
  let entries: import('node:fs').Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}
