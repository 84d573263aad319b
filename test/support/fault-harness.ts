import { INestApplication } from '@nestjs/common';
import { Producer } from 'kafkajs';
import { Admin } from 'kafkajs';
import { KafkaPublisher } from '@credit/kafka';
import { createRedis, redisKeysOf } from '@credit/redis';
import { businessDateAt, DEFAULT_PARAMETERS } from '@credit/domain';
import { encodeInputEvent, InputStream, RawEnvelope } from '@credit/contracts';
import { generateScenario } from '../../apps/erp-simulator/src/scenario';
import { EngineProcess } from './engine-process';
import {
  FaultInfrastructure,
  faultStack,
  startFaultInfrastructure,
  stopFaultInfrastructure,
} from './fault-infra';
import { FaultRow, reportFault } from './fault-report';
import { waitUntilFolded } from './folding';
import { IsolatedStack } from './isolated-stack';
import { TopicRecorder } from './kafka-io';
import { ExpectedExposure, referenceExposures, Streams } from './reference';
import { startApi } from './running-apps';
import { ALL_POISON_KINDS, BadInput, produceAll, withDuplicatesAndBadInput } from './scenario-feed';
export { picker as seededRandom } from './scenario-feed';
import { IndependentReference, SPEC_DEFAULT_PARAMETERS } from './independent-reference';
import {
  appliedEventProblems,
  deadLetterProblems,
  exposureMismatches,
  independentMismatches,
  republishedCount,
  settledNotificationProblems,
} from './verification';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A stack with a recorder of every output topic, an in-process API and a producer. */
export interface StackHarness {
  stack: IsolatedStack;
  api: INestApplication;
  producer: Producer;
  /** The apps' publisher, which the scenarios feed through (see resilientPublish). */
  publisher: KafkaPublisher;
  recorder: TopicRecorder;
  engines: EngineProcess[];
}

/** A harness on the faults infrastructure, whose broker, Redis and Postgres a test may break. */
export interface FaultHarness extends StackHarness {
  infra: FaultInfrastructure;
}

export async function faultHarness(
  infra: FaultInfrastructure,
  overrides: Record<string, string> = {},
): Promise<FaultHarness> {
  return { infra, ...(await stackHarness(await faultStack(infra, overrides))) };
}

/** The recorder, producer and in-process API around a stack (on the faults infrastructure or on clusters). */
export async function stackHarness(stack: IsolatedStack): Promise<StackHarness> {
  const t = stack.engine.kafka.topics;
  const recorder = new TopicRecorder(
    stack.kafka,
    [t.breaches, t.blocks, t.collections, t.deadLetter],
    `rec-${stack.id}`,
  );
  await recorder.start();
  const producer = stack.kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const publisher = new KafkaPublisher(stack.kafka);
  await publisher.connect();
  const api = await startApi(stack);
  return { stack, api, producer, publisher, recorder, engines: [] };
}

export async function closeFaultHarness(h: StackHarness | undefined): Promise<void> {
  if (!h) return;
  for (const engine of h.engines) await engine.terminate();
  await h.producer.disconnect().catch(() => undefined);
  await h.publisher.disconnect().catch(() => undefined);
  await h.recorder.stop().catch(() => undefined);
  await h.api.close().catch(() => undefined);
  await h.stack.cleanup();
}

/**
 * Registers a faults suite's hooks: its infrastructure started before all tests
 * and stopped after them, the harness of each test closed after it.
 */
export function faultSuite(): {
  infra: () => FaultInfrastructure;
  harness: (overrides?: Record<string, string>) => Promise<FaultHarness>;
} {
  let infra: FaultInfrastructure | undefined;
  let current: FaultHarness | undefined;
  beforeAll(async () => {
    infra = await startFaultInfrastructure();
  }, 180_000);
  afterEach(async () => {
    await closeFaultHarness(current);
    current = undefined;
  }, 120_000);
  afterAll(() => stopFaultInfrastructure(infra));
  return {
    infra: () => infra!,
    harness: async (overrides = {}) => (current = await faultHarness(infra!, overrides)),
  };
}

