import { Redis } from 'ioredis';

/**
 * A connection BullMQ can block on: `maxRetriesPerRequest: null` makes ioredis wait out a Redis
 * restart instead of failing the worker's blocking commands (BullMQ refuses anything else for
 * workers). Redis keeps the jobs (AOF in the compose file), so waiting loses nothing.
 */
export function connectRedis(url: string, name: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, connectionName: name });
}
