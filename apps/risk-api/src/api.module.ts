import { DynamicModule, Inject, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Kafka } from 'kafkajs';
import Redis from 'ioredis';
import { ApiSettings } from '@credit/config';
import { systemClock } from '@credit/domain';
import { AuthModule } from '@credit/auth';
import {
  ApiOutbox,
  createDataSource,
  CreditGovernanceRepository,
  ExposureProjection,
  ProjectionQuarantine,
} from '@credit/postgres';
import { BackgroundLoop } from '@credit/runtime';
import { ClusterProbe, createKafka, KafkaPublisher } from '@credit/kafka';
import {
  CompanyParametersStore,
  createRedis,
  DocumentHolds,
  LiveRecords,
  RebuildMarker,
  RedisExposureStore,
  RedisKeys,
} from '@credit/redis';
import { HEALTH_CHECKS, HealthController, serviceChecks } from '@credit/health';
import { ApiMetrics, Metrics, MetricsController } from '@credit/observability';
import { ExposureController } from './exposure/exposure.controller';
import { CreditChecksController } from './credit-checks/credit-checks.controller';
import { CreditChecksService } from './credit-checks/credit-checks.service';
import { StateReadiness } from './credit-checks/state-readiness';
import { REPORT_CONTROLLERS, ReportsRepository } from './reports';
import { ApprovalRolesController } from './approval-roles/approval-roles.controller';
import { ApprovalRolesService } from './approval-roles/approval-roles.service';
import { ProjectionQuarantineController } from './quarantine/projection-quarantine.controller';
import { HoldsController } from './holds/holds.controller';
import { HoldsService } from './holds/holds.service';
import { CreditLimitsController } from './limits/credit-limits.controller';
import { CreditLimitsService } from './limits/credit-limits.service';
import { CompanyParametersController } from './parameters/company-parameters.controller';
import { CompanyParametersService } from './parameters/company-parameters.service';
import { MeController } from './me/me.controller';
import { CreditClassesController } from './credit-classes/credit-classes.controller';
import { CreditClassesService } from './credit-classes/credit-classes.service';
import { ManualBlockController } from './manual-block/manual-block.controller';
import { ManualBlockService } from './manual-block/manual-block.service';
import { LimitRequestsController } from './limit-requests/limit-requests.controller';
import { LimitProposalController } from './proposal/limit-proposal.controller';
import { LimitProposalService } from './proposal/limit-proposal.service';
import { DeskModule } from './desk/desk.module';
import { AlertsModule } from './alerts/alerts.module';
import { RATE_LIMIT_GUARD, rateLimitModule } from './http';
import {
  API_CLOCK,
  API_OUTBOX,
  API_SETTINGS,
  COMPANY_PARAMETERS_STORE,
  CREDIT_GOVERNANCE,
  DOCUMENT_HOLDS,
  DATA_SOURCE,
  EXPORT_DATA_SOURCE,
  EXPOSURE_PROJECTION,
  PROJECTION_QUARANTINE,
  LIVE_RECORDS,
  STATE_READINESS,
  MESSAGE_PUBLISHER,
  OUTBOX_WAKER,
} from './tokens';

const KAFKA = Symbol('KAFKA');
/** Outbox rows published per relay transaction; a full batch means more may wait. */
const RELAY_BATCH = 500;
const REDIS = Symbol('REDIS');

/** Publishes the API's outbox while the app runs; stops it, then the connections, on shutdown. */
class ApiLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly relay: BackgroundLoop;

  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(EXPORT_DATA_SOURCE) private readonly exportDataSource: DataSource,
    @Inject(REDIS) private readonly redis: Redis,
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
    for (const db of [this.dataSource, this.exportDataSource]) if (db.isInitialized) await db.destroy();
    this.redis.disconnect();
  }
}

