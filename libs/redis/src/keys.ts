import { partitionOfKey } from '@credit/kafka';

/**
 * Every key the product writes, under one prefix so that tests and tenants
 * never collide.
 *
 * The state of an input partition (its customers, applied offsets and
 * eventIds, outbox, review index, projection queue, history and rebuild
 * target) carries the partition as a hash tag (`{3}`): on a Redis Cluster all
 * of it lives in one slot, so a batch's commit is one script on one node, and
 * partitions spread over the cluster's masters. A customer's partition is the
 * one Kafka's default partitioner gives its key among the input topics'
 * `partitions` (spec 2: every event of a customer lands there). Only the
 * store's epoch and the company parameters are global, in a slot of their own
 * (`{global}`), so that they can be read together.
 */
export class RedisKeys {
  private readonly partitionByCustomer = new Map<string, number>();

  constructor(
    readonly prefix: string,
    /** The input topics' partition count (KAFKA_TOPIC_PARTITIONS). */
    readonly partitions: number,
  ) {}

  /** The input partition whose slot holds this customer's keys. */
  partitionOf(customerKey: string): number {
    let partition = this.partitionByCustomer.get(customerKey);
    if (partition === undefined) {
      // Bounded: a customer not seen for a while only costs one murmur2 again.
      if (this.partitionByCustomer.size >= 100_000) this.partitionByCustomer.clear();
      partition = partitionOfKey(customerKey, this.partitions);
      this.partitionByCustomer.set(customerKey, partition);
    }
    return partition;
  }

  /** Every input partition, in order. */
  allPartitions(): number[] {
    return Array.from({ length: this.partitions }, (_, p) => p);
  }

  /** The beginning of every key of an input partition: its hash tag. */
  readonly slot = (partition: number) => `${this.prefix}{${partition}}`;
  private readonly global = () => `${this.prefix}{global}`;
  private readonly ofCustomer = (customerKey: string) => this.slot(this.partitionOf(customerKey));

  customer = (customerKey: string) => `${this.ofCustomer(customerKey)}customer:${customerKey}`;
  /** Per input topic and customer: applied eventId -> its occurredAt (ms), forgotten past the window (spec 4.1). */
  appliedIds = (topic: string, customerKey: string) =>
    `${this.ofCustomer(customerKey)}applied-ids:${topic}:${customerKey}`;
  /** Per customer: `<documentType>:<documentId>` -> the document's hold steps (DocumentHolds). */
  documentHolds = (customerKey: string) => `${this.ofCustomer(customerKey)}document-holds:${customerKey}`;

  /** The last offset of `topic` applied to the partition's state ('-' names the commits of no input: reviews). */
  applied = (topic: string, partition: number) => `${this.slot(partition)}applied:${topic}`;
  outbox = (partition: number) => `${this.slot(partition)}outbox`;
  /** Customers whose projection is behind: customer key -> the version that made it so. */
  projectionDue = (partition: number) => `${this.slot(partition)}projection-due`;
  /** The output events still to be copied into the history table. */
  history = (partition: number) => `${this.slot(partition)}history`;
  review = (partition: number) => `${this.slot(partition)}review`;
  /** `<topic>` -> the offset the partition must reach before its customers count as rebuilt (RebuildMarker). */
  rebuild = (partition: number) => `${this.slot(partition)}rebuild`;
  /** The partition's customers of a company: a change of the company's parameters reviews them. */
  companyCustomers = (companyId: string, partition: number) =>
    `${this.slot(partition)}company-customers:${companyId}`;
  /**
   * The company's parameters as the partition last had its customers reviewed
   * for them (CompanyParametersStore.save): what a forced review is measured
   * against in the partition's commits.
   */
  reviewedParameters = (companyId: string, partition: number) =>
    `${this.slot(partition)}reviewed-parameters:${companyId}`;

  /** Held by the one instance that publishes the partition's outbox (OutboxRelay): its value fences the others. */
  relayLease = (partition: number) => `${this.slot(partition)}relay-lease`;

  /** The store's creation time: absent when the store is new or was lost. */
  readonly epoch = () => `${this.global()}epoch`;
  companyParameters = (companyId: string) => `${this.global()}company-parameters:${companyId}`;

  readonly pattern = () => `${this.prefix}*`;
}

/** The key recipe of an app's settings: its prefix and the input topics' partition count. */
export const redisKeysOf = (settings: {
  redis: { keyPrefix: string };
  kafka: { partitions: number };
}): RedisKeys => new RedisKeys(settings.redis.keyPrefix, settings.kafka.partitions);
