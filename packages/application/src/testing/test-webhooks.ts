import type { WebhookPorts } from '../ports/webhooks.js';

/**
 * Webhook ports for use-case tests: payloads that name the lottery and its status, a "sealing"
 * that only marks the secret (so a test sees it is not stored as given), and an SSRF rule that
 * refuses hosts ending in `.internal`. The adapters' real ones have tests of their own.
 */
export const testWebhookPorts: WebhookPorts = {
  payloads: {
    lottery: (lottery) => ({ id: lottery.id, status: lottery.toState().status }),
    draw: ({ record }) => ({ lottery_id: record?.lotteryId ?? null, winners: record?.winners.length ?? 0 }),
  },
  addresses: {
    refusal: async (url) => (new URL(url).hostname.endsWith('.internal') ? 'a private host' : null),
  },
  secrets: {
    seal: (plain) => `sealed:${Buffer.from(plain).toString('base64url')}`,
    open: (sealed) => Buffer.from(sealed.replace(/^sealed:/, ''), 'base64url').toString(),
  },
};