/** Starts one more engine process on the harness's stack. */
export function startEngineProcess(h: StackHarness, env: Record<string, string> = {}): EngineProcess {
  const engine = new EngineProcess(h.stack, env);
  engine.start();
  h.engines.push(engine);
  return engine;
}

type BatchSend = (topic: string, messages: { key: string; value: Buffer }[]) => Promise<void>;

/**
 * `send`, retried while the broker is away (a restart): a retried batch may
 * land twice, which is what a real producer does too, and harmless (same eventIds).
 */
const retriedWhileBrokerAway =
  (send: BatchSend, timeoutMs: number): BatchSend =>
  async (topic, messages) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        await send(topic, messages);
        return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  };

/** Sends a batch with a raw kafkajs producer, retrying while the broker is away. */
export const resilientSend = (producer: Producer, timeoutMs = 180_000): BatchSend =>
  retriedWhileBrokerAway(async (topic, messages) => {
    await producer.send({ topic, messages });
  }, timeoutMs);

/**
 * Sends a batch through the apps' publisher, retrying while the broker is
 * away. Raw kafkajs 2 resolves a send whose partition leader died mid-send
 * without sending that partition's messages (docs/scaling.md): a broker killed
 * during the stream would silently drop input. The publisher sends those again.
 */
export const resilientPublish = (publisher: KafkaPublisher, timeoutMs = 180_000): BatchSend =>
  retriedWhileBrokerAway(
    (topic, messages) => publisher.publish(messages.map(({ key, value }) => ({ topic, key, value }))),
    timeoutMs,
  );

/** A simulated history with 10% re-sent duplicates and 1% invalid inputs of every kind. */
export function poisonedScenario(
  seed: number,
  companies: string[],
  customers: number,
  eventsPerCustomer: number,
  maxEventBytes: number,
): { streams: Streams; bad: BadInput[]; events: number } {
  const scenario = generateScenario({
    seed,
    companies,
    customers,
    eventsPerCustomer,
    startDate: '2026-01-05',
  });
  const clean = scenario.streams as Streams;
  const valid = Object.values(clean).reduce((n, list) => n + list.length, 0);
  const { streams, bad } = withDuplicatesAndBadInput(
    clean,
    seed + 1,
    0.1,
    Math.max(ALL_POISON_KINDS.length, Math.round(valid / 100)),
    {
      kinds: ALL_POISON_KINDS,
      maxEventBytes,
    },
  );
  const events = Object.values(streams).reduce((n, list) => n + list.length, 0) + bad.length;
  return { streams, bad, events };
}

/**
 * Produces the streams and the bad inputs among them, surviving broker restarts;
 * with `spreadOverMs`, paced so that the stream lasts about that long (faults then hit mid-stream).
 */
export async function feed(
  h: StackHarness,
  streams: Streams,
  bad: BadInput[],
  batchSize = 500,
  spreadOverMs = 0,
): Promise<void> {
  const messages = Object.values(streams).reduce((n, list) => n + list.length, 0) + bad.length;
  const pause = spreadOverMs / Math.max(1, Math.ceil(messages / batchSize));
  const send = resilientPublish(h.publisher);
  await produceAll(
    async (topic, batch) => {
      await send(topic, batch);
      if (pause > 0) await sleep(pause);
    },
    h.stack.engine.kafka.topics,
    streams,
    bad,
    batchSize,
  );
}

export const expectedExposures = (h: StackHarness, streams: Streams): Map<string, ExpectedExposure> => {
  const params = { ...DEFAULT_PARAMETERS, timeZone: h.stack.engine.defaultTimeZone };
  return referenceExposures(streams, businessDateAt(new Date(), params.timeZone), params);
};

