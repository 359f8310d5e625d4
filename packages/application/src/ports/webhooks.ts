import type { Lottery } from '@fairdraw/domain';
import type { DrawView } from '../views.js';

export * from './webhook-store.js';

export interface WebhookPayloads {
  lottery(lottery: Lottery, at: Date): unknown;
  draw(view: DrawView, at: Date): unknown;
}

/** The SSRF rule: why a URL may not receive webhooks (loopback, private…), or null when it may. */
export interface WebhookAddressPolicy {
  refusal(url: string): Promise<string | null>;
}

/** Authenticated encryption of webhook secrets with a key from the environment. */
export interface SecretBox {
  seal(plain: string): string;
  open(sealed: string): string;
}

export interface OutgoingDelivery {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/**
 * POSTs a delivery: the receiver's status code, or a throw for anything that is no answer (a
 * refused address, DNS, a timeout, a reset). It follows no redirects and checks the address it
 * connects to against the SSRF rule itself, so DNS cannot be swapped between check and use.
 */
export interface WebhookTransport {
  post(delivery: OutgoingDelivery): Promise<{ readonly statusCode: number }>;
}

/** What the webhook use cases need besides the store, the clock and randomness. */
export interface WebhookPorts {
  readonly payloads: WebhookPayloads;
  readonly addresses: WebhookAddressPolicy;
  readonly secrets: SecretBox;
}
