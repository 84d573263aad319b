import { Logger } from '@nestjs/common';
import { Kafka } from 'kafkajs';
import { RedisClient } from '@credit/redis';
import { DataSource } from 'typeorm';
import { EngineSettings } from '@credit/config';
import { InboundBatch, PartitionSeek, topicConfigs, truncatedHistory } from '@credit/kafka';
import { CompanyParametersChangesRepository, isNeverMigrated } from '@credit/postgres';
import { CompanyParametersStore, RebuildMarker, RebuildTarget, RedisKeys, redisKeysOf } from '@credit/redis';
import { CompanyParametersSource } from './company-parameters';

/**
 * Where the state store's history comes from and how it is rebuilt. Kafka's
 * committed offsets say what the group read; only the store says what it
 * folded. So:
 * - a store without an epoch (new, or lost) gets its company parameters back
 *   from Postgres before anything is folded, then an epoch and, in the same
 *   step, the end of every input partition as the target of its rebuild;
 * - a batch that starts after the store's applied offset + 1 (the store is
 *   behind Kafka: a snapshot restored, a lagging replica promoted, a partition
 *   first folded by an instance that did not create the epoch) is not folded:
 *   the partition is read again from the store's position, and marked
 *   rebuilding up to its end, so the API does not decide on it meanwhile;
 * - at start-up, input topics that delete or compact history are refused.
 */
export class StoreRebuild {
  private readonly logger = new Logger('StoreRebuild');
  private readonly keys: RedisKeys;
  private readonly marker: RebuildMarker;
  private readonly parametersStore: CompanyParametersStore;
  private readonly inputTopics: string[];

  constructor(
    private readonly settings: EngineSettings,
    private readonly kafka: Kafka,
    private readonly redis: RedisClient,
    private readonly db: DataSource,
    private readonly parameters: CompanyParametersSource,
  ) {
    this.keys = redisKeysOf(settings);
    this.marker = new RebuildMarker(redis, this.keys);
    this.parametersStore = new CompanyParametersStore(redis, this.keys);
    const t = settings.kafka.topics;
    this.inputTopics = [t.documents, t.journalEntries, t.billPortfolio, t.creditLimits, t.customers];
  }

  /**
   * The store's epoch; when there is none, restores the company parameters and
   * creates it with the rebuild targets. `created`: this call created it.
   */
  async ensureEpoch(now: Date): Promise<{ epoch: number; created: boolean }> {
    const current = await this.redis.get(this.keys.epoch());
    if (current !== null) return { epoch: Number(current), created: false };
    const restored = await this.restoreParameters();
    const targets = await this.endOffsets();
    const result = await this.marker.begin(String(now.getTime()), targets);
    // Whoever created the epoch, the parameters read before it may have been the defaults of an empty store.
    this.parameters.forget();
    this.folded.clear();
    const toRebuild = targets.filter((t) => t.lastOffset >= 0n).length;
    if (result.created && (toRebuild > 0 || restored > 0)) {
      this.logger.warn(
        `The state store is new or was lost: new epoch ${result.epoch}, ${restored} companies' parameters ` +
          `restored from Postgres, ${toRebuild} partitions to rebuild`,
      );
    }
    return result;
  }

  /**
   * Null when the batch follows what the store applied; else the offset to
   * read the partition again from (the store's applied offset + 1, or the
   * log's start when retention removed that, accepted at start-up).
   */
  async resumePoint(batch: InboundBatch, appliedOffset: string | null): Promise<string | null> {
    if (batch.fetchedOffset === undefined) return null;
    const next = appliedOffset === null ? 0n : BigInt(appliedOffset) + 1n;
    const fetched = BigInt(batch.fetchedOffset);
    if (fetched <= next) return null;
    const where = `${batch.topic}[${batch.partition}]`;
    const logStart = await this.logStart(batch.topic, batch.partition);
    const from = next > logStart ? next : logStart;
    if (fetched <= from) {
      this.logger.error(
        `${where}: the store needs offsets from ${next} but the topic starts at ${logStart} ` +
          `(history deleted, accepted by ENGINE_ACCEPT_TRUNCATED_TOPICS): folding from ${fetched}`,
      );
      return null;
    }
    const high = batch.highWatermark === undefined ? fetched : BigInt(batch.highWatermark);
    await this.marker.behind({ topic: batch.topic, partition: batch.partition, lastOffset: high - 1n });
    this.logger.warn(
      `${where}: the state store applied up to ${appliedOffset ?? 'nothing'} but Kafka resumes at ${fetched}: ` +
        `reading again from ${from}`,
    );
    return from.toString();
  }

