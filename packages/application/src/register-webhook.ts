import { invalid } from '@fairdraw/domain';
import type { Deps } from './deps.js';
import type { Webhook, WebhookEvent } from './ports/webhooks.js';

export interface RegisterWebhook {
  readonly url: string;
  readonly events: readonly WebhookEvent[];
  readonly description: string | null;
}

const SECRET_BYTES = 32;

/**
 * Registers a receiver. Its URL must pass the SSRF rule now (and again at every delivery); the
 * signing secret is returned once and stored only sealed.
 */
export async function registerWebhook(
  deps: Pick<Deps, 'uow' | 'clock' | 'random' | 'webhooks'>,
  command: RegisterWebhook,
): Promise<{ webhook: Webhook; secret: string }> {
  const refusal = await deps.webhooks.addresses.refusal(command.url);
  if (refusal !== null) invalid('url', refusal);
  const secret = `whsec_${Buffer.from(deps.random.bytes(SECRET_BYTES)).toString('base64url')}`;
  const webhook: Webhook = {
    id: deps.random.uuid(),
    url: command.url,
    events: [...new Set(command.events)],
    description: command.description,
    sealedSecret: deps.webhooks.secrets.seal(secret),
    createdAt: deps.clock.now(),
  };
  await deps.uow.run((repos) => repos.webhooks.add(webhook));
  return { webhook, secret };
}
