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
const adapters = (s: string) => /^@fairdraw\/adapters-(http|postgres)(\/testing)?$/.test(s);

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
  // What both apps share (settings, startRuntime, the draw schedule): the inner layers and the
  // adapters, never an app, and nothing imports it but the apps.
  {
    layer: 'packages/runtime',
    allowed: (s, test) => (!s.startsWith('@fairdraw/') || innerLayers(s) || adapters(s)) && (test || !testHelpers(s)),
  },
  // Composition roots wire everything and build on the runtime package; no app imports another.
  ...['apps/api', 'apps/worker'].map((layer) => ({
    layer,
    allowed: (s: string, test: boolean) => !/^@fairdraw\/(api|worker)(\/|$)/.test(s) && (test || !testHelpers(s)),
  })),
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
  return workspaceDirs(root).filter((layer) => !rules.some((rule) => rule.layer === layer));
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

/** An import graph: each node (a file, or a package) and the nodes it imports. */
export type ImportGraph = ReadonlyMap<string, readonly string[]>;

/**
 * The import cycles of a graph: its strongly connected components of more than one node, or
 * a node importing itself (Tarjan's algorithm), each listed in sorted order, sorted by first node.
 */
export function cyclesOf(graph: ImportGraph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, index.size);
    low.set(node, index.get(node) as number);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node) as number, low.get(next) as number));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node) as number, index.get(next) as number));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string | undefined;
    do {
      member = stack.pop() as string;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || (graph.get(node) ?? []).includes(node)) found.push(component.sort());
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return found.sort((a, b) => (a[0] as string).localeCompare(b[0] as string));
}

const groups = ['packages', 'apps'];

/** Every source file under packages/*\/src and apps/*\/src and the files it imports relatively (type imports too). */
export function fileGraph(root: string): ImportGraph {
  const graph = new Map<string, string[]>();
  for (const dir of workspaceDirs(root)) {
    for (const file of sourceFiles(join(root, dir, 'src'))) {
      const targets = importsOf(readFileSync(file, 'utf8'))
        .filter(relativeImport)
        .map((specifier) => resolveSource(resolve(dirname(file), specifier)))
        .filter((target): target is string => target !== undefined)
        .map((target) => relative(root, target));
      graph.set(relative(root, file), targets);
    }
  }
  return graph;
}

/** Each workspace package and the workspace packages its shipped code imports (tests left out: they may start the service). */
export function packageGraph(root: string): ImportGraph {
  const nameOf = new Map<string, string>();
  for (const dir of workspaceDirs(root)) {
    const name = (JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')) as { name?: string }).name;
    if (name) nameOf.set(name, dir);
  }
  const graph = new Map<string, string[]>();
  for (const dir of workspaceDirs(root)) {
    const imported = new Set<string>();
    for (const file of sourceFiles(join(root, dir, 'src'))) {
      if (isTestFile(file)) continue;
      for (const specifier of importsOf(readFileSync(file, 'utf8'))) {
        const target = nameOf.get(specifier.split('/').slice(0, 2).join('/'));
        if (target) imported.add(target);
      }
    }
    graph.set(dir, [...imported]);
  }
  return graph;
}

function workspaceDirs(root: string): string[] {
  return groups.flatMap((group) => {
    if (!existsSync(join(root, group))) return [];
    return readdirSync(join(root, group), { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && existsSync(join(root, group, entry.name, 'package.json')))
      .map((entry) => `${group}/${entry.name}`);
  });
}

/** `./x.js` names the source `./x.ts`; `./dir` names `./dir/index.ts`. */
function resolveSource(target: string): string | undefined {
  const candidates = [target.replace(/\.js$/, '.ts'), target, `${target}.ts`, join(target, 'index.ts')];
  return candidates.find((candidate) => candidate.endsWith('.ts') && existsSync(candidate));
}
