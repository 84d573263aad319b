import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  appliedHorizon,
  businessDateAt,
  BusinessDate,
  checkDocument,
  Clock,
  CompanyParameters,
  CustomerDraft,
  CustomerRecord,
  FactStream,
  streamOf,
  Fact,
  FactOf,
  newCustomerRecord,
  planReview,
  publishCollection,
  reassess,
} from '@credit/domain';
import { EngineSettings, TopicNames } from '@credit/config';
import {
  customerKey,
  DecodeFailure,
  DecodeResult,
  decodeInputEvent,
  deadLetterMessage,
  documentHoldId,
  HeldDocument,
  InputStream,
} from '@credit/contracts';
import { BatchOutcome, InboundBatch, InboundMessage, OutboundMessage } from '@credit/kafka';
import {
  CreatedHold,
  CustomerWrite,
  DocumentHolds,
  DocumentHoldState,
  ExposureStore,
  FoldPreparation,
  NOT_REASSESSED,
  RecordCache,
  RedisKeys,
  SourcePosition,
} from '@credit/redis';
import { REDIS_KEYS } from '@credit/infrastructure';
import { EngineMetrics } from '@credit/observability';
import { CompanyParametersSource } from './company-parameters';
import { CheckOutcome, documentOutcomeMessage, outputMessages } from './output-events';
import { StoreRebuild } from './store-rebuild';
import {
  CLOCK,
  COMPANY_PARAMETERS,
  DOCUMENT_HOLDS,
  ENGINE_SETTINGS,
  EXPOSURE_STORE,
  STORE_REBUILD,
} from './tokens';

interface Decoded {
  message: InboundMessage;
  result: DecodeResult;
}

