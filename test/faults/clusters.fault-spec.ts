import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Redis, { Cluster } from 'ioredis';
import { ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';
import { KafkaPublisher } from '@credit/kafka';
import { customerKey } from '@credit/contracts';
import { redisKeysOf } from '@credit/redis';
import { Streams } from '../support/reference';
import {
  closeFaultHarness,
  feed,
  poisonedScenario,
  sleep,
  stackHarness,
  StackHarness,
  startEngineProcess,
  verifyAndReport,
} from '../support/fault-harness';
import { faultProfile } from '../support/fault-report';
import { isolatedStack } from '../support/isolated-stack';

/**
 * The project's cluster scripts (deploy/cluster/redis-cluster.sh,
 * deploy/kafka/kafka-cluster.sh) start a real 6-node Redis Cluster and a
 * 3-broker KRaft Kafka on private loopback ports, and each survives the loss
 * of one node without losing acknowledged data: the ground the faults suite's
 * scale-out scenarios stand on (issue 14).
 */
const run = promisify(execFile);
const ROOT = join(__dirname, '../..');
const REDIS_SCRIPT = join(ROOT, 'deploy/cluster/redis-cluster.sh');
const KAFKA_SCRIPT = join(ROOT, 'deploy/kafka/kafka-cluster.sh');
const REDIS_BASE_PORT = Number(process.env.FAULTS_REDIS_CLUSTER_BASE_PORT ?? 17100);
const KAFKA_PORTS = (process.env.FAULTS_KAFKA_CLUSTER_PORTS ?? '19892,19893,19894').split(',').map(Number);
const KAFKA_CONTROLLER_PORTS = process.env.FAULTS_KAFKA_CLUSTER_CONTROLLER_PORTS ?? '19895,19896,19897';
const env = {
  ...process.env,
  REDIS_CLUSTER_BASE_PORT: String(REDIS_BASE_PORT),
  KAFKA_CLUSTER_PORTS: KAFKA_PORTS.join(','),
  KAFKA_CLUSTER_CONTROLLER_PORTS: KAFKA_CONTROLLER_PORTS,
};
const REDIS_NODES = [0, 1, 2, 3, 4, 5].map((i) => `127.0.0.1:${REDIS_BASE_PORT + i}`);
const MAX_EVENT_BYTES = 65_536;
const profile = faultProfile();
const script = (path: string, ...args: string[]) => run(path, args, { env, timeout: 300_000 });

/** Retries `probe` until it returns true (the cluster settles after a node dies); the last error if never. */
async function eventually(probe: () => Promise<boolean>, what: string, attempts = 120): Promise<void> {
  let last: unknown;
  for (let i = 0; i < attempts; i++) {
    try {
      if (await probe()) return;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${what} never happened${last instanceof Error ? `: ${last.message}` : ''}`);
}

/** The customer keys of a scenario's streams. */
function verdictCustomers(streams: Streams): Set<string> {
  return new Set(
    Object.values(streams).flatMap((events) => events.map((e) => customerKey(e.companyId, e.customerId))),
  );
}

/** The port of the master that serves an input partition's slot now. */
async function masterOfPartition(
  settings: { redis: { keyPrefix: string }; kafka: { partitions: number } },
  partition: number,
): Promise<number> {
  const cluster = new Cluster([{ host: '127.0.0.1', port: REDIS_BASE_PORT + 1 }]);
  try {
    const key = redisKeysOf(settings).applied('-', partition);
    const slot = Number(await cluster.call('CLUSTER', 'KEYSLOT', key));
    const shards = (await cluster.call('CLUSTER', 'SLOTS')) as [number, number, [string, number]][];
    const shard = shards.find(([from, to]) => slot >= from && slot <= to);
    if (!shard) throw new Error(`no master serves slot ${slot}`);
    return shard[2][1];
  } finally {
    cluster.disconnect();
  }
}

describe('real clusters: the scripts, and the product on them', () => {
  jest.setTimeout(1_800_000);
  let redisStarted = '';
  let kafkaStarted = '';

  beforeAll(async () => {
    await script(REDIS_SCRIPT, 'reset');
    await script(KAFKA_SCRIPT, 'reset');
    redisStarted = (await script(REDIS_SCRIPT, 'start')).stdout;
    kafkaStarted = (await script(KAFKA_SCRIPT, 'start')).stdout;
  }, 600_000);

  afterAll(async () => {
    await script(REDIS_SCRIPT, 'reset').catch(() => undefined);
    await script(KAFKA_SCRIPT, 'reset').catch(() => undefined);
  });

  it('Redis Cluster: 3 masters and 3 replicas; a master killed, its replica serves every key written', async () => {
    expect(redisStarted).toContain(
      `REDIS_CLUSTER_NODES=${[0, 1, 2, 3, 4, 5].map((i) => `127.0.0.1:${REDIS_BASE_PORT + i}`).join(',')}`,
    );
    const cluster = new Cluster([{ host: '127.0.0.1', port: REDIS_BASE_PORT }], {
      clusterRetryStrategy: () => 200,
      redisOptions: { maxRetriesPerRequest: 50 },
    });
    try {
      const roles = await Promise.all(
        [0, 1, 2, 3, 4, 5].map(async (i) => {
          const node = new Redis({ host: '127.0.0.1', port: REDIS_BASE_PORT + i });
          const [role] = (await node.role()) as [string];
          node.disconnect();
          return role;
        }),
      );
      expect(roles.sort()).toEqual(['master', 'master', 'master', 'slave', 'slave', 'slave']);

      const keys = Array.from({ length: 200 }, (_, i) => `smoke:${i}`);
      for (const key of keys) await cluster.set(key, key);
      // Every master has handed its writes to its replica before one of them dies.
      await Promise.all(cluster.nodes('master').map((node) => node.call('WAIT', 1, 5000)));
      const victim = new Redis({ host: '127.0.0.1', port: REDIS_BASE_PORT });
      const [victimRole] = (await victim.role()) as [string];
      victim.disconnect();
      expect(victimRole).toBe('master');

      await script(REDIS_SCRIPT, 'kill-node', String(REDIS_BASE_PORT));
      let values: (string | null)[] = [];
      // Until the replica has taken over, the dead master's slots answer with errors.
      await eventually(async () => {
        values = [];
        for (const key of keys) values.push(await cluster.get(key));
        return true;
      }, 'a failover');
      expect(values).toEqual(keys);

      await script(REDIS_SCRIPT, 'start-node', String(REDIS_BASE_PORT));
      await eventually(
        async () => (await script(REDIS_SCRIPT, 'status')).stdout.includes('cluster_state ok'),
        'a rejoin',
      );
    } finally {
      cluster.disconnect();
    }
  });

  it('Kafka: 3 brokers, replication factor 3 and min.insync.replicas 2; a broker killed, nothing acknowledged is lost', async () => {
    expect(kafkaStarted).toContain(`KAFKA_BROKERS=${KAFKA_PORTS.map((p) => `127.0.0.1:${p}`).join(',')}`);
    const kafka = new Kafka({
      clientId: 'cluster-smoke',
      brokers: KAFKA_PORTS.map((p) => `127.0.0.1:${p}`),
      logLevel: logLevel.NOTHING,
      retry: { retries: 30, initialRetryTime: 300, maxRetryTime: 3000 },
    });
    const admin = kafka.admin();
    await admin.connect();
    // The apps' publisher: raw kafkajs 2 skipped the messages of the dead broker's partitions (publisher.ts).
    const producer = new KafkaPublisher(kafka);
    const consumer = kafka.consumer({ groupId: 'cluster-smoke' });
    try {
      await admin.createTopics({
        waitForLeaders: true,
        topics: [{ topic: 'smoke', numPartitions: 3, replicationFactor: 3 }],
      });
      const [described] = (await admin.fetchTopicMetadata({ topics: ['smoke'] })).topics;
      expect(described.partitions.map((p) => p.replicas.length)).toEqual([3, 3, 3]);
      const configs = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: ConfigResourceTypes.TOPIC, name: 'smoke' }],
      });
      const setting = (name: string) =>
        configs.resources[0].configEntries.find((e) => e.configName === name)?.configValue;
      expect([setting('min.insync.replicas'), setting('retention.ms')]).toEqual(['2', '-1']);

      await producer.connect();
      const batch = (from: number) =>
        Array.from({ length: 100 }, (_, i) => ({
          topic: 'smoke',
          key: `k${from + i}`,
          value: `v${from + i}`,
        }));
      await producer.publish(batch(0));

      await script(KAFKA_SCRIPT, 'kill-node', '2');
      // acks=all with two of three replicas in sync: the write is still acknowledged.
      await producer.publish(batch(100));
      let stored = 0;
      await eventually(
        async () => {
          const offsets = await admin.fetchTopicOffsets('smoke');
          stored = offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
          if (stored === 200) return true;
          const [topic] = (await admin.fetchTopicMetadata({ topics: ['smoke'] })).topics;
          const partitions = topic.partitions.map((p) => `${p.partitionId}: leader ${p.leader} isr ${p.isr}`);
          throw new Error(`${stored} below the high watermarks (${partitions.join('; ')})`);
        },
        'the 200 acknowledged messages below the high watermarks of the two brokers left',
        240,
      );
      expect(stored).toBe(200);

      // The dead node comes back from its own data and catches up; a new group reads everything.
      await script(KAFKA_SCRIPT, 'start-node', '2');
      const seen = new Set<string>();
      await consumer.connect();
      await consumer.subscribe({ topic: 'smoke', fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => {
          seen.add(message.value!.toString());
        },
      });
      await eventually(async () => seen.size >= 200, 'reading the 200 messages back', 240);
      expect([...seen].sort()).toEqual([...batch(0), ...batch(100)].map((m) => m.value).sort());
    } finally {
      await consumer.disconnect().catch(() => undefined);
      await producer.disconnect().catch(() => undefined);
      await admin.disconnect().catch(() => undefined);
    }
  });
  it('folds exactly once on them: a Redis master and a broker killed mid-stream, an engine added and one killed', async () => {
    let h: StackHarness | undefined;
    const stack = await isolatedStack({
      KAFKA_BROKERS: KAFKA_PORTS.map((p) => `127.0.0.1:${p}`).join(','),
      KAFKA_REPLICATION_FACTOR: '3',
      KAFKA_TOPIC_PARTITIONS: '6',
      REDIS_CLUSTER_NODES: REDIS_NODES.join(','),
      MAX_EVENT_BYTES: String(MAX_EVENT_BYTES),
      ENGINE_SESSION_TIMEOUT_MS: '10000',
    });
    try {
      h = await stackHarness(stack);
      const run = poisonedScenario(606, ['K1', 'K2'], profile.streamCustomers, 40, MAX_EVENT_BYTES);
      const engines = [startEngineProcess(h), startEngineProcess(h)];
      const producing = feed(h, run.streams, run.bad, 200, 20_000);
      await sleep(4000);
      // The master serving partition 0's slot dies (its last writes may not have reached the replica).
      const victim = await masterOfPartition(stack.engine, 0);
      await script(REDIS_SCRIPT, 'kill-node', String(victim));
      await sleep(3000);
      engines.push(startEngineProcess(h));
      await sleep(3000);
      await script(KAFKA_SCRIPT, 'kill-node', '3');
      await sleep(3000);
      await engines[0].kill();
      await producing;
      await script(REDIS_SCRIPT, 'start-node', String(victim));
      await script(KAFKA_SCRIPT, 'start-node', '3');
      const count = (pattern: RegExp) => engines.reduce((n, e) => n + (e.log.match(pattern)?.length ?? 0), 0);
      const verdict = await verifyAndReport(h, {
        scenario: 'clusters: Redis master and broker killed, engine +1 and -1',
        faults: 4,
        notes:
          `6-node Redis Cluster, 3 brokers; ${count(/moved under us/g)} concurrent batches refused, ` +
          `${count(/reading again/g)} partitions read again from the store`,
        ...run,
      });
      // The state is on the cluster (not on a single Redis the apps fell back to).
      const cluster = new Cluster([{ host: '127.0.0.1', port: REDIS_BASE_PORT + 1 }]);
      const keys = redisKeysOf(stack.engine);
      const customer = [...verdictCustomers(run.streams)][0];
      // One key per EXISTS: the two are in different slots.
      expect([await cluster.exists(keys.epoch()), await cluster.exists(keys.customer(customer))]).toEqual([
        1, 1,
      ]);
      cluster.disconnect();
      const single = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
      expect(await single.exists(keys.epoch())).toBe(0);
      single.disconnect();
      expect(verdict.mismatches).toEqual([]);
      expect(verdict.independent).toEqual([]);
      expect(verdict.applied).toEqual([]);
      expect(verdict.notifications).toEqual([]);
      expect(verdict.deadLetters).toEqual([]);
    } finally {
      if (h) await closeFaultHarness(h);
      else await stack.cleanup();
    }
  });
});
