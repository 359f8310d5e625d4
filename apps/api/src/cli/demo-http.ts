import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

/** A refusal the demo cannot work around; its message carries the service's problem detail. */
export class ServiceRefused extends Error {
  override readonly name = 'ServiceRefused';
  constructor(request: string, status: number, problem: unknown) {
    const body = (problem ?? {}) as { code?: unknown; detail?: unknown };
    super(`${request} answered ${status} ${String(body.code ?? '')}: ${String(body.detail ?? JSON.stringify(problem))}`);
  }
}

export interface PatientFetch {
  (input: string | URL | Request, init?: RequestInit): Promise<Response>;
  /** Seconds spent waiting for rate limits and outages so far. */
  readonly waitedSeconds: () => number;
}

const RETRIES = 30;
const MAX_WAIT_S = 60;

/**
 * The fetch the demo's typed client goes through. Every POST gets an Idempotency-Key that its
 * retries reuse, so a request sent again after a 503 or a dropped connection is applied at most
 * once; 429 and 503 are waited out for their Retry-After and sent again.
 */
export function patientFetch(baseUrl: string, onWait: (seconds: number, why: string) => void = () => {}): PatientFetch {
  let waited = 0;
  const send = async (given: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const input = given instanceof Request ? given : new Request(given, init);
    if (input.method === 'POST' && !input.headers.has('idempotency-key')) input.headers.set('idempotency-key', randomUUID());
    for (let attempt = 1; ; attempt++) {
      let response: Response;
      try {
        // A clone for each attempt: a request's body can be read once.
        response = await fetch(input.clone());
      } catch (error) {
        const cause = (error as { cause?: { code?: string } }).cause?.code ?? String(error);
        if (attempt === 1 && cause === 'ECONNREFUSED') throw new Error(`nothing answers at ${baseUrl} (${cause}): is the service running?`);
        if (attempt >= 3) throw new Error(`${input.method} ${new URL(input.url).pathname} failed: ${cause}`);
        await sleep(500 * attempt);
        continue;
      }
      if ((response.status === 429 || response.status === 503) && attempt < RETRIES) {
        const seconds = Math.min(MAX_WAIT_S, Math.max(1, Number(response.headers.get('retry-after') ?? '1') || 1));
        await response.body?.cancel();
        onWait(seconds, response.status === 429 ? 'rate limited' : 'service unavailable');
        waited += seconds;
        await sleep(seconds * 1000);
        continue;
      }
      return response;
    }
  };
  return Object.assign(send, { waitedSeconds: () => waited });
}

/** The data of a typed client's answer when it has the status expected, else a ServiceRefused. */
export function expectStatus<T>(request: string, answer: { data?: T; error?: unknown; response: Response }, status: number): T {
  if (answer.response.status !== status || answer.data === undefined)
    throw new ServiceRefused(request, answer.response.status, answer.error);
  return answer.data;
}
