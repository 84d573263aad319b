import type { Admin, Kafka } from 'kafkajs';

/** A partition's offsets in Kafka: `high` is the offset the next message will get, `low` the oldest kept. */
export interface Watermark {
  partition: number;
  high: string;
  low: string;
}

export interface PartitionLag {
  topic: string;
  partition: number;
  lag: number;
}

export interface PartitionRef {
  topic: string;
  partition: number;
}

/** The watermarks of one topic's partitions (kafkajs `admin.fetchTopicOffsets`). */
export type FetchWatermarks = (topic: string) => Promise<Watermark[]>;

/** The applied offsets of these partitions, in the same order (null: nothing applied yet). */
export type ReadAppliedOffsets = (partitions: PartitionRef[]) => Promise<(string | null)[]>;

/**
 * Messages in the partition not yet applied: `high - 1 - applied`; when nothing
 * was applied, every message still kept (`high - low`). Never negative (the
 * watermark may be a little older than the applied offset).
 */
export function partitionLag(watermark: Watermark, applied: string | null): number {
  const high = BigInt(watermark.high);
  const lag = applied === null ? high - BigInt(watermark.low) : high - 1n - BigInt(applied);
  return lag > 0n ? Number(lag) : 0;
}

/**
 * The lag of each partition of the input topics, computed when scraped from
 * Kafka's high watermarks (cached for `ttlMs`, so frequent scrapes do not load
 * the brokers) and the applied offsets the engine keeps with its state. The
 * applied offset, not the group's committed offset, is the truth: Kafka's commit
 * is only a resume hint. Every engine instance reports every partition (the
 * positions are shared): aggregate instances with max(), not sum().
 */
export class ConsumerLagProbe {
  private cached?: { at: number; watermarks: Promise<Map<string, Watermark[]>> };

  constructor(
    private readonly topics: readonly string[],
    private readonly fetchWatermarks: FetchWatermarks,
    private readonly readApplied: ReadAppliedOffsets,
    private readonly ttlMs = 2_000,
    private readonly now: () => number = Date.now,
  ) {}

  async sample(): Promise<PartitionLag[]> {
    const watermarks = await this.watermarks();
    const refs: (PartitionRef & { watermark: Watermark })[] = [];
    for (const topic of this.topics) {
      for (const watermark of watermarks.get(topic) ?? []) {
        refs.push({ topic, partition: watermark.partition, watermark });
      }
    }
    if (refs.length === 0) return [];
    const applied = await this.readApplied(refs.map(({ topic, partition }) => ({ topic, partition })));
    return refs.map(({ topic, partition, watermark }, i) => ({
      topic,
      partition,
      lag: partitionLag(watermark, applied[i] ?? null),
    }));
  }

  private watermarks(): Promise<Map<string, Watermark[]>> {
    const now = this.now();
    if (this.cached === undefined || now - this.cached.at >= this.ttlMs) {
      const watermarks = Promise.all(
        this.topics.map(async (topic) => [topic, await this.fetchWatermarks(topic)] as const),
      ).then((entries) => new Map(entries));
      const entry = { at: now, watermarks };
      this.cached = entry;
      // A failed fetch is not cached: the next scrape asks again.
      watermarks.catch(() => {
        if (this.cached === entry) this.cached = undefined;
      });
    }
    return this.cached.watermarks;
  }
}

/**
 * Watermarks from a Kafka admin client, connected on first use and kept for
 * later scrapes (kafkajs reconnects it by itself; a failed first connection is
 * tried again at the next scrape). `close()` disconnects it.
 */
export function kafkaWatermarks(kafka: Pick<Kafka, 'admin'>): {
  fetch: FetchWatermarks;
  close(): Promise<void>;
} {
  let admin: Promise<Admin> | undefined;
  const connected = (): Promise<Admin> => {
    if (admin === undefined) {
      const client = kafka.admin();
      const connecting = client.connect().then(() => client);
      admin = connecting;
      connecting.catch(() => {
        if (admin === connecting) admin = undefined;
      });
    }
    return admin;
  };
  return {
    fetch: async (topic) => {
      const offsets = await (await connected()).fetchTopicOffsets(topic);
      return offsets.map(({ partition, high, low }) => ({ partition, high, low }));
    },
    close: async () => {
      const current = admin;
      admin = undefined;
      if (current) await (await current.catch(() => undefined))?.disconnect();
    },
  };
}
