import type { WebhookPayloads } from '@fairdraw/application';
import { drawView } from '../representations/draw.js';
import { lotteryView } from '../representations/lottery.js';

/** Deliveries carry the same `lottery` and `draw` as the API answers with. */
export const httpWebhookPayloads: WebhookPayloads = { lottery: lotteryView, draw: drawView };
