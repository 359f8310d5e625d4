import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../../', import.meta.url));

/** Child processes run the compiled worker, so build it (and what it uses) first; tsc -b skips what is current. */
export function buildWorker(): void {
  execFileSync(`${root}node_modules/.bin/tsc`, ['-b', 'apps/worker'], { cwd: root, stdio: 'inherit' });
}

export interface WorkerProcess {
  readonly child: ChildProcess;
  /** pino's JSON lines, parsed. */
  readonly logs: Record<string, unknown>[];
  readonly output: () => string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `node apps/worker/dist/<entry>.js` with exactly the environment given (plus PATH). */
export function spawnCompiled(entry: 'main' | 'close-and-draw', env: Record<string, string>, args: string[] = []): WorkerProcess {
  const child = spawn(process.execPath, [`${root}apps/worker/dist/${entry}.js`, ...args], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Record<string, unknown>[] = [];
  let text = '';
  let pending = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    text += chunk.toString();
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      try {
        logs.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        // Not a log line (the CLI prints plain text).
      }
    }
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    text += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  return { child, logs, output: () => text, exited };
}
