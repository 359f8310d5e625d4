import { type Bench, type HttpFigure, metered } from './context.js';
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
