import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '@credit/domain';
import { ExposureProjection } from '@credit/postgres';
import { ExposureStore } from '@credit/redis';
import { BackgroundLoop } from '@credit/runtime';
import { CompanyParametersSource } from './company-parameters';
import { CLOCK, COMPANY_PARAMETERS, EXPOSURE_PROJECTION, EXPOSURE_STORE } from './tokens';

/** Customers (and history entries) per projection step: one Postgres transaction each. */
const PROJECTION_BATCH = 1000;

/**
 * Copies changed customers into the Postgres projections: the exposure, the
 * documents behind it, open items, settlements, dishonoured bills, and the
 * events published for them (the history). A changed customer is marked due,
 * not queued per change, and the latest state is read: while the fold catches
 * up, a customer touched by many batches is projected once. The projection only
 * moves forward by version and events are kept once per eventId, so running it
 * twice or late is harmless.
 * While Postgres is away the due marks pile up and the engine keeps folding.
 */
@Injectable()
export class Projector {
  private readonly loop = new BackgroundLoop('projector', () => this.project(), 50);

  constructor(
    @Inject(EXPOSURE_STORE) private readonly store: ExposureStore,
    @Inject(EXPOSURE_PROJECTION) private readonly projection: ExposureProjection,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(COMPANY_PARAMETERS) private readonly parameters: CompanyParametersSource,
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

  async project(): Promise<boolean> {
    const [due, history] = await Promise.all([
      this.store.projectionsDue(PROJECTION_BATCH),
      this.store.pendingHistory(PROJECTION_BATCH),
    ]);
    if (due.length === 0 && history.length === 0) return false;
    const records = await this.store.records(due.map((d) => d.key));
    await this.projection.upsert([...records.values()], this.clock.now(), {
      events: history.flatMap((e) => e.value),
      parameters: (companyId) => this.parameters.get(companyId),
    });
    await this.store.projected(due);
    await this.store.acknowledgeHistory(history.map((e) => e.id));
    return true;
  }
}
