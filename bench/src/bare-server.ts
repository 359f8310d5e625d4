import { fastify } from './third-party.js';

/**
 * Ceiling 1: a bare Fastify route answering a small JSON, in its own process like the API, so
 * the same load generator on the same cores says what HTTP alone costs here.
 */
const port = Number(process.argv[2]);
const app = fastify({ logger: false });
app.get('/ping', async () => ({ ok: true, service: 'fairdraw-bench' }));
await app.listen({ port, host: '127.0.0.1' });
process.stdout.write('ready\n');
process.once('SIGTERM', () => {
  void app.close().then(() => process.exit(0));
});
