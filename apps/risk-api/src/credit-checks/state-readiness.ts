import { ApiSettings } from '@credit/config';
import { RebuildMarker, RedisKeys } from '@credit/redis';
import { RetryLaterException } from '../http/problem.filter';

/** Seconds a client waits before asking again about a customer whose state is being rebuilt. */
export const REBUILD_RETRY_AFTER_SECONDS = 5;

/**
 * Whether the engine's live state of a customer can be decided on. After the
 * state store was lost (no epoch) or while the customer's input partitions are
 * folded again (RebuildMarker), the customer may look as if it had less
 * exposure than it has: a credit check then answers 503 with Retry-After
 * rather than a wrong ALLOW. The partition is the one Kafka's default
 * partitioner gives the customer key among KAFKA_TOPIC_PARTITIONS, the count
 * the engine creates the co-partitioned input topics with.
 */
export class StateReadiness {
  private readonly inputTopics: string[];

  constructor(
    private readonly marker: RebuildMarker,
    private readonly keys: RedisKeys,
    settings: ApiSettings,
  ) {
    const t = settings.kafka.topics;
    this.inputTopics = [t.documents, t.journalEntries, t.billPortfolio, t.creditLimits, t.customers];
  }

  /** Throws RetryLaterException (503) when the customer's state is not rebuilt yet. */
  async requireRebuilt(customerKey: string): Promise<void> {
    const pending = await this.marker.pending(this.keys.partitionOf(customerKey), this.inputTopics);
    if (pending === null) return;
    throw new RetryLaterException(
      pending === 'lost'
        ? 'The exposure state is being rebuilt from the event topics (the state store is empty), so no ' +
            'credit decision can be made now; retry later (see Retry-After).'
        : `The exposure state of this customer is being rebuilt from the event topics (${pending} is ` +
            'being folded again), so no credit decision can be made now; retry later (see Retry-After).',
      REBUILD_RETRY_AFTER_SECONDS,
    );
  }
}
