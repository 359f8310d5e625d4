/**
 * What runs the scheduled draws on a timetable: a BullMQ job scheduler in the worker, a timer
 * in the embedded mode. Both run the same use case (runScheduledDraws); only the trigger differs.
 */
export interface JobScheduler {
  /** Registers the timetable, runs one catch-up tick for what fell due while nothing ran, and keeps firing. */
  start(): Promise<void>;
  /** Fires no more; lets a running tick finish (or hands it back to the queue) and releases connections. */
  stop(): Promise<void>;
}
