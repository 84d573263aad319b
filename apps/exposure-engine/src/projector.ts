import { Inject, Injectable, Logger } from '@nestjs/common';
import { Clock, CustomerRecord } from '@credit/domain';
import { ExposureProjection, ProjectionQuarantine, UnstorableValueError } from '@credit/postgres';
import { customerKey, decodeHistoryEntry, HistoryEntry } from '@credit/contracts';
import { ExposureStore, RedisKeys } from '@credit/redis';
import { REDIS_KEYS } from '@credit/infrastructure';
import { EngineMetrics } from '@credit/observability';
import { BackgroundLoop } from '@credit/runtime';
import { CompanyParametersSource } from './company-parameters';
import {
  CLOCK,
  COMPANY_PARAMETERS,
  EXPOSURE_PROJECTION,
  EXPOSURE_STORE,
  PROJECTION_QUARANTINE,
  STORE_REBUILD,
} from './tokens';

/** Whether an input partition's state is being folded again (StoreRebuild). */
export interface RebuildState {
  rebuilding(partition: number): Promise<boolean>;
}

/** Customers (and history entries) per projection step: one Postgres transaction each. */
const PROJECTION_BATCH = 1000;

/** One customer's share of a projection step: its latest state (if due) and its history events. */
interface CustomerWrite {
  companyId: string;
  customerId: string;
  record: CustomerRecord | null;
  events: HistoryEntry[];
}

/**
 * Copies changed customers into the Postgres projections: the exposure, the
 * documents behind it, open items, settlements, dishonoured bills, and the
 * events published for them (the history). A changed customer is marked due,
 * not queued per change, and the latest state is read: while the fold catches
 * up, a customer touched by many batches is projected once. The projection only
 * moves forward by version and events are kept once per eventId, so running it
 * twice or late is harmless.
 * While Postgres is away the due marks pile up and the engine keeps folding.
 *
 * A partition whose state is being rebuilt (the store was lost, or restored
 * behind Kafka) is not projected until it is whole again: its customers' states
 * are partial meanwhile, and would replace the last complete projection with a
 * lower exposure, and the rebuild's intermediate versions would be written only
 * to be overwritten, on the cores the fold needs. Its due marks wait.
 *
 * A customer whose rows Postgres refuses (an unstorable value) never holds up the
 * others: the step's customers are written in halves, recursively, until the
 * customer is alone in its transaction; it is then quarantined (logged, counted,
 * listed in projection_quarantine) and skipped. Its next state version is tried
 * again, and lifts the quarantine once written.
 */
@Injectable()
export class Projector {
  private readonly loop = new BackgroundLoop('projector', () => this.project(), 50);
  private readonly logger = new Logger('projector');

  constructor(
    @Inject(EXPOSURE_STORE) private readonly store: ExposureStore,
    @Inject(EXPOSURE_PROJECTION) private readonly projection: ExposureProjection,
    @Inject(PROJECTION_QUARANTINE) private readonly quarantine: ProjectionQuarantine,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(COMPANY_PARAMETERS) private readonly parameters: CompanyParametersSource,
    @Inject(EngineMetrics) private readonly metrics: EngineMetrics,
    @Inject(REDIS_KEYS) private readonly keys: RedisKeys,
    @Inject(STORE_REBUILD) private readonly rebuild: RebuildState,
  ) {}

  start(): void {
    this.loop.start();
  }

  wake(): void {
    this.loop.wake();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** Projects every input partition's due customers and history once; true when some were. */
  async project(): Promise<boolean> {
    let projected = false;
    for (const partition of this.keys.allPartitions()) {
      if (await this.projectPartition(partition)) projected = true;
    }
    return projected;
  }

  private async projectPartition(partition: number): Promise<boolean> {
    if (await this.rebuild.rebuilding(partition)) return false;
    const [due, history] = await Promise.all([
      this.store.projectionsDue(partition, PROJECTION_BATCH),
      this.store.pendingHistory(partition, PROJECTION_BATCH),
    ]);
    if (due.length === 0 && history.length === 0) return false;
    const records = await this.store.records(due.map((d) => d.key));
    await this.write(this.byCustomer([...records.values()], this.entriesOf(history.flatMap((e) => e.value))));
    await this.store.projected(partition, due);
    await this.store.acknowledgeHistory(
      partition,
      history.map((e) => e.id),
    );
    return true;
  }

  /**
   * The queued history entries read back as the events they are. One that is
   * not (only a defect could queue it) is logged and left out of the history,
   * never holding up the others.
   */
  private entriesOf(queued: unknown[]): HistoryEntry[] {
    const entries: HistoryEntry[] = [];
    for (const value of queued) {
      const decoded = decodeHistoryEntry(value);
      if (decoded.ok) entries.push(decoded.entry);
      else
        this.logger.error(
          `history entry left out: ${decoded.message}: ${JSON.stringify(value).slice(0, 500)}`,
        );
    }
    return entries;
  }

  private byCustomer(records: CustomerRecord[], events: HistoryEntry[]): CustomerWrite[] {
    const writes = new Map<string, CustomerWrite>();
    const of = (companyId: string, customerId: string): CustomerWrite => {
      const key = customerKey(companyId, customerId);
      let write = writes.get(key);
      if (!write) writes.set(key, (write = { companyId, customerId, record: null, events: [] }));
      return write;
    };
    for (const record of records) of(record.companyId, record.customerId).record = record;
    for (const event of events) of(event.companyId, event.customerId).events.push(event);
    return [...writes.values()];
  }

  /** Writes the customers in one transaction; on a refused value, each half on its own. */
  private async write(writes: CustomerWrite[]): Promise<void> {
    try {
      await this.projection.upsert(
        writes.flatMap((w) => (w.record ? [w.record] : [])),
        this.clock.now(),
        {
          events: writes.flatMap((w) => w.events),
          parameters: (companyId) => this.parameters.get(companyId),
        },
      );
    } catch (error) {
      if (!(error instanceof UnstorableValueError)) throw error;
      if (writes.length === 1) return this.skip(writes[0], error);
      const half = Math.ceil(writes.length / 2);
      await this.write(writes.slice(0, half));
      await this.write(writes.slice(half));
    }
  }

  private async skip(write: CustomerWrite, error: UnstorableValueError): Promise<void> {
    const skippedEventIds = write.events.map((event) => event.eventId);
    await this.quarantine.quarantine(
      {
        companyId: write.companyId,
        customerId: write.customerId,
        stateVersion: write.record?.version ?? null,
        reason: error.message,
        skippedEventIds,
      },
      this.clock.now(),
    );
    this.metrics.projectionQuarantined.inc();
    this.logger.error(
      `customer ${customerKey(write.companyId, write.customerId)} quarantined (state version ` +
        `${write.record?.version ?? 'none'}, ${skippedEventIds.length} history events skipped): ${error.message}`,
    );
  }
}
