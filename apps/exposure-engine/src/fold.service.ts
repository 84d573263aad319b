import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  applyFact,
  businessDateAt,
  Clock,
  CustomerRecord,
  Fact,
  newCustomerRecord,
  reassess,
} from '@credit/domain';
import { EngineSettings, TopicNames } from '@credit/config';
import { DecodeResult, decodeInputEvent, deadLetterMessage, InputStream } from '@credit/contracts';
import { InboundBatch, InboundMessage, OutboundMessage } from '@credit/kafka';
import { customerKey, CustomerWrite, ExposureStore } from '@credit/redis';
import { CompanyParametersSource } from './company-parameters';
import { outputMessages } from './output-events';
import { CLOCK, COMPANY_PARAMETERS, ENGINE_SETTINGS, EXPOSURE_STORE } from './tokens';

interface Decoded {
  message: InboundMessage;
  result: DecodeResult;
}

interface PendingWrite extends CustomerWrite {
  seen: Set<string>;
}

const MAX_ATTEMPTS = 50;

/**
 * Folds one Kafka batch into the customers' state. Exactly-once comes from the
 * store: the partition's applied offset, every touched customer, the eventIds
 * applied and the outgoing events are written in one atomic step, guarded by
 * the positions read before folding. A redelivered message is below the
 * applied offset; a re-sent event has a known eventId; a concurrent writer (a
 * zombie after a rebalance, another instance) makes the step fail and the batch
 * is folded again from fresh state.
 */
@Injectable()
export class FoldService {
  private readonly logger = new Logger(FoldService.name);
  private readonly streams: Map<string, InputStream>;

  constructor(
    @Inject(ENGINE_SETTINGS) private readonly settings: EngineSettings,
    @Inject(EXPOSURE_STORE) private readonly store: ExposureStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(COMPANY_PARAMETERS) private readonly parameters: CompanyParametersSource,
  ) {
    const t = settings.kafka.topics;
    this.streams = new Map<string, InputStream>([
      [t.documents, 'documents'],
      [t.journalEntries, 'journalEntries'],
      [t.billPortfolio, 'billPortfolio'],
      [t.creditLimits, 'creditLimits'],
      [t.customers, 'customers'],
    ]);
  }

  get inputTopics(): string[] {
    return [...this.streams.keys()];
  }

  get topics(): TopicNames {
    return this.settings.kafka.topics;
  }

  /** The store epoch this instance folds into; a different one means the state was lost meanwhile. */
  private epoch: number | null = null;

  /** Adopts the store's epoch; true when the store was empty or lost and every partition must be replayed. */
  async adoptStoreEpoch(): Promise<boolean> {
    const { epoch, created } = await this.store.ensureEpoch(this.clock.now());
    this.epoch = epoch;
    return created;
  }

  /** True when the store this instance folds into has been lost or replaced since it adopted it. */
  async storeWasLost(): Promise<boolean> {
    const { epoch } = await this.store.position('-', -1);
    return epoch === null || epoch !== this.epoch;
  }

  /**
   * Folds a batch; returns 'replay' instead when the store was lost since this
   * instance adopted it: then every partition must be read again from the start.
   */
  async foldBatch(batch: InboundBatch): Promise<'folded' | 'replay'> {
    const stream = this.streams.get(batch.topic);
    if (stream === undefined) throw new Error(`not an input topic: ${batch.topic}`);
    const decoded: Decoded[] = batch.messages.map((message) => ({
      message,
      result: decodeInputEvent(stream, message.key, message.value, this.settings.maxEventBytes),
    }));
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const { appliedOffset: applied, epoch } = await this.store.position(batch.topic, batch.partition);
      if (epoch === null || epoch !== this.epoch) {
        this.logger.warn('The state store was lost or replaced: replaying every partition from the start');
        await this.adoptStoreEpoch();
        return 'replay';
      }
      const pending =
        applied === null ? decoded : decoded.filter((d) => BigInt(d.message.offset) > BigInt(applied));
      if (pending.length === 0) return 'folded';
      const { writes, outbox } = await this.fold(pending);
      const result = await this.store.commit({
        source: {
          topic: batch.topic,
          partition: batch.partition,
          expectedOffset: applied,
          newOffset: pending[pending.length - 1].message.offset,
        },
        customers: writes,
        outbox,
      });
      if (result.ok) return 'folded';
      this.logger.warn(
        `${batch.topic}[${batch.partition}] moved under us (${result.conflict} ${result.detail}); folding again`,
      );
    }
    throw new Error(`${batch.topic}[${batch.partition}]: gave up after ${MAX_ATTEMPTS} concurrent updates`);
  }

  private async fold(pending: Decoded[]): Promise<{ writes: PendingWrite[]; outbox: OutboundMessage[] }> {
    const eventIds = new Map<string, string[]>();
    for (const { result } of pending) {
      if (!result.ok) continue;
      const key = customerKey(result.fact.companyId, result.fact.customerId);
      const list = eventIds.get(key) ?? [];
      list.push(result.fact.eventId);
      eventIds.set(key, list);
    }
    await this.parameters.prefetch(
      pending.flatMap(({ result }) => (result.ok ? [result.fact.companyId] : [])),
    );
    const loaded = await this.store.load(eventIds);
    const writes = new Map<string, PendingWrite>();
    const outbox: OutboundMessage[] = [];
    const now = this.clock.now();
    for (const { message, result } of pending) {
      if (!result.ok) {
        outbox.push(deadLetterMessage(this.topics.deadLetter, message, result, now));
        continue;
      }
      const fact = result.fact;
      const key = customerKey(fact.companyId, fact.customerId);
      let write = writes.get(key);
      if (write === undefined) {
        const stored = loaded.records.get(key);
        const record = stored ?? newCustomerRecord(fact.companyId, fact.customerId, (this.epoch ?? 0) * 1000);
        write = {
          key,
          expectedVersion: stored?.version ?? 0,
          record,
          appliedEventIds: [],
          events: [],
          seen: loaded.seen.get(key)!,
        };
        writes.set(key, write);
      }
      if (write.seen.has(fact.eventId)) continue;
      write.seen.add(fact.eventId);
      write.appliedEventIds.push(fact.eventId);
      outbox.push(...this.apply(write, fact, now));
    }
    return { writes: [...writes.values()], outbox };
  }

  /** Folds one fact and reassesses, so every status transition is seen and published. */
  private apply(write: PendingWrite, fact: Fact, now: Date): OutboundMessage[] {
    const params = this.parameters.get(fact.companyId);
    const before: CustomerRecord = write.record;
    const { record, notifications } = reassess(
      before,
      applyFact(before.documents, fact),
      businessDateAt(now, params.timeZone),
      params,
    );
    write.record = record;
    const messages = outputMessages(
      notifications,
      record,
      before.sequence + 1,
      fact.eventId,
      now,
      this.topics,
    );
    for (const message of messages) write.events.push(message.value as string);
    return messages;
  }
}
