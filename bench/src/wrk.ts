import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { ownCpuSeconds } from './cpu-meter.js';
import type { LoadResult } from './load.js';

/**
 * wrk (Debian's), where installed: a multi-threaded load generator, for the one figure that a
 * single-threaded autocannon limits (the bare route, issue 15 item 6). GET only, no per-request
 * headers; bounded by its duration (wrk has no request bound) and killed if it overruns.
 */
export function wrkAvailable(): boolean {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' });
    return true;
  } catch (error) {
    // wrk --version prints its banner and exits 1; only a missing binary is ENOENT.
    return (error as NodeJS.ErrnoException).code !== 'ENOENT';
  }
}

export interface WrkRun {
  readonly result: LoadResult;
  /** wrk's own user + system seconds, sampled from /proc while it ran. */
  readonly cpuSeconds: number;
}

export async function runWrk(load: { url: string; connections: number; threads: number; seconds: number }): Promise<WrkRun> {
  const args = [
    '-t',
    String(load.threads),
    '-c',
    String(load.connections),
    '-d',
    `${load.seconds}s`,
    '--timeout',
    '30s',
    '--latency',
    load.url,
  ];
  const child = spawn('wrk', args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
  });
  let cpuSeconds = 0;
  const sampler = setInterval(() => {
    if (child.pid !== undefined) cpuSeconds = Math.max(cpuSeconds, ownCpuSeconds(child.pid));
  }, 200);
  const killer = setTimeout(() => child.kill('SIGKILL'), (load.seconds + 15) * 1000);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearInterval(sampler);
  clearTimeout(killer);
  if (code !== 0) throw new Error(`wrk ended with code ${code}: ${out.slice(-500)}`);
  return { result: parseWrk(out), cpuSeconds };
}

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 };
const durationMs = (text: string | undefined) => {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(text ?? '');
  return m ? Number(m[1]) * (UNIT_MS[m[2] ?? 'ms'] ?? 1) : Number.NaN;
};

/** wrk's text report as a LoadResult (wrk counts 2xx and 3xx as success). */
function parseWrk(out: string): LoadResult {
  const match = (re: RegExp) => re.exec(out)?.slice(1) ?? [];
  const [requests = '0', seconds = '0'] = match(/(\d+) requests in ([\d.]+)s/);
  const [bad = '0'] = match(/Non-2xx or 3xx responses: (\d+)/);
  const [connect = '0', read = '0', write = '0', timeout = '0'] = match(
    /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/,
  );
  const [p50] = match(/^\s+50%\s+(\S+)/m);
  const [p99] = match(/^\s+99%\s+(\S+)/m);
  const [, , max] = match(/^\s+Latency\s+(\S+)\s+(\S+)\s+(\S+)/m);
  const total = Number(requests);
  const ok = total - Number(bad);
  const s = Number(seconds);
  return {
    requests: total,
    ok,
    non2xx: Number(bad),
    errors: Number(connect) + Number(read) + Number(write) + Number(timeout),
    statusCodes: {},
    problems: {},
    seconds: s,
    okPerSecond: s > 0 ? ok / s : 0,
    latencyMs: { p50: durationMs(p50), p99: durationMs(p99), max: durationMs(max) },
  };
}