@Module({})
export class ApiModule {
  static forRoot(settings: ApiSettings): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        AuthModule.forRoot({ jwtSecret: settings.jwtSecret, ...settings.tokenPolicy }),
        rateLimitModule(settings.rateLimit),
        DeskModule.forRoot(settings),
        AlertsModule,
      ],
      controllers: [
        HealthController,
        MetricsController,
        ExposureController,
        CreditChecksController,
        ...REPORT_CONTROLLERS,
        ApprovalRolesController,
        HoldsController,
        LimitProposalController,
        CreditLimitsController,
        LimitRequestsController,
        CreditClassesController,
        ManualBlockController,
        CompanyParametersController,
        MeController,
        ProjectionQuarantineController,
      ],
      providers: [
        RATE_LIMIT_GUARD,
        { provide: API_SETTINGS, useValue: settings },
        {
          provide: DATA_SOURCE,
          useFactory: async () => {
            const dataSource = createDataSource(settings.postgres);
            await dataSource.initialize();
            return dataSource;
          },
        },
        {
          provide: EXPORT_DATA_SOURCE,
          useFactory: async () => {
            // One connection per export that may run: an export never waits for one, nor takes the API's.
            const dataSource = createDataSource(settings.postgres, settings.exports.concurrency);
            await dataSource.initialize();
            return dataSource;
          },
        },
        {
          provide: EXPOSURE_PROJECTION,
          inject: [DATA_SOURCE],
          useFactory: (db: DataSource) => new ExposureProjection(db),
        },
        {
          provide: PROJECTION_QUARANTINE,
          inject: [DATA_SOURCE],
          useFactory: (db: DataSource) => new ProjectionQuarantine(db),
        },
        { provide: KAFKA, useFactory: () => createKafka(settings.kafka, 'api') },
        { provide: REDIS, useFactory: () => createRedis(settings.redis, 'risk-api', true) },
        {
          provide: MESSAGE_PUBLISHER,
          inject: [KAFKA],
          useFactory: (kafka: Kafka) => new KafkaPublisher(kafka),
        },
        { provide: API_OUTBOX, inject: [DATA_SOURCE], useFactory: (db: DataSource) => new ApiOutbox(db) },
        {
          provide: CREDIT_GOVERNANCE,
          inject: [API_OUTBOX],
          useFactory: (outbox: ApiOutbox) => new CreditGovernanceRepository(outbox),
        },
        {
          provide: LIVE_RECORDS,
          inject: [REDIS],
          useFactory: (redis: Redis) =>
            new LiveRecords(
              new RedisExposureStore(redis, new RedisKeys(settings.redis.keyPrefix)),
              settings.stateCacheSize,
            ),
        },
        {
          provide: STATE_READINESS,
          inject: [REDIS],
          useFactory: (redis: Redis) =>
            new StateReadiness(new RebuildMarker(redis, new RedisKeys(settings.redis.keyPrefix)), settings),
        },
        {
          provide: COMPANY_PARAMETERS_STORE,
          inject: [REDIS],
          useFactory: (redis: Redis) =>
            new CompanyParametersStore(redis, new RedisKeys(settings.redis.keyPrefix)),
        },
        { provide: ClusterProbe, inject: [KAFKA], useFactory: (kafka: Kafka) => new ClusterProbe(kafka) },
        {
          provide: DOCUMENT_HOLDS,
          inject: [REDIS],
          useFactory: (redis: Redis) => new DocumentHolds(redis, new RedisKeys(settings.redis.keyPrefix)),
        },
        {
          provide: HEALTH_CHECKS,
          inject: [ClusterProbe, REDIS, DATA_SOURCE],
          useFactory: (kafka: ClusterProbe, redis: Redis, db: DataSource) =>
            serviceChecks({ kafka, redis, db }),
        },
        ApiLifecycle,
        {
          provide: ApiMetrics,
          inject: [DATA_SOURCE],
          useFactory: (db: DataSource) =>
            new ApiMetrics({
              outboxBacklog: async () => {
                const [row]: { n: number }[] = await db.query(
                  'SELECT count(*)::int AS n FROM api_outbox WHERE published_at IS NULL',
                );
                return row.n;
              },
            }),
        },
        { provide: Metrics, useExisting: ApiMetrics },
        CreditChecksService,
        { provide: API_CLOCK, useValue: systemClock() },
        ReportsRepository,
        { provide: OUTBOX_WAKER, useExisting: ApiLifecycle },
        ApprovalRolesService,
        HoldsService,
        CreditLimitsService,
        CreditClassesService,
        ManualBlockService,
        LimitProposalService,
        CompanyParametersService,
      ],
      // Global, so that feature modules (AlertsModule) inject the shared connections.
      global: true,
      exports: [ApiLifecycle, DATA_SOURCE],
    };
  }
}
