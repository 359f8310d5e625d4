import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { isPrivateAddress } from './address-policy.js';
import { webhookTransport } from './transport.js';

let server: Server | null = null;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = null;
});

async function listen(handler: Parameters<typeof createServer>[1]): Promise<string> {
  server = createServer(handler);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const delivery = (url: string) => ({ url, headers: { 'content-type': 'application/json' }, body: '{"id":"x"}' });

describe('the webhook transport', () => {
  it('POSTs the body with its headers and reports the status', async () => {
    let got = '';
    const base = await listen((req, res) => {
      req.on('data', (chunk: Buffer) => (got += chunk.toString()));
      req.on('end', () => res.writeHead(202).end('ignored'));
    });
    expect(await webhookTransport({ allowPrivate: true }).post(delivery(`${base}/hooks`))).toEqual({ statusCode: 202 });
    expect(got).toBe('{"id":"x"}');
  });

  it('does not follow a redirect', async () => {
    const paths: string[] = [];
    const base = await listen((req, res) => {
      paths.push(req.url ?? '');
      res.writeHead(307, { location: '/elsewhere' }).end();
    });
    expect(await webhookTransport({ allowPrivate: true }).post(delivery(`${base}/hooks`))).toEqual({ statusCode: 307 });
    expect(paths).toEqual(['/hooks']);
  });

  it('gives up on a receiver that does not answer in time', async () => {
    const base = await listen(() => {});
    await expect(webhookTransport({ allowPrivate: true, timeoutMs: 300 }).post(delivery(`${base}/slow`))).rejects.toThrow(
      'no answer within 0.3 s',
    );
  });

  it('refuses a private address, literal or resolved, before connecting', async () => {
    let requests = 0;
    const base = await listen((_req, res) => {
      requests += 1;
      res.end();
    });
    const port = new URL(base).port;
    const strict = webhookTransport({ allowPrivate: false, resolve: async () => ['127.0.0.1'] });
    await expect(strict.post(delivery(`${base}/hooks`))).rejects.toThrow(/127\.0\.0\.1 is a loopback, private/);
    await expect(strict.post(delivery(`http://receiver.example:${port}/hooks`))).rejects.toThrow(/receiver\.example resolves to it/);
    // One private answer among public ones is enough to refuse.
    const mixed = webhookTransport({ allowPrivate: false, resolve: async () => ['93.184.216.34', '10.0.0.7'] });
    await expect(mixed.post(delivery(`http://receiver.example:${port}/hooks`))).rejects.toThrow(/10\.0\.0\.7/);
    expect(requests).toBe(0);
  });
});

describe('isPrivateAddress', () => {
  it('knows loopback, private, link-local, unspecified and their IPv6 forms', () => {
    for (const a of ['127.0.0.1', '10.2.3.4', '172.16.0.1', '172.31.255.255', '192.168.0.1', '169.254.169.254', '0.0.0.0', '100.64.0.1']) {
      expect(isPrivateAddress(a), a).toBe(true);
    }
    for (const a of ['::1', '::', 'fe80::1', 'fd00::1', '::ffff:127.0.0.1', '::ffff:10.0.0.1']) expect(isPrivateAddress(a), a).toBe(true);
    for (const a of ['93.184.216.34', '172.32.0.1', '8.8.8.8', '2606:4700::1111', '::ffff:8.8.8.8'])
      expect(isPrivateAddress(a), a).toBe(false);
    expect(isPrivateAddress('not-an-address')).toBe(true);
  });
});
