import { ChildProcess, execFile, spawn } from 'node:child_process';
import { createServer, Server, Socket, connect } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Redis from 'ioredis';
import { apiSettings, engineSettings } from '@credit/config';
import { isolatedStack, IsolatedStack } from './isolated-stack';

const ROOT = join(__dirname, '../..');
const run = promisify(execFile);

/**
 * The faults suite's own Kafka broker (deploy/kafka/kafka.sh with its own runtime
 * directory and ports), which it may restart: the shared broker on 9092 is never touched.
 */
export class PrivateBroker {
  readonly env: Record<string, string>;

  constructor(readonly port = Number(process.env.FAULTS_KAFKA_PORT ?? 19092)) {
    this.env = {
      KAFKA_PORT: String(port),
      KAFKA_CONTROLLER_PORT: String(port + 1),
      KAFKA_RUNTIME_DIR: join(ROOT, '.run/faults/kafka'),
      KAFKA_HEAP: process.env.FAULTS_KAFKA_HEAP ?? '512m',
    };
  }

  get brokers(): string {
    return `127.0.0.1:${this.port}`;
  }

  private async kafkaSh(command: 'start' | 'stop'): Promise<void> {
    await run('bash', [join(ROOT, 'deploy/kafka/kafka.sh'), command], {
      env: { ...process.env, ...this.env },
      timeout: 150_000,
    });
  }

  start = () => this.kafkaSh('start');
  stop = () => this.kafkaSh('stop');

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }
}

/** A throw-away redis-server without persistence: a restart loses everything, as a failover to an empty replica would. */
export class PrivateRedis {
  private child?: ChildProcess;

  constructor(readonly port = Number(process.env.FAULTS_REDIS_PORT ?? 16379)) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const child = spawn(
      process.env.FAULTS_REDIS_SERVER ?? 'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    this.child = child;
    const deadline = Date.now() + 10_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`redis-server on ${this.port} exited (${child.exitCode})`);
      const probe = new Redis(this.url, {
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
      });
      try {
        await probe.connect();
        if ((await probe.ping()) === 'PONG') return;
      } catch {
        if (Date.now() > deadline) throw new Error(`redis-server on ${this.port} did not start`);
      } finally {
        probe.disconnect();
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** SIGKILL: the server and every key in it are gone. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }

  async restart(): Promise<void> {
    await this.kill();
    await this.start();
  }

  async flushAll(): Promise<void> {
    const redis = new Redis(this.url);
    await redis.flushall();
    redis.disconnect();
  }

  stop = () => this.kill();
}

/**
 * A TCP proxy in front of the shared Postgres, so a test can take "Postgres"
 * away from the apps (refused connections, open ones cut) without stopping the
 * server others use.
 */
export class PostgresProxy {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  port = 0;
  /** Connections accepted so far (it can stand in front of any TCP server, e.g. to count a broker's). */
  accepted = 0;

  /**
   * @param latencyMs how late Postgres's answers reach the app (0: at once), as over
   *   a slow link: the server does its work at once, the app learns of it later.
   */
  constructor(
    private readonly targetPort = 5432,
    private readonly targetHost = '127.0.0.1',
    private readonly latencyMs = 0,
  ) {}

  async start(): Promise<void> {
    const server = createServer((client) => {
      this.accepted += 1;
      const upstream = connect(this.targetPort, this.targetHost);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      client.pipe(upstream);
      if (this.latencyMs === 0) upstream.pipe(client);
      else {
        // Timers due in order fire in order, so the answers keep theirs.
        upstream.on('data', (chunk: Buffer) => {
          setTimeout(() => client.destroyed || client.write(chunk), this.latencyMs);
        });
      }
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as { port: number }).port;
    this.server = server;
  }

  /** Postgres "stops": every open connection is cut and new ones are refused. */
  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Postgres is back on the same port. */
  restore = () => this.start();

  stop = () => this.cut();
}

/** What a faults stack runs on: its own broker and Redis, and a proxy in front of the shared Postgres. */
export interface FaultInfrastructure {
  broker: PrivateBroker;
  redis: PrivateRedis;
  postgres: PostgresProxy;
}

export async function startFaultInfrastructure(): Promise<FaultInfrastructure> {
  const broker = new PrivateBroker();
  const redis = new PrivateRedis();
  const postgres = new PostgresProxy();
  await broker.start();
  await redis.start();
  await postgres.start();
  return { broker, redis, postgres };
}

export async function stopFaultInfrastructure(infra: FaultInfrastructure | undefined): Promise<void> {
  if (!infra) return;
  await infra.postgres.stop();
  await infra.redis.stop();
  // The broker stays up for the next suite; deploy/bin/faults.sh stops it at the end.
}

/**
 * An isolated stack (libs/sandbox) on the faults infrastructure: topics on the
 * private broker, keys in the private Redis, its database reached through the proxy.
 */
export async function faultStack(
  infra: FaultInfrastructure,
  overrides: Record<string, string> = {},
): Promise<IsolatedStack> {
  const stack = await isolatedStack({
    KAFKA_BROKERS: infra.broker.brokers,
    REDIS_URL: infra.redis.url,
    MAX_EVENT_BYTES: '65536',
    ...overrides,
  });
  const url = new URL(stack.env.POSTGRES_URL);
  url.port = String(infra.postgres.port);
  stack.env.POSTGRES_URL = url.toString();
  stack.engine = engineSettings(stack.env);
  stack.api = apiSettings(stack.env);
  return stack;
}

/** A TCP port free right now, for an app process whose address the test must know. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
