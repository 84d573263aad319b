import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { MessagePublisher, OutboundMessage } from '@credit/kafka';
import { ExposureStore, Lease, QueuedEntry } from '@credit/redis';
import { BackgroundLoop } from '@credit/runtime';
import { EngineMetrics } from '@credit/observability';
import { EXPOSURE_STORE, MESSAGE_PUBLISHER } from './tokens';

export const OUTBOX_LEASE = Symbol('OUTBOX_LEASE');

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

/**
 * Publishes the outbox to Kafka in the order it was written, then removes what
 * was acknowledged. A crash between the two republishes the same events with the
 * same eventIds; nothing is lost. One instance at a time holds the lease, so the
 * per-customer order of `sequence` is kept on the topics.
 */
@Injectable()
export class OutboxRelay {
  private readonly loop = new BackgroundLoop('outbox relay', () => this.relay(), 25);

  constructor(
    @Inject(EXPOSURE_STORE) private readonly store: ExposureStore,
    @Inject(MESSAGE_PUBLISHER) private readonly publisher: MessagePublisher,
    @Inject(OUTBOX_LEASE) private readonly lease: Lease,
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
    await this.lease.release();
  }

  async relay(): Promise<boolean> {
    if (!(await this.lease.acquireOrRenew())) return false;
    const entries = withinBytes(await this.store.pendingOutbox(500), RELAY_BATCH_BYTES);
    if (entries.length === 0) return false;
    const timer = this.metrics.publishSeconds.startTimer();
    await this.publisher.publish(entries.map((e) => e.value));
    timer();
    await this.store.acknowledgeOutbox(entries.map((e) => e.id));
    return true;
  }
}

export const newLeaseOwner = () => `${process.pid}-${randomUUID()}`;
