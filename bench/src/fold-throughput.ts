import { Batch, Kafka } from 'kafkajs';
import { RedisClient, RedisKeys } from '@credit/redis';
import { TopicNames } from '@credit/config';
import { decodeInputEvent, InputStream } from '@credit/contracts';
import { businessDateAt, CompanyParameters, Fact } from '@credit/domain';
import { DomainFold } from './domain-fold';

export const inputTopics = (t: TopicNames) => [
  t.documents,
  t.journalEntries,
  t.billPortfolio,
  t.creditLimits,
  t.customers,
];

/** High watermarks of every input partition: where "consumed everything" is. */
export async function inputEnds(kafka: Kafka, topics: string[]): Promise<[string, number, bigint][]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ends: [string, number, bigint][] = [];
    for (const topic of topics) {
      for (const p of await admin.fetchTopicOffsets(topic)) ends.push([topic, p.partition, BigInt(p.high)]);
    }
    return ends;
  } finally {
    await admin.disconnect();
  }
}

/**
 * Reads every message of the topics once with a fresh consumer group, handing
 * each batch to `handle` (which returns how many messages it took), until
 * `total` are taken. Returns the seconds from the first batch to the last, so
 * that joining the group is not counted (the engine's start-up is reported on
 * its own).
 */
async function timedConsume(
  kafka: Kafka,
  topics: string[],
  total: number,
  groupId: string,
  handle: (batch: Batch) => number,
): Promise<number> {
  const consumer = kafka.consumer({ groupId, maxBytesPerPartition: 1_048_576 });
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning: true });
  let started = 0n;
  let seen = 0;
  const done = new Promise<void>((resolve) => {
    void consumer.run({
      eachBatch: async ({ batch }) => {
        if (started === 0n) started = process.hrtime.bigint();
        seen += handle(batch);
        if (seen >= total) resolve();
      },
    });
  });
  await done;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await consumer.disconnect();
  return seconds;
}

/** The baseline: a bare kafkajs consumer doing eachBatch + JSON.parse and nothing else. */
export const bareConsume = (kafka: Kafka, topics: string[], total: number, groupId: string) =>
  timedConsume(kafka, topics, total, groupId, (batch) => {
    let parsed = 0;
    // Counting what was parsed keeps the parse from being optimised away.
    for (const m of batch.messages) if (JSON.parse(m.value!.toString()).eventId) parsed += 1;
    return parsed;
  });

/**
 * The floor under any engine that follows the specification: the bare consumer
 * plus the pure domain work every event needs whatever the design (strict
 * validation, applying the fact, re-evaluating the customer on every change,
 * spec section 5), folded as the engine folds (DomainFold: one draft per customer
 * per batch), with the customers in a Map and no I/O at all: no Redis, no
 * outbox, no exactly-once bookkeeping. Returns seconds, timed like bareConsume.
 */
export function domainFloorConsume(
  kafka: Kafka,
  streams: Map<string, InputStream>,
  total: number,
  groupId: string,
  params: CompanyParameters,
): Promise<number> {
  const fold = new DomainFold(params);
  const businessDate = businessDateAt(new Date(), params.timeZone);
  return timedConsume(kafka, [...streams.keys()], total, groupId, (batch) => {
    const stream = streams.get(batch.topic)!;
    const facts: Fact[] = [];
    for (const m of batch.messages) {
      const decoded = decodeInputEvent(stream, m.key, m.value);
      if (decoded.ok) facts.push(decoded.fact);
    }
    fold.batch(facts, businessDate);
    return batch.messages.length;
  });
}

/**
 * Resolves when the engine has applied every input message (its applied offsets
 * reach the ends), with the time its first batch was applied.
 */
export async function waitForApplied(
  redis: RedisClient,
  keys: RedisKeys,
  ends: [string, number, bigint][],
  timeoutMs = 600_000,
): Promise<{ firstAppliedAt: bigint }> {
  const offsets = ends.map(([topic, partition]) => keys.applied(topic, partition));
  const deadline = Date.now() + timeoutMs;
  let firstAppliedAt = 0n;
  for (;;) {
    const applied = await Promise.all(offsets.map((key) => redis.get(key)));
    if (firstAppliedAt === 0n && applied.some((a) => a !== null)) firstAppliedAt = process.hrtime.bigint();
    if (applied.every((a, i) => ends[i][2] === 0n || (a !== null && BigInt(a) >= ends[i][2] - 1n))) {
      return { firstAppliedAt };
    }
    if (Date.now() > deadline) throw new Error('the engine did not catch up in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
