import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readSettings } from '@fairdraw/runtime';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

// No Docker engine runs where the tests run, so the production files are checked as text:
// they parse, and they say what docs/worker.md promises.
const root = fileURLToPath(new URL('../../../', import.meta.url));
const read = (path: string) => readFileSync(`${root}${path}`, 'utf8');

interface Service {
  image?: string;
  build?: { context: string; target: string };
  command?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  ports?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  restart?: string;
  container_name?: string;
  stop_grace_period?: string;
}

const compose = parse(read('docker-compose.yml'), { merge: true }) as {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
};
const services = compose.services;
const dockerfile = read('Dockerfile');
const example = read('.env.example');
const exampleValues = Object.fromEntries(
  example
    .split('\n')
    .map((line) => /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line))
    .filter((m) => m !== null)
    .map((m) => [m[1], m[2]]),
);

describe('docker-compose.yml', () => {
  it('has the five services of the production shape, none pinned to one container', () => {
    expect(Object.keys(services).sort()).toEqual(['api', 'migrate', 'postgres', 'redis', 'worker']);
    for (const service of Object.values(services)) expect(service.container_name).toBeUndefined();
  });

  it('keeps PostgreSQL on a volume behind a health check', () => {
    const postgres = services.postgres;
    expect(postgres?.volumes?.some((v) => v.startsWith('postgres-data:/var/lib/postgresql'))).toBe(true);
    expect(compose.volumes).toHaveProperty('postgres-data');
    expect(postgres?.healthcheck?.test.join(' ')).toContain('pg_isready');
  });

  it('runs Redis with AOF on and noeviction, on a volume behind a health check', () => {
    const command = services.redis?.command?.join(' ') ?? '';
    expect(command).toContain('--appendonly yes');
    expect(command).toContain('--maxmemory-policy noeviction');
    expect(services.redis?.volumes).toContain('redis-data:/data');
    expect(services.redis?.healthcheck?.test).toEqual(['CMD', 'redis-cli', 'ping']);
  });

  it('migrates once, before the api and the worker start, and both wait for healthy dependencies', () => {
    expect(services.migrate?.command).toEqual(['node', 'apps/api/dist/migrate.js']);
    expect(services.migrate?.restart).toBe('no');
    expect(services.migrate?.depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
    for (const name of ['api', 'worker']) {
      expect(services[name]?.depends_on).toEqual({
        postgres: { condition: 'service_healthy' },
        redis: { condition: 'service_healthy' },
        migrate: { condition: 'service_completed_successfully' },
      });
      expect(services[name]?.build?.target).toBe(name);
      expect(services[name]?.environment?.REDIS_URL).toBe('redis://redis:6379');
      expect(services[name]?.environment?.DATABASE_URL).toMatch(/^postgres:\/\/.+@postgres:5432\//);
    }
    expect(services.worker?.stop_grace_period).toBe('60s');
  });

  it('publishes the api on a port range, so that --scale api=3 does not collide', () => {
    expect(services.api?.ports).toHaveLength(1);
    expect(services.api?.ports?.[0]).toMatch(/^\$\{API_PORTS:-\d+-\d+\}:3000$/);
    expect(services.api?.environment?.HOST).toBe('0.0.0.0');
  });
});

describe('Dockerfile', () => {
  const stages = [...dockerfile.matchAll(/^FROM (\S+) AS (\S+)$/gm)].map((m) => ({ from: m[1], name: m[2] }));

  it('builds in stages on an LTS Node image and has a target per service', () => {
    expect(stages.map((s) => s.name)).toEqual(['base', 'build', 'prod-deps', 'runtime', 'worker', 'api']);
    const image = /^ARG NODE_IMAGE=node:(\d+)-/m.exec(dockerfile);
    // Even-numbered Node majors are the LTS lines.
    expect(Number(image?.[1]) % 2).toBe(0);
    expect(Number(image?.[1])).toBeGreaterThanOrEqual(22);
  });

  it('runs as the unprivileged node user', () => {
    const runtime = dockerfile.slice(dockerfile.indexOf('AS runtime'), dockerfile.indexOf('AS worker'));
    expect(runtime).toMatch(/^USER node$/m);
    expect(dockerfile.slice(dockerfile.indexOf('AS runtime'))).not.toMatch(/^USER root$/m);
  });

  it('installs the pnpm that CI uses, from the lockfile', () => {
    const ci = /npm install -g (pnpm@\d+)/.exec(read('.ci/run'))?.[1];
    expect(ci).toBeDefined();
    expect(dockerfile).toContain(`npm install --global ${ci}`);
    expect(dockerfile.match(/pnpm install --frozen-lockfile/g)).toHaveLength(2);
  });

  it('keeps secrets and local state out of the build context', () => {
    const ignored = read('.dockerignore').split('\n');
    for (const entry of ['.git', '**/node_modules', '**/dist', '.env', '.data']) expect(ignored).toContain(entry);
  });
});

describe('.env.example', () => {
  it('sets every variable the compose file requires', () => {
    const required = [...read('docker-compose.yml').matchAll(/\$\{([A-Z_]+):\?/g)].map((m) => m[1]);
    expect(new Set(required)).toEqual(new Set(['POSTGRES_PASSWORD', 'JWT_SECRET']));
    for (const name of required) expect(exampleValues[name as string]).toBeTruthy();
  });

  it('documents every setting the service reads', () => {
    const settings = [...read('packages/runtime/src/settings.ts').matchAll(/^ {2}([A-Z][A-Z0-9_]+): /gm)].map((m) => m[1]);
    expect(settings.length).toBeGreaterThan(15);
    for (const name of settings) expect(example).toMatch(new RegExp(`^#? ?${name}=`, 'm'));
  });

  it('ships a JWT_SECRET placeholder that start-up refuses, saying how to make one', () => {
    expect(() => readSettings({ JWT_SECRET: exampleValues.JWT_SECRET })).toThrow(/JWT_SECRET is not a random key.*openssl rand -hex 32/s);
  });

  it('is a valid configuration as the containers receive it, once JWT_SECRET is filled in', () => {
    const env = {
      ...exampleValues,
      ...services.worker?.environment,
      DATABASE_URL: 'postgres://fairdraw:x@postgres:5432/fairdraw',
      JWT_SECRET: randomBytes(32).toString('hex'),
    };
    const settings = readSettings(env);
    expect(settings.DRAW_CRON).toBe('0 0 * * *');
    expect(settings.DRAW_ATTEMPTS).toBe(10);
    expect(settings.DRAW_RETRY_DELAY_MS).toBe(60_000);
    expect(settings.REDIS_URL).toBe('redis://redis:6379');
  });
});
