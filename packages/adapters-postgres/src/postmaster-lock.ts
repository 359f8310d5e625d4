import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * What a data directory's postmaster.pid says about the server that wrote it. A parent killed
 * with SIGKILL leaves its postgres running (orphaned) or, after a machine restart, leaves the
 * file behind with a PID that may now belong to another process; either would block a start.
 */
export type LockState =
  | { readonly kind: 'none' }
  /** A postgres still serves this directory for a live process of ours (say, the worker beside the API). */
  | { readonly kind: 'shared'; readonly port: number }
  /** A postgres whose owner died. */
  | { readonly kind: 'orphan'; readonly pid: number };

export async function inspectLock(dataDir: string): Promise<LockState> {
  const file = join(dataDir, 'postmaster.pid');
  const text = await readFile(file, 'utf8').catch(() => null);
  if (text === null) return { kind: 'none' };
  const lines = text.split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isSafeInteger(pid) || pid <= 0 || !(await isPostgres(pid))) {
    // Nothing of ours runs under that PID: the file is stale.
    await rm(file, { force: true });
    return { kind: 'none' };
  }
  const parent = await parentOf(pid);
  if (parent !== null && parent > 1 && (await commandOf(parent)).includes('node')) return { kind: 'shared', port };
  return { kind: 'orphan', pid };
}

/** Asks an orphaned server for a fast shutdown (it rolls back open transactions) and waits for it. */
export async function stopOrphan(pid: number, timeoutMs = 15_000): Promise<void> {
  try {
    process.kill(pid, 'SIGINT');
  } catch {
    return;
  }
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) throw new Error(`an orphaned postgres (PID ${pid}) did not stop within ${timeoutMs} ms`);
    await sleep(50);
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function commandOf(pid: number): Promise<string> {
  return readFile(`/proc/${pid}/cmdline`, 'utf8')
    .then((text) => text.replaceAll('\0', ' '))
    .catch(() => '');
}

async function isPostgres(pid: number): Promise<boolean> {
  if (!isAlive(pid)) return false;
  if (process.platform !== 'linux') return true;
  return (await commandOf(pid)).includes('postgres');
}

async function parentOf(pid: number): Promise<number | null> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
  // The command name (field 2) may contain spaces; the parent PID is the second field after it.
  const ppid = stat === null ? NaN : Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  return Number.isSafeInteger(ppid) ? ppid : null;
}
