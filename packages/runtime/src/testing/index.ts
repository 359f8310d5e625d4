export { startTestRedis, type TestRedis } from './redis.js';
