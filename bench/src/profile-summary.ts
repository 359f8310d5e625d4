import { readFileSync } from 'node:fs';

/**
 * `node bench/dist/profile-summary.js <file.cpuprofile> [top]`: where a --cpu-prof profile spent
 * its samples, by package (a node_modules package, a workspace package, node's own code) and by
 * function (self time), so a MISS can be explained without a browser.
 */
interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}
interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly startTime: number;
  readonly endTime: number;
}

export function packageOf(url: string): string {
  if (url === '') return '(native / idle / gc)';
  if (url.startsWith('node:')) return 'node (internal)';
  const modules = /node_modules\/(@[^/]+\/[^/]+|[^/]+)\/(?!.*node_modules)/.exec(url);
  if (modules?.[1]) return modules[1];
  const workspace = /\/(packages|apps|bench)\/([^/]+)\//.exec(url);
  return workspace ? `${workspace[1]}/${workspace[2]}` : url;
}

export function summarise(profile: Profile, top: number): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const counts = new Map<number, number>();
  for (const id of profile.samples) counts.set(id, (counts.get(id) ?? 0) + 1);
  const total = profile.samples.length;
  const byPackage = new Map<string, number>();
  const byFunction = new Map<string, number>();
  for (const [id, n] of counts) {
    const frame = byId.get(id)?.callFrame;
    if (frame === undefined) continue;
    const pkg = packageOf(frame.url);
    if (frame.functionName !== '(idle)') byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + n);
    const name = `${frame.functionName || '(anonymous)'} ${pkg}${frame.url ? `:${frame.lineNumber + 1}` : ''}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + n);
  }
  const seconds = (profile.endTime - profile.startTime) / 1e6;
  // Shares of the busy samples: idle time says nothing about where the work goes.
  const idle = byFunction.get('(idle) (native / idle / gc)') ?? 0;
  byFunction.delete('(idle) (native / idle / gc)');
  const busy = total - idle;
  const lines = (map: Map<string, number>) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, n]) => `${((100 * n) / busy).toFixed(1).padStart(5)}%  ${name}`);
  return [
    `${total} samples over ${seconds.toFixed(1)} s, ${((100 * idle) / total).toFixed(0)}% idle; shares below are of the busy samples`,
    '',
    'self time by package:',
    ...lines(byPackage),
    '',
    'self time by function:',
    ...lines(byFunction),
  ].join('\n');
}

if (process.argv[1]?.endsWith('profile-summary.js')) {
  const [file, top = '25'] = process.argv.slice(2);
  if (file === undefined) {
    console.error('usage: node bench/dist/profile-summary.js <file.cpuprofile> [top]');
    process.exit(2);
  }
  console.log(summarise(JSON.parse(readFileSync(file, 'utf8')) as Profile, Number(top)));
}
