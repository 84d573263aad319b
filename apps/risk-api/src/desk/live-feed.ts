import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { Consumer, Kafka } from 'kafkajs';
import { outputEnvelopeOf, type LiveEvent } from '@credit/contracts';

export type { LiveEvent };

export type LiveListener = (event: LiveEvent) => void;

/** Decodes one message of risk.breaches / risk.blocks / risk.collections; anything that is not a well-formed event is skipped. */
export const liveEventOf = outputEnvelopeOf;

/**
 * Reads the engine's and the API's output topics for the desk's live updates.
 *
 * Every API instance has its own consumer group (a random id), so each one sees
 * every event whichever instance a browser is connected to. It starts at the end
 * of the topics: a browser loads the current state over HTTP when its stream is
 * ready and only needs what happens after. Offsets are never committed (nothing
 * to resume), and the group is deleted on shutdown.
 */
export class LiveFeed {
  private readonly logger = new Logger('LiveFeed');
  private readonly listeners = new Map<string, Set<LiveListener>>();
  private readonly groupId: string;
  private consumer?: Consumer;
  private started?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly kafka: Kafka,
    private readonly topics: string[],
    clientId: string,
  ) {
    this.groupId = `${clientId}-desk-live-${randomUUID()}`;
  }

  /** Resolves once events published from now on are delivered; starts the consumer on first call. */
  ready(): Promise<void> {
    this.started ??= this.start().catch((error: unknown) => {
      this.started = undefined;
      throw error;
    });
    return this.started;
  }

  /** Calls `listener` with every event of `companyId` until the returned function is called. */
  subscribe(companyId: string, listener: LiveListener): () => void {
    const set = this.listeners.get(companyId) ?? new Set<LiveListener>();
    set.add(listener);
    this.listeners.set(companyId, set);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(companyId);
    };
  }

  private async start(): Promise<void> {
    // The end of each partition now: after joining, the consumer is moved there, so no
    // event published after ready() resolves can fall between "latest" and the first fetch.
    const admin = this.kafka.admin();
    await admin.connect();
    const ends = new Map<string, { partition: number; offset: string }[]>();
    try {
      for (const topic of this.topics) ends.set(topic, await admin.fetchTopicOffsets(topic));
    } finally {
      await admin.disconnect();
    }
    const consumer = this.kafka.consumer({
      groupId: this.groupId,
      sessionTimeout: 10_000,
      heartbeatInterval: 1_000,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: 500,
    });
    this.consumer = consumer;
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    await consumer.connect();
    await consumer.subscribe({ topics: this.topics, fromBeginning: false });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ message }) => {
        const event = liveEventOf(message.value);
        if (!event) return;
        for (const listener of this.listeners.get(event.companyId) ?? []) {
          try {
            listener(event);
          } catch (error) {
            this.logger.warn(`a live listener failed: ${String(error)}`);
          }
        }
      },
    });
    await joined;
    if (this.stopped) return;
    for (const [topic, partitions] of ends) {
      for (const { partition, offset } of partitions) consumer.seek({ topic, partition, offset });
    }
    this.logger.log(`live updates from ${this.topics.join(', ')} (group ${this.groupId})`);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.listeners.clear();
    if (!this.consumer) return;
    await this.consumer.disconnect().catch(() => undefined);
    const admin = this.kafka.admin();
    try {
      await admin.connect();
      await admin.deleteGroups([this.groupId]);
    } catch (error) {
      this.logger.warn(`could not delete consumer group ${this.groupId}: ${String(error)}`);
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }
}
