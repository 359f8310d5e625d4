import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

export interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/** A refusal the demo cannot work around; its message carries the service's problem detail. */
export class ServiceRefused extends Error {
  override readonly name = 'ServiceRefused';
  constructor(
    readonly request: string,
    readonly answer: Answer,
  ) {
    super(
      `${request} answered ${answer.status} ${String(answer.body.code ?? '')}: ${String(answer.body.detail ?? JSON.stringify(answer.body))}`,
    );
  }
}

export interface DemoHttp {
  /** Sends a JSON request; 429 and 503 are waited out (Retry-After) and sent again. */
  send(method: 'GET' | 'POST', path: string, options?: { token?: string | null; body?: unknown }): Promise<Answer>;
  /** Seconds spent waiting for rate limits so far. */
  readonly waitedSeconds: () => number;
}

const RETRIES = 30;
const MAX_WAIT_S = 60;

/**
 * The public API over fetch. Every POST carries a fresh Idempotency-Key that its retries reuse,
 * so a request sent again after a 503 or a dropped connection is applied at most once.
 */
export function demoHttp(baseUrl: string, onWait: (seconds: number, why: string) => void = () => {}): DemoHttp {
  let waited = 0;
  return {
    waitedSeconds: () => waited,
    async send(method, path, options = {}) {
      const headers: Record<string, string> = { accept: 'application/json' };
      if (options.token) headers.authorization = `Bearer ${options.token}`;
      if (options.body !== undefined) headers['content-type'] = 'application/json';
      if (method === 'POST') headers['idempotency-key'] = randomUUID();
      for (let attempt = 1; ; attempt++) {
        let response: Response;
        try {
          response = await fetch(`${baseUrl}${path}`, {
            method,
            headers,
            body: options.body === undefined ? null : JSON.stringify(options.body),
          });
        } catch (error) {
          const cause = (error as { cause?: { code?: string } }).cause?.code ?? String(error);
          if (attempt === 1 && cause === 'ECONNREFUSED')
            throw new Error(`nothing answers at ${baseUrl} (${cause}): is the service running?`);
          if (attempt >= 3) throw new Error(`${method} ${path} failed: ${cause}`);
          await sleep(500 * attempt);
          continue;
        }
        const text = await response.text();
        const body = (text === '' ? {} : JSON.parse(text)) as Record<string, unknown>;
        if ((response.status === 429 || response.status === 503) && attempt < RETRIES) {
          const seconds = Math.min(MAX_WAIT_S, Math.max(1, Number(response.headers.get('retry-after') ?? '1') || 1));
          onWait(seconds, response.status === 429 ? 'rate limited' : 'service unavailable');
          waited += seconds;
          await sleep(seconds * 1000);
          continue;
        }
        return { status: response.status, body };
      }
    },
  };
}

/** The answer when it has the status expected, else a ServiceRefused. */
export function expectStatus(request: string, answer: Answer, status: number): Record<string, unknown> {
  if (answer.status !== status) throw new ServiceRefused(request, answer);
  return answer.body;
}