/**
 * The independent reference's exposures of the streams, read from the bytes the
 * producer sent, on today's business date with the specification's default parameters.
 */
export function independentExpectations(h: StackHarness, streams: Streams) {
  const reference = new IndependentReference();
  for (const [stream, envelopes] of Object.entries(streams) as [InputStream, RawEnvelope[]][]) {
    for (const envelope of envelopes) reference.apply(stream, encodeInputEvent(envelope));
  }
  const params = { ...SPEC_DEFAULT_PARAMETERS, timeZone: h.stack.engine.defaultTimeZone };
  return reference.exposures(new Date(), () => params);
}

export interface Verdict {
  mismatches: string[];
  /** Against the independent reference (written from the specification, not from the engine's code). */
  independent: string[];
  notifications: string[];
  applied: string[];
  deadLetters: string[];
  republished: number;
}

/**
 * Waits until everything is folded, then compares the end state with the
 * reference, the published history, the applied eventIds and the dead letters,
 * and reports the row (before any assertion, so failing figures are printed too).
 */
export async function verifyAndReport(
  h: StackHarness,
  run: {
    scenario: string;
    faults: number;
    events: number;
    streams: Streams;
    bad: BadInput[];
    notes?: string;
  },
  foldTimeoutMs = 600_000,
): Promise<Verdict> {
  await waitUntilFolded(h.stack, foldTimeoutMs);
  const expected = expectedExposures(h, run.streams);
  const mismatches = await exposureMismatches(h.stack, h.api, expected);
  const independent = await independentMismatches(h.stack, h.api, independentExpectations(h, run.streams));
  const notifications = await settledNotificationProblems(h.stack, h.recorder, expected);
  const applied = await appliedEventProblems(h.stack, run.streams);
  const dead = deadLetterProblems(h.stack, h.recorder, run.bad);
  const republished = republishedCount(h.stack, h.recorder);
  const row: FaultRow = {
    scenario: run.scenario,
    faults: run.faults,
    events: run.events,
    customers: expected.size,
    mismatches: new Set(
      [...mismatches, ...independent, ...applied].map((p) => p.split(':').slice(0, 2).join(':')),
    ).size,
    lostNotifications: notifications.length,
    deadLettered: dead.deadLettered,
    injected: run.bad.length,
    notes: [run.notes, republished > 0 ? `${republished} republished with the same eventId` : '']
      .filter(Boolean)
      .join('; '),
  };
  reportFault(row);
  return {
    mismatches: mismatches.slice(0, 5),
    independent: independent.slice(0, 5),
    notifications: notifications.slice(0, 5),
    applied: applied.slice(0, 5),
    deadLetters: dead.problems.slice(0, 5),
    republished,
  };
}

/** Kafka's committed offset of the engine's group against the applied offset the engine keeps in Redis, per partition. */
export async function commitProblems(h: StackHarness): Promise<string[]> {
  const t = h.stack.engine.kafka.topics;
  const inputs = [t.documents, t.journalEntries, t.billPortfolio, t.creditLimits, t.customers];
  const admin: Admin = h.stack.kafka.admin();
  await admin.connect();
  const redis = createRedis(h.stack.engine.redis, 'test-support');
  const problems: string[] = [];
  try {
    const committed = await admin.fetchOffsets({ groupId: h.stack.engine.groupId, topics: inputs });
    for (const { topic, partitions } of committed) {
      for (const { partition, offset } of partitions) {
        const applied = await redis.get(redisKeysOf(h.stack.engine).applied(topic, partition));
        // Nothing applied: nothing may be committed past the start (-1 or 0).
        const ok =
          applied === null ? offset === '-1' || offset === '0' : offset === String(BigInt(applied) + 1n);
        if (!ok) problems.push(`${topic}[${partition}]: committed ${offset}, applied up to ${applied}`);
      }
    }
  } finally {
    redis.disconnect();
    await admin.disconnect();
  }
  return problems;
}
