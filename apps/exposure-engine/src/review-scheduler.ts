import { Inject, Injectable, Logger } from '@nestjs/common';
import { addDays, businessDateAt, Clock, CustomerRecord, epochDay, reassess } from '@credit/domain';
import { EngineSettings } from '@credit/config';
import { ExposureStore, NO_DOCUMENT_CHANGES } from '@credit/redis';
import { BackgroundLoop } from '@credit/runtime';
import { CompanyParametersSource } from './company-parameters';
import { outputMessages } from './output-events';
import {
  CLOCK,
  COMPANY_PARAMETERS,
  ENGINE_SETTINGS,
  EXPOSURE_STORE,
  OWNED_PARTITIONS,
  OwnedPartitions,
} from './tokens';

/**
 * Re-evaluates customers when the business date moves on with no event: items
 * falling overdue, bills presumed collected, limits expiring. Each assessment
 * records its next review date in a sorted set, so a tick reads only the
 * customers due, never every customer.
 */
@Injectable()
export class ReviewScheduler {
  private readonly logger = new Logger(ReviewScheduler.name);
  private readonly loop: BackgroundLoop;

  constructor(
    @Inject(ENGINE_SETTINGS) private readonly settings: EngineSettings,
    @Inject(EXPOSURE_STORE) private readonly store: ExposureStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(COMPANY_PARAMETERS) private readonly parameters: CompanyParametersSource,
    @Inject(OWNED_PARTITIONS) private readonly owned: OwnedPartitions,
  ) {
    this.loop = new BackgroundLoop('review scheduler', () => this.reviewDue(), settings.reviewIntervalMs);
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /**
   * Reviews the customers due on their company's business date, in the
   * partitions this instance owns (each review commits in its partition's
   * slot); true when some were reviewed and more may be due.
   */
  async reviewDue(): Promise<boolean> {
    let more = false;
    for (const partition of this.owned()) {
      if (await this.reviewPartition(partition)) more = true;
    }
    return more;
  }

  private async reviewPartition(partition: number): Promise<boolean> {
    const now = this.clock.now();
    // Time zones run up to a day ahead of UTC: take candidates up to tomorrow, filter per company.
    const horizon = epochDay(addDays(now.toISOString().slice(0, 10), 1));
    const due = await this.store.dueForReview(partition, horizon, 200);
    // Day 0 marks a review forced by a change of the company's parameters: read them fresh.
    await this.parameters.prefetch(
      due.map(({ key }) => key.slice(0, key.indexOf(':'))),
      due.some(({ epochDay: day }) => day === 0),
    );
    const records = await this.store.records(due.map(({ key }) => key));
    let reviewed = 0;
    for (const { key, epochDay: dueDay } of due) {
      const record = records.get(key);
      if (record !== undefined && (await this.review(partition, key, record, dueDay, now))) reviewed += 1;
    }
    return reviewed > 0 && due.length === 200;
  }

  /** Each customer is committed on its own, so a race with a fold costs only that customer's retry. */
  private async review(
    partition: number,
    key: string,
    before: CustomerRecord,
    dueDay: number,
    now: Date,
  ): Promise<boolean> {
    const params = this.parameters.get(before.companyId);
    const businessDate = businessDateAt(now, params.timeZone);
    if (dueDay > epochDay(businessDate)) return false;
    const { record, notifications } = reassess(before, before.documents, businessDate, params);
    const causationId = `review:${businessDate}:v${before.version}`;
    const outbox = outputMessages(
      notifications,
      record,
      before.sequence + 1,
      causationId,
      now,
      this.settings.kafka.topics,
    );
    const result = await this.store.commit({
      partition,
      customers: [
        {
          key,
          expectedVersion: before.version,
          record,
          appliedEventIds: [],
          // A review changes the assessment, never the documents.
          documentChanges: NO_DOCUMENT_CHANGES,
          events: outbox,
          assessedWith: this.parameters.storedOf(before.companyId),
        },
      ],
      outbox,
    });
    if (!result.ok) this.logger.debug(`review of ${key} raced with a fold; the next tick retries`);
    return result.ok;
  }
}
