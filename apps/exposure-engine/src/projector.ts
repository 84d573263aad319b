import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '@credit/domain';
import { ExposureProjection } from '@credit/postgres';
import { ExposureStore } from '@credit/redis';
import { BackgroundLoop } from '@credit/runtime';
import { CompanyParametersSource } from './company-parameters';
import { CLOCK, COMPANY_PARAMETERS, EXPOSURE_PROJECTION, EXPOSURE_STORE } from './tokens';

/**
 * Copies changed customers into the Postgres projections: the exposure, the
 * documents behind it, open items, settlements, dishonoured bills, and the
 * events published for them (the history). It reads the latest state rather
 * than replaying changes, the projection only moves forward by version and
 * events are kept once per eventId, so running it twice or late is harmless.
 * While Postgres is away the queue grows and the engine keeps folding.
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
    const entries = await this.store.pendingProjections(1000);
    if (entries.length === 0) return false;
    const keys = new Map([...new Set(entries.map((e) => e.value.key))].map((key) => [key, [] as string[]]));
    const { records } = await this.store.load(keys);
    await this.projection.upsert([...records.values()], this.clock.now(), {
      events: entries.flatMap((e) => e.value.events),
      parameters: (companyId) => this.parameters.get(companyId),
    });
    await this.store.acknowledgeProjections(entries.map((e) => e.id));
    return true;
  }
}
