import { INestApplication } from '@nestjs/common';
import { Producer } from 'kafkajs';
import { businessDateAt, DEFAULT_PARAMETERS } from '@credit/domain';
import { customerKey } from '@credit/contracts';
import { generateScenario } from '../../apps/erp-simulator/src/scenario';
import { isolatedStack, IsolatedStack } from '../support/isolated-stack';
import { TopicRecorder } from '../support/kafka-io';
import { startApi, startEngine, TestClock } from '../support/running-apps';
import { EngineProcess } from '../support/engine-process';
import { waitUntilFolded } from '../support/folding';
import { ExpectedExposure, referenceExposures, Streams } from '../support/reference';
import {
  exposureMismatches,
  notificationProblems,
  settledNotificationProblems,
} from '../support/verification';
import { produceAll, withDuplicatesAndBadInput } from '../support/scenario-feed';

interface Harness {
  stack: IsolatedStack;
  api: INestApplication;
  producer: Producer;
  recorder: TopicRecorder;
}

async function harness(): Promise<Harness> {
  const stack = await isolatedStack();
  const t = stack.engine.kafka.topics;
  const recorder = new TopicRecorder(
    stack.kafka,
    [t.breaches, t.blocks, t.collections, t.deadLetter],
    `rec-${stack.id}`,
  );
  await recorder.start();
  const producer = stack.kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const api = await startApi(stack);
  return { stack, api, producer, recorder };
}

async function close(h: Harness | undefined): Promise<void> {
  if (!h) return;
  await h.producer.disconnect();
  await h.recorder.stop();
  await h.api.close();
  await h.stack.cleanup();
}

const send = (h: Harness) => (topic: string, messages: { key: string; value: Buffer }[]) =>
  h.producer.send({ topic, messages });

const mismatches = (h: Harness, expected: Map<string, ExpectedExposure>) =>
  exposureMismatches(h.stack, h.api, expected);

const historyProblems = (h: Harness, expected: Map<string, ExpectedExposure>) =>
  notificationProblems(h.stack, h.recorder, expected);

const recorderCaughtUp = (h: Harness, expected: Map<string, ExpectedExposure>) =>
  settledNotificationProblems(h.stack, h.recorder, expected, 30_000);

describe('exactly once, whatever Kafka and the process do', () => {
  let h: Harness | undefined;

  afterEach(async () => {
    await close(h);
    h = undefined;
  });

  it('folds a random multi-customer history with duplicates and bad events exactly like the reference', async () => {
    h = await harness();
    const clock = new TestClock(new Date('2026-06-30T10:00:00Z'));
    const engine = await startEngine(h.stack, clock);
    try {
      const scenario = generateScenario({
        seed: 7,
        companies: ['IT01', 'DE01'],
        customers: 40,
        startDate: '2026-01-05',
      });
      const { streams, bad } = withDuplicatesAndBadInput(scenario.streams as Streams, 11);
      await produceAll(send(h), h.stack.engine.kafka.topics, streams, bad);
      await waitUntilFolded(h.stack);
      const params = { ...DEFAULT_PARAMETERS, timeZone: h.stack.engine.defaultTimeZone };
      const expected = referenceExposures(streams, businessDateAt(clock.now(), params.timeZone), params);
      expect(expected.size).toBe(80);
      expect(await mismatches(h, expected)).toEqual([]);
      await recorderCaughtUp(h, expected);
      expect(historyProblems(h, expected)).toEqual([]);

      const deadLetters = h.recorder.received.get(h.stack.engine.kafka.topics.deadLetter)!;
      expect(deadLetters).toHaveLength(bad.length);
      const byBytes = new Map(deadLetters.map((d) => [d.value.toString('base64'), d.headers['dlq.reason']]));
      for (const input of bad) expect(byBytes.get(input.value.toString('base64'))).toBe(input.reason);
    } finally {
      await engine.close();
    }
  });

  it('ends in the exact state after the engine process is killed twice mid-stream', async () => {
    h = await harness();
    const engine = new EngineProcess(h.stack);
    engine.start();
    try {
      const scenario = generateScenario({
        seed: 21,
        companies: ['IT01'],
        customers: 150,
        startDate: '2026-01-05',
      });
      const { streams } = withDuplicatesAndBadInput(scenario.streams as Streams, 5, 0.1, 0);
      const producing = produceAll(send(h), h.stack.engine.kafka.topics, streams, [], 200);
      for (const pause of [1500, 1500]) {
        await new Promise((r) => setTimeout(r, pause));
        await engine.kill();
        engine.start();
      }
      await producing;
      await waitUntilFolded(h.stack);
      const params = { ...DEFAULT_PARAMETERS, timeZone: h.stack.engine.defaultTimeZone };
      const expected = referenceExposures(streams, businessDateAt(new Date(), params.timeZone), params);
      expect(await mismatches(h, expected)).toEqual([]);
      await recorderCaughtUp(h, expected);
      expect(historyProblems(h, expected)).toEqual([]);
    } finally {
      await engine.terminate();
    }
  });

  it('ends in the exact state with two instances in one group when one stops mid-stream', async () => {
    h = await harness();
    const first = new EngineProcess(h.stack);
    const second = new EngineProcess(h.stack, { ENGINE_HEALTH_PORT: '0' });
    first.start();
    second.start();
    try {
      const scenario = generateScenario({
        seed: 33,
        companies: ['IT01', 'DE01'],
        customers: 75,
        startDate: '2026-01-05',
      });
      const { streams } = withDuplicatesAndBadInput(scenario.streams as Streams, 9, 0.05, 0);
      const producing = produceAll(send(h), h.stack.engine.kafka.topics, streams, [], 200);
      await new Promise((r) => setTimeout(r, 2500));
      await second.kill();
      await producing;
      await waitUntilFolded(h.stack);
      const params = { ...DEFAULT_PARAMETERS, timeZone: h.stack.engine.defaultTimeZone };
      const expected = referenceExposures(streams, businessDateAt(new Date(), params.timeZone), params);
      expect(await mismatches(h, expected)).toEqual([]);
      await recorderCaughtUp(h, expected);
      expect(historyProblems(h, expected)).toEqual([]);
      expect([...expected.keys()]).toContain(customerKey('DE01', 'C00001'));
    } finally {
      await first.terminate();
      await second.terminate();
    }
  });
});
