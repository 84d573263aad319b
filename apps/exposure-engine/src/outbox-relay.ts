import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { MessagePublisher } from '@credit/kafka';
import { ExposureStore, Lease } from '@credit/redis';
import { BackgroundLoop } from '@credit/runtime';
import { EngineMetrics } from '@credit/observability';
import { EXPOSURE_STORE, MESSAGE_PUBLISHER } from './tokens';

export const OUTBOX_LEASE = Symbol('OUTBOX_LEASE');

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
    const entries = await this.store.pendingOutbox(500);
    if (entries.length === 0) return false;
    const timer = this.metrics.publishSeconds.startTimer();
    await this.publisher.publish(entries.map((e) => e.value));
    timer();
    await this.store.acknowledgeOutbox(entries.map((e) => e.id));
    return true;
  }
}

export const newLeaseOwner = () => `${process.pid}-${randomUUID()}`;