  /** Whether the partition's state is being folded again (or the store was lost): not whole yet. */
  async rebuilding(partition: number): Promise<boolean> {
    return (await this.marker.pending(partition, this.inputTopics)) !== null;
  }

  /**
   * On an assignment: the partitions whose store is behind the group's
   * committed offset (a store new to them, restored from a snapshot, failed
   * over to a lagging replica), each to be read again from the store's
   * position; marked rebuilding up to their end meanwhile.
   */
  async resumePositions(assignment: Record<string, number[]>): Promise<PartitionSeek[]> {
    const seeks: PartitionSeek[] = [];
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      for (const [topic, partitions] of Object.entries(assignment)) {
        if (partitions.length === 0) continue;
        const [committed] = await admin.fetchOffsets({ groupId: this.settings.groupId, topics: [topic] });
        const ends = await admin.fetchTopicOffsets(topic);
        const applied = await this.appliedOffsets(partitions.map((partition) => ({ topic, partition })));
        partitions.forEach((partition, i) => {
          const end = ends.find((e) => e.partition === partition);
          if (!end) return;
          const low = BigInt(end.low);
          const offset = committed?.partitions.find((c) => c.partition === partition)?.offset ?? '-1';
          // No committed offset: the group starts from the earliest (fromBeginning).
          const resumesAt = offset === '-1' ? low : BigInt(offset);
          const next = applied[i] === null ? 0n : BigInt(applied[i]!) + 1n;
          const from = next > low ? next : low;
          if (from >= resumesAt) return;
          seeks.push({ topic, partition, offset: from.toString() });
          this.rememberFolded(topic, partition, applied[i]);
        });
        for (const seek of seeks.filter((s) => s.topic === topic)) {
          const end = ends.find((e) => e.partition === seek.partition)!;
          await this.marker.behind({ topic, partition: seek.partition, lastOffset: BigInt(end.high) - 1n });
        }
      }
    } finally {
      await admin.disconnect();
    }
    if (seeks.length > 0) {
      this.logger.warn(
        `The state store is behind the group's committed offsets: reading again ` +
          seeks.map((s) => `${s.topic}[${s.partition}] from ${s.offset}`).join(', '),
      );
    }
    return seeks;
  }

  /** The applied offset this instance last wrote per partition: a lower one in the store means it went back. */
  private readonly folded = new Map<string, { topic: string; partition: number; offset: bigint }>();

  /** Called after each commit of a batch. */
  rememberFolded(topic: string, partition: number, offset: string | null): void {
    const key = `${topic}:${partition}`;
    if (offset === null) this.folded.delete(key);
    else this.folded.set(key, { topic, partition, offset: BigInt(offset) });
  }

  /**
   * The partitions whose applied offset in the store went back below what this
   * instance wrote (a snapshot restored, a lagging replica promoted, with the
   * same epoch), each to be read again from the store's position: an idle
   * partition would otherwise never notice.
   */
  async regressedPartitions(): Promise<PartitionSeek[]> {
    const folded = [...this.folded.values()];
    if (folded.length === 0) return [];
    const stored = await this.appliedOffsets(folded);
    const seeks: PartitionSeek[] = [];
    for (const [i, f] of folded.entries()) {
      const now = stored[i] === null ? -1n : BigInt(stored[i]!);
      if (now >= f.offset) continue;
      this.logger.warn(
        `${f.topic}[${f.partition}]: the state store went back from offset ${f.offset} to ${stored[i] ?? 'nothing'}: ` +
          `reading again from ${now + 1n}`,
      );
      this.rememberFolded(f.topic, f.partition, stored[i]);
      await this.marker.behind({ topic: f.topic, partition: f.partition, lastOffset: f.offset });
      seeks.push({ topic: f.topic, partition: f.partition, offset: (now + 1n).toString() });
    }
    return seeks;
  }

  /** The store's applied offset of each partition: one GET each, in as many slots of a Redis Cluster. */
  private appliedOffsets(partitions: { topic: string; partition: number }[]): Promise<(string | null)[]> {
    return Promise.all(partitions.map((p) => this.redis.get(this.keys.applied(p.topic, p.partition))));
  }

  /** Refuses to start on input topics that cannot give a rebuild their whole history, unless accepted. */
  async checkRetention(): Promise<void> {
    await this.checkPartitionCounts();
    const configs = await topicConfigs(this.kafka, this.inputTopics);
    const customers = this.settings.kafka.topics.customers;
    const problems = this.inputTopics.flatMap((topic) =>
      truncatedHistory(topic, configs.get(topic) ?? {}, topic === customers),
    );
    if (problems.length === 0) return;
    if (this.settings.acceptTruncatedTopics) {
      this.logger.warn(
        `Input topics lose history (accepted by ENGINE_ACCEPT_TRUNCATED_TOPICS=true; a rebuild of the state ` +
          `will miss the deleted events): ${problems.join('; ')}`,
      );
      return;
    }
    throw new Error(
      `Input topics lose history a rebuild of the state needs: ${problems.join('; ')}. ` +
        `Change the topics, or set ENGINE_ACCEPT_TRUNCATED_TOPICS=true to accept partial rebuilds.`,
    );
  }

  /**
   * Refuses input topics whose partition count is not KAFKA_TOPIC_PARTITIONS:
   * a customer's state lives in the Redis slot of the partition computed with
   * it (RedisKeys), and co-partitioning relies on one count.
   */
  private async checkPartitionCounts(): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: this.inputTopics });
      const wrong = topics.filter((t) => t.partitions.length !== this.settings.kafka.partitions);
      if (wrong.length > 0) {
        throw new Error(
          `Input topics with another partition count than KAFKA_TOPIC_PARTITIONS=${this.settings.kafka.partitions}: ` +
            wrong.map((t) => `${t.name} (${t.partitions.length})`).join(', ') +
            ': the state is kept per partition computed with that count, and co-partitioning relies on one count. ' +
            'Set KAFKA_TOPIC_PARTITIONS to the count the topics have.',
        );
      }
    } finally {
      await admin.disconnect();
    }
  }

  /** Puts back each company's latest audited parameters where Redis has none; returns how many. */
  private async restoreParameters(): Promise<number> {
    let rows;
    try {
      if (!this.db.isInitialized)
        await this.db.initialize().catch((error: unknown) => {
          if (!this.db.isInitialized) throw error;
        });
      rows = await new CompanyParametersChangesRepository(this.db).latestOfEveryCompany();
    } catch (error) {
      // The API has not migrated the database yet: no parameter was ever changed.
      if (isNeverMigrated(error)) return 0;
      throw error;
    }
    let restored = 0;
    for (const row of rows) {
      if (await this.parametersStore.restoreIfAbsent(row.companyId, JSON.stringify(row.after))) restored += 1;
    }
    return restored;
  }

  private async endOffsets(): Promise<RebuildTarget[]> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const targets: RebuildTarget[] = [];
      for (const topic of this.inputTopics) {
        for (const p of await admin.fetchTopicOffsets(topic)) {
          targets.push({ topic, partition: p.partition, lastOffset: BigInt(p.high) - 1n });
        }
      }
      return targets;
    } finally {
      await admin.disconnect();
    }
  }

  private async logStart(topic: string, partition: number): Promise<bigint> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const found = (await admin.fetchTopicOffsets(topic)).find((p) => p.partition === partition);
      return found ? BigInt(found.low) : 0n;
    } finally {
      await admin.disconnect();
    }
  }
}
