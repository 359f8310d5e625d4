// What both apps (apps/api, apps/worker) share: settings parsing from an env they pass in, the runtime, the draw schedule.

export { argon2Hasher } from './argon2-hasher.js';
export { BEACON_DRAW_JOB, beaconDrawQueue, DRAW_QUEUE_NAME } from './beacon-draw-queue.js';
export { beaconReadiness, startBeacon } from './beacon-start.js';
export {
  type DrawSchedule,
  describeOutcome,
  drawSchedule,
  type ScheduleLog,
  scheduleBeaconDraws,
  scheduledDrawsTick,
  type Timetable,
} from './draw-schedule.js';
export { consoleLog, type Runtime, type RuntimeLog, startRuntime } from './runtime.js';
export { readSettings, type Settings } from './settings.js';
export { DELIVERY_INTERVAL_MS, startWebhookDeliveries, webhookDeliveryTick } from './webhook-deliveries.js';
