import { connect } from 'node:net';
import { KafkaSettings } from '@credit/config';
import { inputMessage } from '@credit/contracts';
import { createKafka, ensureTopics, KafkaPublisher, OutboundMessage, topicSpecs } from '@credit/kafka';
import { SequencedEvent } from './scenario';

/** Kafka could not be reached or refused the work; the message names the brokers. */
export class KafkaProblem extends Error {
  override readonly name = 'KafkaProblem';
}

const describeError = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Resolves if a TCP connection to `host:port` opens within the timeout. */
function reachable(broker: string, timeoutMs: number): Promise<string | null> {
  const at = broker.lastIndexOf(':');
  const host = broker.slice(0, at);
  const port = Number(broker.slice(at + 1));
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (problem: string | null) => {
      socket.destroy();
      resolve(problem);
    };
    socket.setTimeout(timeoutMs, () => done(`${broker}: no answer within ${timeoutMs} ms`));
    socket.once('connect', () => done(null));
    socket.once('error', (error) => done(`${broker}: ${error.message}`));
  });
}

/**
 * Fails fast, with the broker list, when no broker accepts a connection (kafkajs would
 * otherwise retry for a long while before giving up with a less helpful message).
 */
export async function probeBrokers(brokers: readonly string[], timeoutMs = 3000): Promise<void> {
  const problems = await Promise.all(brokers.map((b) => reachable(b, timeoutMs)));
  if (problems.every((p) => p !== null)) {
    throw new KafkaProblem(
      `Kafka is not reachable at ${brokers.join(', ')} (KAFKA_BROKERS): ${problems.join('; ')}. ` +
        'Start it (npm run kafka -- start) or point KAFKA_BROKERS at a running broker.',
    );
  }
}

/** The Kafka message of a simulated event, on the topic configured for its stream. */
export const outbound = (settings: KafkaSettings, { stream, envelope }: SequencedEvent): OutboundMessage => {
  const { key, value } = inputMessage(envelope);
  return { topic: settings.topics[stream], key, value };
};

export interface Sender {
  send(messages: OutboundMessage[]): Promise<void>;
  close(): Promise<void>;
}

/** Checks the brokers, creates the missing topics and connects an idempotent producer. */
export async function openSender(settings: KafkaSettings, log: (line: string) => void): Promise<Sender> {
  const brokers = settings.brokers.join(', ');
  await probeBrokers(settings.brokers);
  const kafka = createKafka(settings, 'simulator');
  try {
    const created = await ensureTopics(kafka, topicSpecs(settings));
    if (created.length > 0) log(`created topics: ${created.join(', ')}`);
  } catch (error) {
    throw new KafkaProblem(`could not create the topics on Kafka at ${brokers}: ${describeError(error)}`);
  }
  const publisher = new KafkaPublisher(kafka);
  try {
    await publisher.connect();
  } catch (error) {
    throw new KafkaProblem(`could not connect a producer to Kafka at ${brokers}: ${describeError(error)}`);
  }
  return {
    send: async (messages) => {
      try {
        await publisher.publish(messages);
      } catch (error) {
        throw new KafkaProblem(`sending to Kafka at ${brokers} failed: ${describeError(error)}`);
      }
    },
    close: () => publisher.disconnect(),
  };
}

export interface PacingOptions {
  /** Events per second; 0 = as fast as possible. */
  rate: number;
  /** Largest batch handed to the producer (default 500). */
  maxBatch?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Asked before every batch: false stops early (Ctrl-C). */
  keepGoing?: () => boolean;
  onBatch?: (sent: number) => void;
}

export interface SendReport {
  sent: number;
  byTopic: Map<string, number>;
  elapsedMs: number;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Sends messages in order, in batches: as fast as possible with `rate` 0, else holding
 * the average at `rate` events per second (batches of about a tenth of a second's worth).
 */
export async function sendPaced(
  messages: readonly OutboundMessage[],
  send: (batch: OutboundMessage[]) => Promise<void>,
  options: PacingOptions,
): Promise<SendReport> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? realSleep;
  const maxBatch = options.maxBatch ?? 500;
  const batchSize =
    options.rate > 0 ? Math.max(1, Math.min(maxBatch, Math.ceil(options.rate / 10))) : maxBatch;
  const byTopic = new Map<string, number>();
  const started = now();
  let sent = 0;
  while (sent < messages.length && (options.keepGoing?.() ?? true)) {
    if (options.rate > 0) {
      const due = started + (sent * 1000) / options.rate;
      const wait = due - now();
      if (wait > 0) await sleep(wait);
    }
    const batch = messages.slice(sent, sent + batchSize);
    await send(batch);
    for (const m of batch) byTopic.set(m.topic, (byTopic.get(m.topic) ?? 0) + 1);
    sent += batch.length;
    options.onBatch?.(sent);
  }
  return { sent, byTopic, elapsedMs: now() - started };
}
