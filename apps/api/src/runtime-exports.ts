// What the worker reuses from this app: one place reads settings and builds the runtime.

export { argon2Hasher } from './argon2-hasher.js';
export { BEACON_DRAW_JOB, beaconDrawQueue, DRAW_QUEUE_NAME } from './beacon-draw-queue.js';
export { startBeacon } from './beacon-start.js';
export {
  type DrawSchedule,
  describeOutcome,
  drawSchedule,
  type ScheduleLog,
  scheduleBeaconDraws,
  scheduledDrawsTick,
  type Timetable,
} from './draw-schedule.js';
export { type Runtime, startRuntime } from './runtime.js';
export { readSettings, type Settings } from './settings.js';
export { DELIVERY_INTERVAL_MS, startWebhookDeliveries, webhookDeliveryTick } from './webhook-deliveries.js';
