import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { dockerAnswers, freePort } from '@fairdraw/adapters-postgres/testing';

export interface TestRedis {
  readonly url: string;
  stop(): Promise<void>;
}

const IMAGE = 'redis:7-alpine';
const READY = 'Ready to accept connections';

/**
 * A Redis for integration tests: a container when a Docker engine answers, otherwise a
 * `redis-server` spawned on a free port with persistence off. Never a skip: without either,
 * this throws and says what to install.
 */
export async function startTestRedis(): Promise<TestRedis> {
  if (await dockerAnswers()) return startContainer();
  return startRedisServer();
}

async function startContainer(): Promise<TestRedis> {
  const { GenericContainer, Wait } = await import('testcontainers');
  const container = await new GenericContainer(IMAGE)
    .withCommand(['redis-server', '--save', '', '--appendonly', 'no'])
    .withExposedPorts(6379)
    .withWaitStrategy(Wait.forLogMessage(READY))
    .start();
  return {
    url: `redis://${container.getHost()}:${container.getMappedPort(6379)}`,
    stop: async () => {
      await container.stop();
    },
  };
}

async function startRedisServer(): Promise<TestRedis> {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const ready = new Promise<void>((resolve, reject) => {
    child.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        new Error(
          error.code === 'ENOENT'
            ? 'Integration tests need Redis and found none: install redis-server (`apt-get install -y redis-server`; .ci/run does this) or start a Docker engine (tests then use ' +
                `${IMAGE} through testcontainers).`
            : `redis-server did not start: ${error.message}`,
          { cause: error },
        ),
      );
    });
    child.once('exit', (code) => reject(new Error(`redis-server exited with ${code} before it was ready:\n${output}`)));
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(READY)) resolve();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
  });
  await ready;
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}
