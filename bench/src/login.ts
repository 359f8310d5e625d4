import { type Bench, type HttpFigure, metered } from './context.js';
import { resetPeakRss, rssMb } from './cpu-meter.js';
import { readSettings } from './fairdraw.js';
import { runLoad } from './load.js';

export interface LoginFigures {
  /** Every request from a new address: what argon2id lets the machine do. */
  readonly capacity: HttpFigure;
  /** Every request from one address: what the auth limiter lets through. */
  readonly oneAddress: HttpFigure;
  readonly authLimitPerMinute: number;
}

const ONE_ADDRESS = '192.0.2.77';
/** The bench leaves AUTH_RATE_LIMIT_PER_MINUTE at the service's default. */
const AUTH_LIMIT_PER_MINUTE = readSettings({}).AUTH_RATE_LIMIT_PER_MINUTE;

export async function logins(bench: Bench): Promise<LoginFigures> {
  const user = bench.participants[0];
  if (user === undefined) throw new Error('no participant to log in as');
  const load = (headers: () => Record<string, string>, seconds: number) =>
    runLoad({
      url: bench.api.url,
      method: 'POST',
      path: '/auth/login',
      body: { username: user.username, password: bench.participantPassword },
      connections: bench.connections,
      seconds,
      maxRequests: 100_000,
      headers,
    });
  await load(() => ({ 'x-forwarded-for': bench.nextAddress() }), 2);
  const capacity = await metered(bench, () => load(() => ({ 'x-forwarded-for': bench.nextAddress() }), 10));
  const oneAddress = await metered(bench, () => load(() => ({ 'x-forwarded-for': ONE_ADDRESS }), 5));
  return {
    capacity: { load: capacity.result, cpu: capacity.cpu },
    oneAddress: { load: oneAddress.result, cpu: oneAddress.cpu },
    authLimitPerMinute: AUTH_LIMIT_PER_MINUTE,
  };
}

export interface LoginBurstFigure extends HttpFigure {
  readonly connections: number;
  /** The API's RSS just before the burst, right after it, and its peak during it (MB). */
  readonly rssBefore: number;
  readonly rssAfter: number;
  readonly rssPeak: number;
}

/** Shaped like the login load of issue 14: 8 connections for 10 s, every login from a new address. */
const BURST = { connections: 8, seconds: 10 };

/** A login burst of its own, with the API's RSS around it (the peak counted from its start). */
export async function loginBurst(bench: Bench): Promise<LoginBurstFigure> {
  const user = bench.participants[0];
  if (user === undefined) throw new Error('no participant to log in as');
  const rssBefore = rssMb(bench.api.pid).rss;
  resetPeakRss(bench.api.pid);
  const burst = await metered(bench, () =>
    runLoad({
      url: bench.api.url,
      method: 'POST',
      path: '/auth/login',
      body: { username: user.username, password: bench.participantPassword },
      connections: BURST.connections,
      seconds: BURST.seconds,
      maxRequests: 100_000,
      headers: () => ({ 'x-forwarded-for': bench.nextAddress() }),
    }),
  );
  // What stays once the burst is over, not what is in flight at its last response.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const after = rssMb(bench.api.pid);
  return { load: burst.result, cpu: burst.cpu, connections: BURST.connections, rssBefore, rssAfter: after.rss, rssPeak: after.peak };
}
