import { readdirSync, readFileSync, writeFileSync } from 'node:fs';

/**
 * Who used the two cores during a phase: the API, our PostgreSQL (the postmaster and its
 * backends), this load generator, and everything else on the machine (other people's tests).
 * That split is what says whether a figure is CPU-bound, lock-bound, or just noisy.
 */
const TICKS_PER_SECOND = 100;

interface ProcTimes {
  readonly ppid: number;
  /** Own user + system seconds. */
  readonly self: number;
  /** User + system seconds of children it has reaped (exited backends). */
  readonly reaped: number;
}

function procTimes(pid: number): ProcTimes | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after "pid (comm) ": state ppid ... utime(11) stime(12) cutime(13) cstime(14).
    const fields = stat
      .slice(stat.lastIndexOf(')') + 2)
      .split(' ')
      .map(Number);
    const at = (i: number) => fields[i] ?? 0;
    return { ppid: at(1), self: (at(11) + at(12)) / TICKS_PER_SECOND, reaped: (at(13) + at(14)) / TICKS_PER_SECOND };
  } catch {
    return null; // exited meanwhile
  }
}

/** A process's own user + system seconds so far; 0 once it has exited. */
export const ownCpuSeconds = (pid: number): number => procTimes(pid)?.self ?? 0;

/** CPU seconds of a process and of every child it has, alive or reaped. */
function treeCpuSeconds(root: number): number {
  const top = procTimes(root);
  if (top === null) return 0;
  let total = top.self + top.reaped;
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === root) continue;
    const times = procTimes(pid);
    if (times?.ppid === root) total += times.self;
  }
  return total;
}

function machineBusySeconds(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const [, ...ticks] = line.trim().split(/\s+/).map(Number);
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = ticks;
  return (user + nice + system + irq + softirq + steal) / TICKS_PER_SECOND;
}

export interface CpuShare {
  /** Cores busy on average (2.0 = both cores flat out). */
  readonly api: number;
  readonly postgres: number;
  readonly loadGenerator: number;
  /** Helper processes of the bench (the bare server, the raw-insert client). */
  readonly helper: number;
  readonly others: number;
}

export interface Watched {
  readonly apiPid?: number | undefined;
  readonly postmasterPid?: number | undefined;
  readonly helperPid?: number | undefined;
}

export function startCpuMeter(watched: Watched): { stop(helperSecondsReported?: number): CpuShare } {
  const sample = () => ({
    wall: performance.now() / 1000,
    api: watched.apiPid === undefined ? 0 : treeCpuSeconds(watched.apiPid),
    postgres: watched.postmasterPid === undefined ? 0 : treeCpuSeconds(watched.postmasterPid),
    self: process.cpuUsage().user / 1e6 + process.cpuUsage().system / 1e6,
    helper: watched.helperPid === undefined ? 0 : treeCpuSeconds(watched.helperPid),
    machine: machineBusySeconds(),
  });
  const start = sample();
  return {
    // A helper that exits before the end reports its own CPU seconds instead.
    stop(helperSecondsReported) {
      const end = sample();
      const wall = end.wall - start.wall;
      const share = (seconds: number) => Math.max(0, seconds) / wall;
      const api = share(end.api - start.api);
      const postgres = share(end.postgres - start.postgres);
      const loadGenerator = share(end.self - start.self);
      const helper = helperSecondsReported !== undefined ? share(helperSecondsReported) : share(end.helper - start.helper);
      const machine = share(end.machine - start.machine);
      return { api, postgres, loadGenerator, helper, others: Math.max(0, machine - api - postgres - loadGenerator - helper) };
    },
  };
}

export function rssMb(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

/**
 * Resets the process's peak RSS (VmHWM) to its current RSS, so that the next reading's peak is
 * that of what ran in between (clear_refs "5"; our own child, so this process may write it).
 */
export function resetPeakRss(pid: number): void {
  writeFileSync(`/proc/${pid}/clear_refs`, '5');
}
