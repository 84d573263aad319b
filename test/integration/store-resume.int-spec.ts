import request from 'supertest';
import Redis from 'ioredis';
import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigResourceTypes, Producer } from 'kafkajs';
import { businessDateAt, CompanyParameters, DEFAULT_PARAMETERS, parametersToWire } from '@credit/domain';
import { encodeInputEvent, InputStream, customerKey, RawEnvelope } from '@credit/contracts';
import { partitionOfKey } from '@credit/kafka';
import { RebuildMarker, redisKeysOf } from '@credit/redis';
import { generateScenario } from '../../apps/erp-simulator/src/scenario';
import { EngineModule } from '../../apps/exposure-engine/src/engine.module';
import { isolatedStack, IsolatedStack } from '../support/isolated-stack';
import { startApi, startEngine, TestClock, tokenFor } from '../support/running-apps';
import { waitUntilFolded } from '../support/folding';
import { referenceExposures, Streams } from '../support/reference';
import { exposureMismatches, liveMismatches } from '../support/verification';
import { produceAll, topicOf } from '../support/scenario-feed';

/**
 * The state store, not Kafka's committed offsets, decides where each input
 * partition resumes (issue 14): a Redis restored from a snapshot, a store new
 * to a late-joining instance, company parameters lost with Redis, and credit
 * checks while the state is not rebuilt.
 */

