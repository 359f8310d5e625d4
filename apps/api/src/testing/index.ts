export { buildApi, startTestApi, type TestApi } from './api-server.js';
export { startTestRedis, type TestRedis } from './redis.js';
