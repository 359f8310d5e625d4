import { createServer } from 'node:net';
import type { ApiClient } from './api-client.js';
import type { ApiProcess } from './api-process.js';
import { type CpuShare, startCpuMeter } from './cpu-meter.js';
import type { LoadResult } from './load.js';

/** What every phase works with: the running service, its database, and the load settings. */
export interface Bench {
  readonly api: ApiProcess;
  readonly client: ApiClient;
  readonly adminToken: string;
  readonly participants: readonly { readonly username: string; readonly token: string }[];
  readonly participantPassword: string;
  readonly databaseUrl: string;
  readonly postmasterPid: number;
  /** A new X-Forwarded-For address each call. */
  readonly nextAddress: () => string;
  /** The concurrency of the ballot load, and of the ceilings measured against it. */
  readonly connections: number;
  readonly large: boolean;
  /** The API's RSS once ready, before any request. */
  readonly apiRssAtStartMb: number;
  /** Set with --profile: where --cpu-prof profiles go. */
  readonly profileDir: string | undefined;
  log(message: string): void;
}

export interface HttpFigure {
  readonly load: LoadResult;
  readonly cpu: CpuShare;
}

/** Runs `work` with a CPU meter on the API, PostgreSQL, this process and `helperPid`. */
export async function metered<T>(bench: Bench, work: () => Promise<T>, helperPid?: number): Promise<{ result: T; cpu: CpuShare }> {
  // Backends of the previous step may still be exiting: their CPU would land in this window.
  await new Promise((resolve) => setTimeout(resolve, 300));
  const meter = startCpuMeter({ apiPid: bench.api.pid, postmasterPid: bench.postmasterPid, helperPid });
  const result = await work();
  return { result, cpu: meter.stop() };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