/** Every key of the stack's prefix. */
async function prefixKeys(redis: Redis, stack: IsolatedStack): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${stack.engine.redis.keyPrefix}*`, 'COUNT', 1000);
    found.push(...keys);
    cursor = next;
  } while (cursor !== '0');
  return found;
}

/** Deletes every key of the stack's prefix, as a Redis flush or a failover to an empty replica would. */
async function wipeRedis(stack: IsolatedStack): Promise<number> {
  const redis = new Redis(stack.engine.redis.url);
  try {
    const keys = await prefixKeys(redis, stack);
    return keys.length > 0 ? await redis.del(...keys) : 0;
  } finally {
    redis.disconnect();
  }
}

type Snapshot = Map<string, Buffer>;

/** A point-in-time copy of the stack's keys (DUMP), as an RDB snapshot would hold them. */
async function takeSnapshot(stack: IsolatedStack): Promise<Snapshot> {
  const redis = new Redis(stack.engine.redis.url);
  try {
    const keys = await prefixKeys(redis, stack);
    const pipeline = redis.pipeline();
    for (const key of keys) pipeline.dumpBuffer(key);
    const dumps = (await pipeline.exec()) ?? [];
    return new Map(keys.map((key, i) => [key, dumps[i][1] as Buffer]));
  } finally {
    redis.disconnect();
  }
}

/** Replaces the stack's keys with the snapshot's: the epoch is the snapshot's, so the loss is not visible by it. */
async function restoreSnapshot(stack: IsolatedStack, snapshot: Snapshot): Promise<void> {
  await wipeRedis(stack);
  const redis = new Redis(stack.engine.redis.url);
  try {
    const pipeline = redis.pipeline();
    for (const [key, dump] of snapshot) pipeline.restore(key, 0, dump, 'REPLACE');
    await pipeline.exec();
  } finally {
    redis.disconnect();
  }
}

/** Each stream cut into `parts` consecutive slices: producing them in turn produces the whole history. */
function slices(streams: Streams, parts: number): Streams[] {
  return Array.from({ length: parts }, (_, k) =>
    Object.fromEntries(
      (Object.entries(streams) as [InputStream, RawEnvelope[]][]).map(([stream, envelopes]) => {
        const size = Math.ceil(envelopes.length / parts);
        return [stream, envelopes.slice(k * size, (k + 1) * size)];
      }),
    ),
  );
}

/**
 * One envelope already folded per input partition, sent again: a batch on
 * every partition that changes nothing (its eventId is known), so the engine
 * meets each partition's next batch.
 */
async function resendOnePerPartition(
  stack: IsolatedStack,
  producer: Producer,
  folded: Streams,
): Promise<void> {
  const partitions = stack.engine.kafka.partitions;
  for (const [stream, envelopes] of Object.entries(folded) as [InputStream, RawEnvelope[]][]) {
    const last = new Map<number, RawEnvelope>();
    for (const e of envelopes)
      last.set(partitionOfKey(customerKey(e.companyId, e.customerId), partitions), e);
    const messages = [...last.values()].map((e) => ({
      key: customerKey(e.companyId, e.customerId),
      value: encodeInputEvent(e),
    }));
    if (messages.length > 0)
      await producer.send({ topic: topicOf(stack.engine.kafka.topics, stream), messages });
  }
}

const defaultsOf = (stack: IsolatedStack): CompanyParameters => ({
  ...DEFAULT_PARAMETERS,
  timeZone: stack.engine.defaultTimeZone,
});

describe('the state store decides where the engine resumes', () => {
  let stack: IsolatedStack | undefined;
  let api: INestApplication | undefined;
  const engines: INestApplication[] = [];
  let producer: Producer | undefined;
  const clock = new TestClock(new Date('2026-06-30T10:00:00Z'));

  const setUp = async () => {
    stack = await isolatedStack();
    producer = stack.kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    api = await startApi(stack);
    return { stack, producer, api };
  };
  const engine = async (s: IsolatedStack) => {
    const app = await startEngine(s, clock);
    engines.push(app);
    return app;
  };
  const send = (p: Producer) => (topic: string, messages: { key: string; value: Buffer }[]) =>
    p.send({ topic, messages });

  afterEach(async () => {
    for (const app of engines.splice(0)) await app.close();
    await producer?.disconnect();
    await api?.close();
    await stack?.cleanup();
    stack = undefined;
    api = undefined;
    producer = undefined;
  });

  it('folds again what a Redis restored from a snapshot taken mid-stream lost: 0 events lost', async () => {
    const s = await setUp();
    await engine(s.stack);
    const scenario = generateScenario({
      seed: 31,
      companies: ['IT01', 'DE01'],
      customers: 40,
      startDate: '2026-01-05',
    });
    const streams = scenario.streams as Streams;
    const [first, second] = slices(streams, 2);
    await produceAll(send(s.producer), s.stack.engine.kafka.topics, first);
    await waitUntilFolded(s.stack);
    const snapshot = await takeSnapshot(s.stack);

    await produceAll(send(s.producer), s.stack.engine.kafka.topics, second);
    await waitUntilFolded(s.stack);
    // Redis comes back from the snapshot: same epoch, applied offsets behind Kafka's committed ones.
    await restoreSnapshot(s.stack, snapshot);
    await resendOnePerPartition(s.stack, s.producer, first);
    await new Promise((r) => setTimeout(r, 1500));
    await waitUntilFolded(s.stack, 60_000);

    const params = defaultsOf(s.stack);
    const expected = referenceExposures(streams, businessDateAt(clock.now(), params.timeZone), params);
    const halfway = referenceExposures(first, businessDateAt(clock.now(), params.timeZone), params);
    // The second half changes the state: a store that kept only the snapshot would be seen.
    expect([...expected].some(([key, e]) => JSON.stringify(halfway.get(key)) !== JSON.stringify(e))).toBe(
      true,
    );
    expect(await liveMismatches(s.stack, expected)).toEqual([]);
    expect(await exposureMismatches(s.stack, s.api, expected)).toEqual([]);
  });

  it('has an instance joining an empty store whose epoch another created replay what it is assigned', async () => {
    const s = await setUp();
    const first = await engine(s.stack);
    const scenario = generateScenario({
      seed: 32,
      companies: ['IT01'],
      customers: 50,
      startDate: '2026-01-05',
    });
    const streams = scenario.streams as Streams;
    await produceAll(send(s.producer), s.stack.engine.kafka.topics, streams);
    await waitUntilFolded(s.stack);
    await first.close();
    engines.splice(engines.indexOf(first), 1);

    // The store is lost; another instance has already created the new epoch (and then stalled or died):
    // the late joiner does not create it, yet must fold its partitions from the start, not from the
    // group's committed offsets at the end of the topics.
    expect(await wipeRedis(s.stack)).toBeGreaterThan(50);
    const redis = new Redis(s.stack.engine.redis.url);
    await redis.set(redisKeysOf(s.stack.engine).epoch(), String(clock.now().getTime()));
    redis.disconnect();
    await engine(s.stack);
    await waitUntilFolded(s.stack, 60_000);

    const params = defaultsOf(s.stack);
    const expected = referenceExposures(streams, businessDateAt(clock.now(), params.timeZone), params);
    expect(await liveMismatches(s.stack, expected)).toEqual([]);
    expect(await exposureMismatches(s.stack, s.api, expected)).toEqual([]);
  });

  it("keeps the companies' parameters when Redis is lost: restored from Postgres before the rebuild", async () => {
    const s = await setUp();
    await engine(s.stack);
    const manager = tokenFor(s.stack, ['credit-manager'], ['IT01']);
    const viewer = tokenFor(s.stack, ['viewer'], ['IT01']);
    await request(s.api.getHttpServer())
      .put('/v1/companies/IT01/parameters')
      .set('Authorization', `Bearer ${manager}`)
      .send({ includedComponents: { orders: false }, billRiskDays: 30, reason: 'orders are not credit' })
      .expect(200);
    const scenario = generateScenario({
      seed: 33,
      companies: ['IT01'],
      customers: 50,
      startDate: '2026-01-05',
    });
    const streams = scenario.streams as Streams;
    await produceAll(send(s.producer), s.stack.engine.kafka.topics, streams);
    await waitUntilFolded(s.stack);

    const defaults = defaultsOf(s.stack);
    const custom: CompanyParameters = {
      ...defaults,
      includedComponents: { ...defaults.includedComponents, orders: false },
      billRiskDays: 30,
    };
    const today = businessDateAt(clock.now(), defaults.timeZone);
    const expected = referenceExposures(streams, today, custom);
    const withDefaults = referenceExposures(streams, today, defaults);
    // The parameters matter for this history: folding with the defaults would be seen.
    expect(
      [...expected].some(([key, e]) => JSON.stringify(withDefaults.get(key)) !== JSON.stringify(e)),
    ).toBe(true);
    expect(await liveMismatches(s.stack, expected)).toEqual([]);
    expect(await exposureMismatches(s.stack, s.api, expected)).toEqual([]);

    expect(await wipeRedis(s.stack)).toBeGreaterThan(50);
    await new Promise((r) => setTimeout(r, 1500));
    await waitUntilFolded(s.stack, 60_000);

    expect(await liveMismatches(s.stack, expected)).toEqual([]);
    expect(await exposureMismatches(s.stack, s.api, expected)).toEqual([]);
    const parameters = await request(s.api.getHttpServer())
      .get('/v1/companies/IT01/parameters')
      .set('Authorization', `Bearer ${viewer}`)
      .expect(200);
    expect(parameters.body).toMatchObject({ customised: true, parameters: parametersToWire(custom) });
  });

  it('answers a credit check 503 with Retry-After while the customer is not rebuilt, never a wrong ALLOW', async () => {
    const s = await setUp();
    const first = await engine(s.stack);
    const scenario = generateScenario({
      seed: 34,
      companies: ['IT01'],
      customers: 30,
      startDate: '2026-01-05',
    });
    const streams = scenario.streams as Streams;
    await produceAll(send(s.producer), s.stack.engine.kafka.topics, streams);
    await waitUntilFolded(s.stack);
    const params = defaultsOf(s.stack);
    const expected = referenceExposures(streams, businessDateAt(clock.now(), params.timeZone), params);
    const [key, exposure] = [...expected].find(([, e]) => e.total !== '0.00' && e.limit !== null)!;
    const [companyId, customerId] = key.split(':');
    const token = tokenFor(s.stack, ['erp-service'], ['IT01']);
    let n = 0;
    const check = () =>
      request(s.api.getHttpServer())
        .post(`/v1/companies/${companyId}/customers/${encodeURIComponent(customerId)}/credit-checks`)
        .set('Authorization', `Bearer ${token}`)
        .send({ documentType: 'order', documentId: `ORD-REBUILD-${++n}`, amount: '1.00' });

    const before = await check().expect(200);
    expect(before.body.exposureBefore).toBe(exposure.total);

    // Only the customer's own partition holds its checks back: the one Kafka put its events in (a document
    // of its sent again, a duplicate that changes nothing, tells which), not another one being folded again.
    const own = streams.documents!.find((e) => customerKey(e.companyId, e.customerId) === key)!;
    const [sent] = await s.producer.send({
      topic: s.stack.engine.kafka.topics.documents,
      messages: [{ key, value: encodeInputEvent(own) }],
    });
    await waitUntilFolded(s.stack);
    const keys = redisKeysOf(s.stack.engine);
    const markerRedis = new Redis(s.stack.engine.redis.url);
    const marker = new RebuildMarker(markerRedis, keys);
    const far = 10n ** 12n;
    const topic = s.stack.engine.kafka.topics.documents;
    const other = (sent.partition + 1) % s.stack.engine.kafka.partitions;
    await marker.behind({ topic, partition: other, lastOffset: far });
    expect((await check()).status).toBe(200);
    await marker.behind({ topic, partition: sent.partition, lastOffset: far });
    expect((await check()).status).toBe(503);
    await markerRedis.del(keys.rebuild(sent.partition), keys.rebuild(other));
    markerRedis.disconnect();

    // Redis lost while no engine runs: nothing is known of the customer.
    await first.close();
    engines.splice(engines.indexOf(first), 1);
    await wipeRedis(s.stack);
    const lost = await check();
    expect({ status: lost.status, retryAfter: lost.headers['retry-after'] }).toEqual({
      status: 503,
      retryAfter: '5',
    });

    // An engine has begun the rebuild (epoch and targets, as StoreRebuild writes them) but folded nothing yet.
    const redis = new Redis(s.stack.engine.redis.url);
    const admin = s.stack.kafka.admin();
    await admin.connect();
    const t = s.stack.engine.kafka.topics;
    const targets = [];
    for (const topic of [t.documents, t.journalEntries, t.billPortfolio, t.creditLimits, t.customers]) {
      for (const p of await admin.fetchTopicOffsets(topic))
        targets.push({ topic, partition: p.partition, lastOffset: BigInt(p.high) - 1n });
    }
    await admin.disconnect();
    await new RebuildMarker(redis, redisKeysOf(s.stack.engine)).begin(String(clock.now().getTime()), targets);
    redis.disconnect();
    const rebuilding = await check();
    expect({ status: rebuilding.status, retryAfter: rebuilding.headers['retry-after'] }).toEqual({
      status: 503,
      retryAfter: '5',
    });

    await engine(s.stack);
    await waitUntilFolded(s.stack, 60_000);
    const after = await check().expect(200);
    expect(after.body.exposureBefore).toBe(exposure.total);
    expect(after.body.decision).toBe(before.body.decision);
  });

  it('refuses to start on an input topic that deletes history, unless told to accept it', async () => {
    const s = await setUp();
    const topic = s.stack.engine.kafka.topics.journalEntries;
    const admin = s.stack.kafka.admin();
    await admin.connect();
    await admin.alterConfigs({
      validateOnly: false,
      resources: [
        {
          type: ConfigResourceTypes.TOPIC,
          name: topic,
          configEntries: [{ name: 'retention.ms', value: '86400000' }],
        },
      ],
    });
    await admin.disconnect();

    const refused = await NestFactory.create(EngineModule.forRoot({ settings: s.stack.engine, clock }), {
      logger: false,
    });
    await expect(refused.init()).rejects.toThrow(
      `${topic}: retention.ms=86400000 deletes events a rebuild needs (set it to -1)`,
    );
    await refused.close();

    const accepted = { ...s.stack, engine: { ...s.stack.engine, acceptTruncatedTopics: true } };
    await engine(accepted);
    const scenario = generateScenario({
      seed: 35,
      companies: ['IT01'],
      customers: 10,
      startDate: '2026-01-05',
    });
    await produceAll(send(s.producer), s.stack.engine.kafka.topics, scenario.streams as Streams);
    await waitUntilFolded(s.stack);
  });
});
