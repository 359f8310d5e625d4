import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const script = (name: string) => fileURLToPath(new URL(`./${name}.js`, import.meta.url));

/** Runs a bench script in its own process and parses the JSON line it prints; killed after `timeoutMs`. */
export async function runJsonChild<T>(
  name: string,
  args: readonly string[],
  options: { timeoutMs: number; nodeFlags?: readonly string[] },
): Promise<T> {
  const child = spawn(process.execPath, [...(options.nodeFlags ?? []), script(name), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
  const [code, signal] = (await once(child, 'exit')) as [number | null, string | null];
  clearTimeout(timer);
  if (code !== 0) throw new Error(`${name} ended with ${signal ?? `code ${code}`} (timeout ${options.timeoutMs} ms)`);
  const line = out.trim().split('\n').pop() ?? '';
  return JSON.parse(line) as T;
}

/** Starts a long-running bench script that prints "ready" once it serves. */
export async function startChild(name: string, args: readonly string[]): Promise<ChildProcess> {
  const child = spawn(process.execPath, [script(name), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} not ready within 30 s`)), 30_000);
    child.once('exit', (code) => reject(new Error(`${name} exited with code ${code}`)));
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      if (chunk.includes('ready')) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  return child;
}
