import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { MessagePublisher, OutboundMessage } from '@credit/kafka';
import { ExposureStore, Lease, QueuedEntry } from '@credit/redis';
import { BackgroundLoop } from '@credit/runtime';
import { EngineMetrics } from '@credit/observability';
import { EXPOSURE_STORE, MESSAGE_PUBLISHER, OWNED_PARTITIONS, OwnedPartitions, RELAY_LEASE } from './tokens';

/**
 * Bytes published per send. Kafka refuses a partition's record batch over the
 * broker's message.max.bytes (1 MB by default) as a whole, and would refuse it
 * again on every retry: a run of dead letters of large inputs must therefore be
 * split, or the outbox would never drain.
 */
export const RELAY_BATCH_BYTES = 512 * 1024;

const sizeOf = (m: OutboundMessage): number =>
  Buffer.byteLength(m.value) +
  (m.key === null ? 0 : Buffer.byteLength(m.key)) +
  Object.entries(m.headers ?? {}).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v), 0);

/** The longest head of `entries` within `budget` bytes, never empty when entries are not. */
export function withinBytes<T extends QueuedEntry<OutboundMessage>>(entries: T[], budget: number): T[] {
  let used = 0;
  let count = 0;
  for (const entry of entries) {
    used += sizeOf(entry.value);
    if (count > 0 && used > budget) break;
    count += 1;
  }
  return entries.slice(0, count);
}

/** The lease of a partition's relay, held by this instance's owner id. */
export type RelayLeaseOf = (partition: number) => Lease;

/**
 * Publishes each owned partition's outbox to Kafka in the order it was
 * written, then removes what was acknowledged. A crash between the two
 * republishes the same events with the same eventIds; nothing is lost.
 *
 * One relay per partition, run by the instance the group assigned the
 * partition to, under the partition's lease: a partition that moved is
 * released at once, and the new owner waits until the old one let it go (or
 * its lease expired), so the per-customer order of `sequence` is kept on the
 * topics through rebalances, and partitions are relayed by as many instances
 * as fold them.
 */
@Injectable()
export class OutboxRelay {
  private readonly loop = new BackgroundLoop('outbox relay', () => this.relay(), 25);
  private readonly held = new Map<number, Lease>();

  constructor(
    @Inject(EXPOSURE_STORE) private readonly store: ExposureStore,
    @Inject(MESSAGE_PUBLISHER) private readonly publisher: MessagePublisher,
    @Inject(RELAY_LEASE) private readonly leaseOf: RelayLeaseOf,
    @Inject(OWNED_PARTITIONS) private readonly owned: OwnedPartitions,
    @Inject(EngineMetrics) private readonly metrics: EngineMetrics,
  ) {}

  start(): void {
    this.loop.start();
  }

  wake(): void {
    this.loop.wake();
  }

  async stop(): Promise<void> {
    await this.loop.stop();
    await this.releaseAll([...this.held.keys()]);
  }

  /** Relays every owned partition once; true when some published (there may be more). */
  async relay(): Promise<boolean> {
    const owned = this.owned();
    await this.releaseAll([...this.held.keys()].filter((p) => !owned.includes(p)));
    let published = false;
    for (const partition of owned) {
      if (await this.relayPartition(partition)) published = true;
    }
    return published;
  }

  private async relayPartition(partition: number): Promise<boolean> {
    let lease = this.held.get(partition);
    if (lease === undefined) lease = this.leaseOf(partition);
    if (!(await lease.acquireOrRenew())) {
      this.held.delete(partition);
      return false;
    }
    this.held.set(partition, lease);
    const entries = withinBytes(await this.store.pendingOutbox(partition, 500), RELAY_BATCH_BYTES);
    if (entries.length === 0) return false;
    const timer = this.metrics.publishSeconds.startTimer();
    await this.publisher.publish(entries.map((e) => e.value));
    timer();
    await this.store.acknowledgeOutbox(
      partition,
      entries.map((e) => e.id),
    );
    return true;
  }

  private async releaseAll(partitions: number[]): Promise<void> {
    for (const partition of partitions) {
      const lease = this.held.get(partition);
      this.held.delete(partition);
      await lease?.release();
    }
  }
}

export const newLeaseOwner = () => `${process.pid}-${randomUUID()}`;
