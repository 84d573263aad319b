import { DynamicModule, Inject, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { RedisClient } from '@credit/redis';
import { DataSource } from 'typeorm';
import { ApiSettings } from '@credit/config';
import { systemClock } from '@credit/domain';
import { DATA_SOURCE, MESSAGE_PUBLISHER, REDIS, REDIS_KEYS } from '@credit/infrastructure';
import { KafkaPublisher } from '@credit/kafka';
import { ApiMetrics, Metrics, MetricsController } from '@credit/observability';
import {
  ApiOutbox,
  ApprovalRolesRepository,
  createDataSource,
  CreditGovernanceRepository,
  CustomerExposureRepository,
  HoldsRepository,
} from '@credit/postgres';
import {
  CompanyParametersStore,
  DocumentHolds,
  LiveRecords,
  RedisExposureStore,
  RedisKeys,
} from '@credit/redis';
import { BackgroundLoop } from '@credit/runtime';
import {
  API_CLOCK,
  API_OUTBOX,
  API_SETTINGS,
  COMPANY_PARAMETERS_STORE,
  CREDIT_GOVERNANCE,
  DOCUMENT_HOLDS,
  EXPORT_DATA_SOURCE,
  LIVE_RECORDS,
  OUTBOX_WAKER,
} from '../tokens';
import { repository } from './repository';

/** Outbox rows published per relay transaction; a full batch means more may wait. */
const RELAY_BATCH = 500;

/**
 * Publishes the API's outbox while the app runs; stops it, then the export
 * pool, on shutdown (the shared connections close after it: InfrastructureModule).
 */
class ApiOutboxRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly relay: BackgroundLoop;

  constructor(
    @Inject(EXPORT_DATA_SOURCE) private readonly exportDataSource: DataSource,
    @Inject(MESSAGE_PUBLISHER) private readonly publisher: KafkaPublisher,
    @Inject(API_OUTBOX) outbox: ApiOutbox,
  ) {
    // Under load every request wakes the relay: lingering lets one transaction
    // publish the outcomes of many requests instead of chasing them one by one.
    this.relay = new BackgroundLoop(
      'api outbox relay',
      async () => (await outbox.relay(publisher, RELAY_BATCH)) >= RELAY_BATCH,
      100,
      { lingerMs: 20 },
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.publisher.connect();
    this.relay.start();
  }

  /** Publishes what was just queued without waiting for the next poll. */
  wake(): void {
    this.relay.wake();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.relay.stop();
    await this.publisher.disconnect();
    if (this.exportDataSource.isInitialized) await this.exportDataSource.destroy();
  }
}

/**
 * What several feature modules of the API share: the settings and clock, the
 * outbox and its relay, the engine's state in Redis (live records, company
 * parameters, document holds), the repositories more than one feature reads,
 * and the metrics. Global: feature modules inject these without importing it.
 * The connections themselves come from InfrastructureModule (libs/infrastructure).
 */
@Module({})
export class ApiCoreModule {
  static forRoot(settings: ApiSettings): DynamicModule {
    const providers = [
      { provide: API_SETTINGS, useValue: settings },
      { provide: API_CLOCK, useValue: systemClock() },
      {
        provide: EXPORT_DATA_SOURCE,
        useFactory: async () => {
          // One connection per export that may run: an export never waits for one, nor takes the API's.
          const dataSource = createDataSource(settings.postgres, settings.exports.concurrency);
          await dataSource.initialize();
          return dataSource;
        },
      },
      { provide: API_OUTBOX, inject: [DATA_SOURCE], useFactory: (db: DataSource) => new ApiOutbox(db) },
      ApiOutboxRelay,
      { provide: OUTBOX_WAKER, useExisting: ApiOutboxRelay },
      {
        provide: LIVE_RECORDS,
        inject: [REDIS, REDIS_KEYS],
        useFactory: (redis: RedisClient, keys: RedisKeys) =>
          new LiveRecords(new RedisExposureStore(redis, keys, 0), settings.stateCacheSize),
      },
      {
        provide: COMPANY_PARAMETERS_STORE,
        inject: [REDIS, REDIS_KEYS],
        useFactory: (redis: RedisClient, keys: RedisKeys) => new CompanyParametersStore(redis, keys),
      },
      {
        provide: DOCUMENT_HOLDS,
        inject: [REDIS, REDIS_KEYS],
        useFactory: (redis: RedisClient, keys: RedisKeys) => new DocumentHolds(redis, keys),
      },
      {
        provide: CREDIT_GOVERNANCE,
        inject: [API_OUTBOX],
        useFactory: (outbox: ApiOutbox) => new CreditGovernanceRepository(outbox),
      },
      repository(CustomerExposureRepository),
      repository(ApprovalRolesRepository),
      {
        provide: HoldsRepository,
        inject: [DATA_SOURCE, API_OUTBOX],
        useFactory: (db: DataSource, outbox: ApiOutbox) => new HoldsRepository(db, outbox),
      },
      {
        provide: ApiMetrics,
        inject: [API_OUTBOX],
        useFactory: (outbox: ApiOutbox) => new ApiMetrics({ outboxBacklog: () => outbox.backlog() }),
      },
      { provide: Metrics, useExisting: ApiMetrics },
    ];
    return {
      module: ApiCoreModule,
      global: true,
      controllers: [MetricsController],
      providers,
      exports: providers.map((p) => ('provide' in p ? p.provide : p)),
    };
  }
}
