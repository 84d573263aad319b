import { Counter, Gauge, Histogram } from 'prom-client';
import { LabelledValue, Metrics, MetricsOptions, MS_TO_SECONDS_BUCKETS } from './metrics';
import { PartitionLag } from './consumer-lag';

/** What the engine's gauges read at scrape time. */
export interface EngineProbes {
  /** Entries in the Redis outbox stream not yet published (XLEN). */
  outboxBacklog(): Promise<number>;
  /** Customers queued for the Postgres projection (XLEN of the projection stream). */
  projectionBacklog(): Promise<number>;
  /** Per input partition, messages not yet applied. */
  consumerLag(): Promise<PartitionLag[]>;
}

/** A message whose offset a fold commit moved past: applied (`ok`) or dead-lettered (with its reason). */
export interface CommittedMessage {
  message: { timestamp: string };
  result: { ok: true } | { ok: false; reason: string };
}

/** Event age when applied: from tens of ms live, up to minutes behind (a replay is far beyond: +Inf). */
const EVENT_AGE_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800,
] as const;

/** Without a probe a gauge reads NaN (or no series): unknown, never a reassuring 0. */
const UNAVAILABLE: EngineProbes = {
  outboxBacklog: async () => Number.NaN,
  projectionBacklog: async () => Number.NaN,
  consumerLag: async () => [],
};

/** The exposure engine's instruments (see docs/performance.md, "Metrics"). */
export class EngineMetrics extends Metrics {
  readonly eventsFolded: Counter<'topic'>;
  readonly eventsDuplicate: Counter<'topic'>;
  readonly eventsIgnored: Counter<'reason'>;
  readonly deadLetters: Counter<'reason'>;
  readonly foldConflicts: Counter;
  readonly projectionQuarantined: Counter;
  readonly foldBatchSeconds: Histogram;
  readonly foldEventLatencySeconds: Histogram;
  readonly publishSeconds: Histogram;
  readonly outboxBacklog: Gauge;
  readonly projectionBacklog: Gauge;
  readonly consumerLag: Gauge<'topic' | 'partition'>;

  constructor(probes: Partial<EngineProbes> = {}, options: MetricsOptions = { prefix: 'exposure_engine_' }) {
    super(options);
    const probe = { ...UNAVAILABLE, ...probes };
    this.eventsFolded = this.counter({
      name: 'exposure_events_folded_total',
      help: 'Input events applied to the customers state, by input topic',
      labelNames: ['topic'],
    });
    this.eventsDuplicate = this.counter({
      name: 'exposure_events_duplicate_total',
      help: 'Input messages skipped as already applied (redelivered offset or known eventId), by input topic',
      labelNames: ['topic'],
    });
    this.eventsIgnored = this.counter({
      name: 'exposure_events_ignored_total',
      help:
        'Input events that changed nothing by the rules of spec 3 and 4.1, by reason: superseded (older than ' +
        "the document's last change), beyond-horizon (older than the stream's latest minus the window: a " +
        're-send), archived (about an archived document, unable to change it). Counted as folded as well.',
      labelNames: ['reason'],
    });
    this.deadLetters = this.counter({
      name: 'exposure_dead_letters_total',
      help: 'Input messages sent to the dead-letter topic, by reason',
      labelNames: ['reason'],
    });
    this.foldConflicts = this.counter({
      name: 'exposure_fold_conflicts_total',
      help: 'Fold commits refused because another writer moved a partition or a customer first (the batch is folded again)',
    });
    this.projectionQuarantined = this.counter({
      name: 'exposure_projection_quarantined_total',
      help: 'Customers the projector skipped because Postgres refused their rows (listed by the API, lifted by a later version)',
    });
    this.foldBatchSeconds = this.histogram({
      name: 'exposure_fold_batch_seconds',
      help: 'Time to fold one Kafka batch, retries included, until its commit to Redis',
      buckets: [...MS_TO_SECONDS_BUCKETS],
    });
    this.foldEventLatencySeconds = this.histogram({
      name: 'exposure_fold_event_latency_seconds',
      help: 'Age of each applied event when its fold committed: now - Kafka message timestamp',
      buckets: [...EVENT_AGE_BUCKETS],
    });
    this.publishSeconds = this.histogram({
      name: 'exposure_publish_seconds',
      help: 'Time for the outbox relay to publish one chunk of the outbox to Kafka (acks from all in-sync replicas)',
      buckets: [...MS_TO_SECONDS_BUCKETS],
    });
    this.outboxBacklog = this.sampledGauge(
      'exposure_outbox_backlog',
      'Output events in the Redis outbox not yet published (XLEN), read at scrape time',
      () => probe.outboxBacklog(),
    );
    this.projectionBacklog = this.sampledGauge(
      'exposure_projection_backlog',
      'Customer changes queued for the Postgres projection (XLEN), read at scrape time',
      () => probe.projectionBacklog(),
    );
    this.consumerLag = this.sampledLabelledGauge(
      'exposure_consumer_lag',
      'Messages of an input partition not yet applied: high watermark - 1 - applied offset (watermarks cached ~2 s)',
      ['topic', 'partition'],
      async (): Promise<LabelledValue<'topic' | 'partition'>[]> =>
        (await probe.consumerLag()).map(({ topic, partition, lag }) => ({
          labels: { topic, partition: String(partition) },
          value: lag,
        })),
    );
  }

  /**
   * Counts a committed fold of a batch of `received` messages from `topic`:
   * `committed` are the messages past the applied offset (their ages observed
   * when applied, their dead letters counted by reason), `writes` carry the
   * eventIds applied; the rest of the batch was skipped as already applied.
   */
  foldCommitted(
    topic: string,
    received: number,
    committed: readonly CommittedMessage[],
    writes: readonly { appliedEventIds: readonly unknown[] }[],
    now: number = Date.now(),
  ): void {
    let applied = 0;
    for (const write of writes) applied += write.appliedEventIds.length;
    let deadLettered = 0;
    for (const { message, result } of committed) {
      if (result.ok) {
        this.foldEventLatencySeconds.observe(Math.max(0, now - Number(message.timestamp)) / 1000);
      } else {
        deadLettered++;
        this.deadLetters.inc({ reason: result.reason });
      }
    }
    if (applied > 0) this.eventsFolded.inc({ topic }, applied);
    const duplicates = received - applied - deadLettered;
    if (duplicates > 0) this.eventsDuplicate.inc({ topic }, duplicates);
  }
}