interface PendingWrite extends CustomerWrite {
  holds: CreatedHold[];
  seen: Set<string>;
  /** The customer's documents being folded: opened at its first fact of the batch, finished after its last. */
  draft: CustomerDraft;
  appliedAt: number[];
  /** The stream of the batch: each has its own watermark, and its own applied-eventId memory. */
  stream: FactStream;
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
    @Inject(EngineMetrics) private readonly metrics: EngineMetrics,
    @Inject(DOCUMENT_HOLDS) private readonly documentHolds: DocumentHolds,
    @Inject(STORE_REBUILD) private readonly rebuild: StoreRebuild,
    @Inject(REDIS_KEYS) private readonly keys: RedisKeys,
  ) {
    this.records = new RecordCache(settings.stateCacheSize);
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

  /** Records this instance wrote last, so that a batch decodes from Redis only what others changed. */
  private readonly records: RecordCache<CustomerRecord>;

  /** The store epoch this instance folds into; a different one means the state was lost meanwhile. */
  private epoch: number | null = null;

  /** Adopts the store's epoch; true when the store was empty or lost and every partition must be replayed. */
  async adoptStoreEpoch(): Promise<boolean> {
    const { epoch, created } = await this.rebuild.ensureEpoch(this.clock.now());
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
   * instance adopted it: then every partition must be read again from the start;
   * `rewindTo` when the store is behind the batch: the partition must be read
   * again from the store's position (StoreRebuild.resumePoint).
   */
  foldBatch(batch: InboundBatch): Promise<BatchOutcome> {
    return this.inTurn(batch.partition, () => this.foldInTurn(batch));
  }

  /**
   * Batches of one input partition number, whatever their topic, one after
   * another: they are about the same customers (each customer's input is in
   * the same partition of every input topic). Batches of different partitions
   * are about different customers and fold concurrently when the consumer
   * hands over several at once (ENGINE_PARTITIONS_CONCURRENTLY): one waits for
   * Redis while another folds, and an event is not queued behind every other
   * partition's batch of the same fetch.
   */
  private inTurn<T>(partition: number, work: () => Promise<T>): Promise<T> {
    const previous = this.turns.get(partition) ?? Promise.resolve();
    const turn = previous.then(work);
    const settled = turn.then(
      () => undefined,
      () => undefined,
    );
    this.turns.set(partition, settled);
    void settled.then(() => {
      if (this.turns.get(partition) === settled) this.turns.delete(partition);
    });
    return turn;
  }

  /** The end of the last batch folding or queued per input partition number (see inTurn). */
  private readonly turns = new Map<number, Promise<void>>();

  private async foldInTurn(batch: InboundBatch): Promise<BatchOutcome> {
    const stream = this.streams.get(batch.topic);
    if (stream === undefined) throw new Error(`not an input topic: ${batch.topic}`);
    const decoded: Decoded[] = batch.messages.map((message) => ({
      message,
      result: this.inPartition(
        decodeInputEvent(stream, message.key, message.value, this.settings.maxEventBytes),
        batch.partition,
      ),
    }));
    const eventIds = new Map<string, string[]>();
    for (const { result } of decoded) {
      if (!result.ok) continue;
      const key = customerKey(result.fact.companyId, result.fact.customerId);
      const list = eventIds.get(key);
      if (list) list.push(result.fact.eventId);
      else eventIds.set(key, [result.fact.eventId]);
    }
    // The parameters below are read for this epoch: one adopted meanwhile (the store restored) means read again.
    const foldingEpoch = this.epoch;
    await this.parameters.prefetch(
      decoded.flatMap(({ result }) => (result.ok ? [result.fact.companyId] : [])),
    );
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const prepared = await this.store.prepare(batch.topic, batch.partition, eventIds);
      const { appliedOffset: applied, epoch } = prepared.position;
      if (epoch === null || epoch !== this.epoch || epoch !== foldingEpoch) {
        this.logger.warn('The state store was lost or replaced: replaying every partition from the start');
        this.records.clear();
        await this.adoptStoreEpoch();
        return 'replay';
      }
      // The store, not Kafka's committed offset, says where this partition resumes.
      const rewindTo = await this.rebuild.resumePoint(batch, applied);
      if (rewindTo !== null) {
        this.records.clear();
        return { rewindTo };
      }
      const pending =
        applied === null ? decoded : decoded.filter((d) => BigInt(d.message.offset) > BigInt(applied));
      if (pending.length === 0) {
        this.metrics.foldCommitted(batch.topic, batch.messages.length, [], []);
        return 'folded';
      }
      const holds = await this.documentHoldsOf(pending);
      const { writes, refused, result } = await this.foldAndCommit(pending, prepared, holds, {
        topic: batch.topic,
        partition: batch.partition,
        expectedOffset: applied,
        newOffset: pending[pending.length - 1].message.offset,
      });
      if (result.ok) {
        this.rebuild.rememberFolded(batch.topic, batch.partition, pending[pending.length - 1].message.offset);
        for (const write of writes) this.records.remember(write.key, write.record);
        this.metrics.foldCommitted(
          batch.topic,
          batch.messages.length,
          pending.map((d) => ({ message: d.message, result: refused.get(d) ?? d.result })),
          writes,
        );
        return 'folded';
      }
      this.metrics.foldConflicts.inc();
      this.logger.warn(
        `${batch.topic}[${batch.partition}] moved under us (${result.conflict} ${result.detail}); folding again`,
      );
    }
    throw new Error(`${batch.topic}[${batch.partition}]: gave up after ${MAX_ATTEMPTS} concurrent updates`);
  }

  /**
   * A customer's state lives in the slot of the partition Kafka's default
   * partitioner gives its key (RedisKeys): an event in another partition (a
   * producer with another partitioner) would be folded apart from the
   * customer's other events, so it is dead-lettered instead, naming both.
   */
  private inPartition(result: DecodeResult, partition: number): DecodeResult {
    if (!result.ok) return result;
    const key = customerKey(result.fact.companyId, result.fact.customerId);
    const expected = this.keys.partitionOf(key);
    if (expected === partition) return result;
    return {
      ok: false,
      reason: 'WRONG_PARTITION',
      field: 'key',
      message:
        `the key ${JSON.stringify(key)} belongs to partition ${expected} (Kafka's default partitioner over ` +
        `${this.keys.partitions} partitions), not ${partition}: the producer must use the default partitioner`,
    };
  }

  /**
   * Folds and commits once. The drafts change the remembered records in
   * place, so when the commit does not land those records are forgotten: the
   * next attempt reads them from the store.
   */
  private async foldAndCommit(
    pending: Decoded[],
    prepared: FoldPreparation,
    holds: BatchHolds,
    source: SourcePosition,
  ) {
    let committed = false;
    try {
      const folded = await this.fold(pending, prepared, holds);
      const result = await this.store.commit({
        partition: source.partition,
        source,
        customers: folded.writes,
        outbox: folded.outbox,
      });
      committed = result.ok;
      return { ...folded, result };
    } finally {
      if (!committed) for (const key of prepared.versions.keys()) this.records.forget(key);
    }
  }

  /** The customers' records as stored: from memory when the stored version is the one remembered. */
  private async currentRecords(versions: Map<string, number>): Promise<Map<string, CustomerRecord>> {
    const current = new Map<string, CustomerRecord>();
    const missing: string[] = [];
    for (const [key, version] of versions) {
      if (version === 0) continue;
      const remembered = this.records.get(key);
      if (remembered?.version === version) current.set(key, remembered);
      else missing.push(key);
    }
    for (const [key, record] of await this.store.records(missing)) current.set(key, record);
    return current;
  }

  /**
   * Where each document checked in the batch stands with its holds, read once
   * per attempt, after the positions, so a decision or a synchronous hold
   * recorded before this attempt is seen.
   */
  private async documentHoldsOf(pending: Decoded[]): Promise<BatchHolds> {
    const checks: FactOf<'document.checkRequested'>[] = [];
    for (const { result } of pending) {
      if (result.ok && result.fact.type === 'document.checkRequested') checks.push(result.fact);
    }
    const states = await this.documentHolds.load(checks);
    return new BatchHolds(checks.map((check, i) => [batchHoldKey(check), states[i]]));
  }

  private async fold(
    pending: Decoded[],
    prepared: FoldPreparation,
    holds: BatchHolds,
  ): Promise<{ writes: PendingWrite[]; outbox: OutboundMessage[]; refused: Map<Decoded, DecodeFailure> }> {
    const stored = await this.currentRecords(prepared.versions);
    const refused = new Map<Decoded, DecodeFailure>();
    const writes = new Map<string, PendingWrite>();
    const outbox: OutboundMessage[] = [];
    const now = this.clock.now();
    // One instant per batch, so one business date per time zone.
    const businessDates = new Map<string, BusinessDate>();
    const businessDateIn = (timeZone: string): BusinessDate => {
      let date = businessDates.get(timeZone);
      if (date === undefined) businessDates.set(timeZone, (date = businessDateAt(now, timeZone)));
      return date;
    };
    for (const decoded of pending) {
      const { message, result } = decoded;
      if (!result.ok) {
        outbox.push(deadLetterMessage(this.topics.deadLetter, message, result, now));
        continue;
      }
      const fact = result.fact;
      const key = customerKey(fact.companyId, fact.customerId);
      let write = writes.get(key);
      if (write === undefined) {
        const current = stored.get(key);
        const record =
          current ?? newCustomerRecord(fact.companyId, fact.customerId, (this.epoch ?? 0) * 1000);
        write = {
          key,
          expectedVersion: prepared.versions.get(key) ?? 0,
          record,
          // The draft changes the remembered record's documents in place: forgotten if the commit fails.
          draft: CustomerDraft.take(
            record.documents,
            this.settings.dedupWindowDays,
            this.settings.archiveQuietDays,
          ),
          appliedEventIds: [],
          appliedAt: [],
          stream: streamOf(fact.type),
          events: [],
          holds: [],
          seen: new Set(prepared.seen.get(key)),
          assessedWith: NOT_REASSESSED,
        };
        writes.set(key, write);
      }
      if (write.seen.has(fact.eventId)) continue;
      const outcome = write.draft.apply(fact);
      if (outcome.kind === 'rejected') {
        // A change to a document archived as final: refused, never silently lost (docs/architecture.md).
        const failure: DecodeFailure = { ok: false, reason: outcome.reason, message: outcome.message };
        refused.set(decoded, failure);
        outbox.push(deadLetterMessage(this.topics.deadLetter, message, failure, now));
        continue;
      }
      write.seen.add(fact.eventId);
      write.appliedEventIds.push(fact.eventId);
      write.appliedAt.push(Date.parse(fact.occurredAt));
      if (outcome.kind === 'ignored') {
        this.metrics.eventsIgnored.inc({ reason: outcome.reason });
        continue;
      }
      outbox.push(...this.apply(write, fact, now, businessDateIn, holds));
    }
    const folded = [...writes.values()].filter((w) => w.appliedEventIds.length > 0);
    for (const write of folded) {
      // Archiving, the next review date and the collection case depend only on the final documents: once per customer.
      write.draft.archiveQuiet(write.record.assessment?.collection?.openedOn);
      const documents = write.draft.finish();
      write.documentChanges = write.draft.changes;
      // A batch of facts all ignored changed no figure, but still the watermarks: a new version all the same.
      const version = Math.max(write.record.version, write.expectedVersion + 1);
      write.record = planReview(
        { ...write.record, version, documents },
        this.parameters.get(write.record.companyId),
      );
      write.forgetAppliedBefore = appliedHorizon(documents, write.stream, this.settings.dedupWindowDays);
      const before = write.record;
      const published = publishCollection(before);
      const messages = outputMessages(
        published.notifications,
        published.record,
        before.sequence + 1,
        write.appliedEventIds[write.appliedEventIds.length - 1],
        now,
        this.topics,
      );
      write.record = published.record;
      write.events.push(...messages);
      outbox.push(...messages);
    }
    return { writes: folded, outbox, refused };
  }

  /** Folds one fact and reassesses, so every status transition is seen and published. */
  private apply(
    write: PendingWrite,
    fact: Fact,
    now: Date,
    businessDateIn: (timeZone: string) => BusinessDate,
    holds: BatchHolds,
  ): OutboundMessage[] {
    const params = this.parameters.get(fact.companyId);
    const before: CustomerRecord = write.record;
    const businessDate = businessDateIn(params.timeZone);
    const { documents, figures } = write.draft;
    const reassessed = reassess(before, documents, businessDate, params, false, null, figures);
    // This loop never awaits: every fact of the batch is assessed with these parameters.
    write.assessedWith = this.parameters.storedOf(fact.companyId);
    let record = reassessed.record;
    const messages = outputMessages(
      reassessed.notifications,
      record,
      before.sequence + 1,
      fact.eventId,
      now,
      this.topics,
    );
    if (fact.type === 'document.checkRequested') {
      record = { ...record, sequence: record.sequence + 1 };
      messages.push(
        documentOutcomeMessage(
          fact,
          this.checkOutcome(write, fact, before, businessDate, params, holds),
          record,
          record.sequence,
          now,
          this.topics,
        ),
      );
    }
    write.record = record;
    write.events.push(...messages);
    return messages;
  }

  /**
   * A check of a document whose hold is pending names that hold, whatever a
   * fresh decision would be (the synchronous check answers alike); otherwise
   * the same decision as the API's credit check, on the documents as they
   * stand before any later fact. A new HOLD is recorded pending in the batch
   * (a later check in it names it) and in the commit (DocumentHolds).
   */
  private checkOutcome(
    write: PendingWrite,
    check: FactOf<'document.checkRequested'>,
    before: CustomerRecord,
    businessDate: BusinessDate,
    params: CompanyParameters,
    holds: BatchHolds,
  ): CheckOutcome {
    const state = holds.of(check);
    if (state.pending) return { pendingHoldId: documentHoldId(check, state.generation) };
    const result = checkDocument(before.documents, check, businessDate, params);
    if (result.decision === 'HOLD') {
      holds.created(check, state.generation);
      write.holds.push({
        documentType: check.documentType,
        documentId: check.documentId,
        generation: state.generation,
      });
    }
    return { result, generation: state.generation };
  }
}

const batchHoldKey = (document: HeldDocument) =>
  JSON.stringify([document.companyId, document.customerId, document.documentType, document.documentId]);

/** The hold state of the documents checked in one batch, as read, plus the holds the batch creates. */
class BatchHolds {
  private readonly states: Map<string, DocumentHoldState>;

  constructor(read: Iterable<[string, DocumentHoldState]>) {
    this.states = new Map(read);
  }

  of(document: HeldDocument): DocumentHoldState {
    return this.states.get(batchHoldKey(document)) ?? { generation: 0, pending: false };
  }

  created(document: HeldDocument, generation: number): void {
    this.states.set(batchHoldKey(document), { generation, pending: true });
  }
}
