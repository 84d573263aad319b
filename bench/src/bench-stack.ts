import { readFileSync } from 'node:fs';
import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import Redis, { Cluster } from 'ioredis';
import { createSandbox, Sandbox } from '@credit/sandbox';
import { runMigrations } from '@credit/postgres';
import { createRedis, RedisClient } from '@credit/redis';

/** A bench run's private stack (libs/sandbox), migrated, with a Redis client to watch it. */
export interface BenchStack extends Sandbox {
  redis: RedisClient;
  /** Each Redis server of the stack (the one Redis, or every node of the cluster), for server-wide figures. */
  redisNodes: (role: 'master' | 'all') => Redis[];
}

/** `redisClusterNodes`: `host:port,...` of a Redis Cluster to keep the state in, instead of the one Redis. */
export async function benchStack(partitions: number, redisClusterNodes = ''): Promise<BenchStack> {
  const sandbox = await createSandbox('bench', {
    KAFKA_TOPIC_PARTITIONS: String(partitions),
    ENGINE_SESSION_TIMEOUT_MS: '10000',
    ...(redisClusterNodes ? { REDIS_CLUSTER_NODES: redisClusterNodes } : {}),
  });
  await runMigrations(sandbox.engine.postgres);
  const redis = createRedis(sandbox.engine.redis, 'bench');
  if (redis instanceof Cluster) await new Promise((resolve) => redis.once('ready', resolve));
  return {
    ...sandbox,
    redis,
    redisNodes: (role) => (redis instanceof Cluster ? redis.nodes(role) : [redis]),
    cleanup: async () => {
      redis.disconnect();
      await sandbox.cleanup();
    },
  };
}

/**
 * Every app the bench started that has not exited. None may outlive the bench, whatever ends it: an
 * app left running folds or polls on beside every later run on the machine and skews its figures.
 */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Starts one of the built apps as its own process, as in production. */
export function startApp(app: 'exposure-engine' | 'risk-api', env: Record<string, string>): ChildProcess {
  const main = join(__dirname, `../../apps/${app}/src/main.js`);
  // As deployed (Dockerfile, run-apps.sh), plus any profiling flags asked for.
  const nodeArgs = [
    '--max-semi-space-size=64',
    ...(process.env.BENCH_ENGINE_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
  ];
  const child = spawn(process.execPath, [...nodeArgs, main], {
    env: { ...process.env, ...env, ENV_FILE: '/nonexistent' },
    // BENCH_APP_LOGS=1 shows the apps' logs (to find why a run stalled); they cost CPU, so not by default.
    stdio: ['ignore', process.env.BENCH_APP_LOGS === '1' ? 'inherit' : 'ignore', 'inherit'],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  return child;
}

/** Stops an app; one that has not exited `killAfterMs` after SIGTERM (a stalled fold) gets SIGKILL. */
export function stopApp(child: ChildProcess, killAfterMs = 30_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Resident memory of a process in bytes, from /proc. */
export function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /VmRSS:\s+(\d+) kB/.exec(status);
  return kb ? Number(kb[1]) * 1024 : 0;
}

/** CPU time (user + system) a process has used, in seconds, from /proc: steadier than wall time on a shared machine. */
export function cpuSecondsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  // utime and stime are fields 14 and 15 of stat, in clock ticks (100 per second on Linux).
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
