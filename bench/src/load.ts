import { type AutocannonRequest, autocannon } from './third-party.js';

export interface Load {
  readonly url: string;
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly body?: unknown;
  readonly connections: number;
  /** Both bounds hold: the run stops at whichever comes first. */
  readonly seconds: number;
  readonly maxRequests: number;
  /** A path per request instead of `path` (a random lottery of many), called once per request. */
  readonly pathOf?: () => string;
  /** Per-request headers (a token, an X-Forwarded-For), called once per request. */
  readonly headers?: () => Record<string, string>;
  /** The one status counted as success instead of any 2xx (304 for a conditional read). */
  readonly okStatus?: number;
}

export interface LoadResult {
  readonly requests: number;
  readonly ok: number;
  /** Answers other than success (any 2xx, or `okStatus` when the load names one). */
  readonly non2xx: number;
  readonly errors: number;
  readonly statusCodes: Record<string, number>;
  /** Non-2xx answers by status and problem `code`, e.g. `{ "409 LOTTERY_CLOSED": 3 }`. */
  readonly problems: Record<string, number>;
  /** From the first request to the last response (autocannon's own duration ends on a 1 s tick). */
  readonly seconds: number;
  readonly okPerSecond: number;
  readonly latencyMs: { readonly p50: number; readonly p99: number; readonly max: number };
}

/** One autocannon run over loopback, bounded in time and in requests. */
export function runLoad(load: Load): Promise<LoadResult> {
  const request: AutocannonRequest = {
    method: load.method,
    path: load.path,
    headers: { 'content-type': 'application/json' },
    ...(load.body === undefined ? {} : { body: JSON.stringify(load.body) }),
  };
  const problems: Record<string, number> = {};
  const okStatus = load.okStatus;
  const isOk = (status: number) => (okStatus === undefined ? status >= 200 && status < 300 : status === okStatus);
  request.onResponse = (status, body) => {
    if (isOk(status)) return;
    const key = `${status} ${problemCode(body)}`;
    problems[key] = (problems[key] ?? 0) + 1;
  };
  const perRequest = load.headers;
  const pathOf = load.pathOf;
  if (perRequest !== undefined || pathOf !== undefined) {
    request.setupRequest = (r) => ({
      ...r,
      ...(pathOf === undefined ? {} : { path: pathOf() }),
      headers: { ...r.headers, ...perRequest?.() },
    });
  }
  if (load.method === 'GET') request.headers = {};
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let lastResponse = started;
    const instance = autocannon(
      {
        url: load.url,
        connections: load.connections,
        duration: load.seconds,
        maxOverallRequests: load.maxRequests,
        timeout: 30,
        requests: [request],
      },
      (error, result) => {
        if (error) return reject(error);
        const seconds = (lastResponse - started) / 1000;
        const statusCodes = Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, s]) => [code, s.count]));
        const requests = result['2xx'] + result.non2xx;
        const ok = okStatus === undefined ? result['2xx'] : (statusCodes[String(okStatus)] ?? 0);
        resolve({
          requests,
          ok,
          non2xx: requests - ok,
          errors: result.errors + result.timeouts,
          statusCodes,
          problems,
          seconds,
          okPerSecond: seconds > 0 ? ok / seconds : 0,
          latencyMs: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
        });
      },
    );
    instance.on('response', () => {
      lastResponse = performance.now();
    });
  });
}

function problemCode(body: string): string {
  try {
    return String((JSON.parse(body) as { code?: unknown }).code ?? '?');
  } catch {
    return '(not JSON)';
  }
}

/** Distinct client addresses (10.0.0.1, 10.0.0.2, ...) for X-Forwarded-For, never repeating in a run. */
export function addresses(): () => string {
  let n = 0;
  return () => {
    n += 1;
    return `10.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
  };
}

/** The same values over and over, in turn. */
export function roundRobin<T>(values: readonly T[]): () => T {
  let i = 0;
  return () => {
    const value = values[i % values.length];
    i += 1;
    if (value === undefined) throw new Error('roundRobin over nothing');
    return value;
  };
}
