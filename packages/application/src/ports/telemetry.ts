/**
 * What the use cases report for operators (counts and durations), without knowing how it is
 * exposed: the HTTP adapter turns it into Prometheus series. Every argument is a small closed
 * set or a number, never an id, so whatever records it keeps a bounded set of series.
 */
export interface Telemetry {
  lotteryCreated(): void;
  /** admin: POST /close; due: its closing instant passed (a draw or the schedule); sold_out: the pool's last ticket went. */
  lotteryClosed(how: LotteryCloseCause): void;
  lotteryDrawn(): void;
  /** Tickets a committed turn issued. */
  ballotsIssued(count: number): void;
  /** A committed turn: how many requests it served and the tickets they took. */
  turnServed(requests: number, tickets: number): void;
  /** Starts timing one operation; calling the result records how long it took. */
  startTimer(operation: TimedOperation): () => void;
  /** One webhook delivery attempt: delivered (a 2xx), retried later, or failed for good. */
  webhookAttempted(outcome: WebhookAttemptOutcome): void;
}

export type WebhookAttemptOutcome = 'delivered' | 'retried' | 'failed';

export type LotteryCloseCause = 'admin' | 'due' | 'sold_out';

/** queue_wait: a ballot request's wait for its turn; draw and seal: the whole transaction's work. */
export type TimedOperation = 'queue_wait' | 'draw' | 'seal';

const nothing = () => {};

/** For processes and tests that expose no metrics. */
export const noTelemetry: Telemetry = {
  lotteryCreated: nothing,
  lotteryClosed: nothing,
  lotteryDrawn: nothing,
  ballotsIssued: nothing,
  turnServed: nothing,
  startTimer: () => nothing,
  webhookAttempted: nothing,
};
