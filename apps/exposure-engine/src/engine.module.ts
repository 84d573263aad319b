import {
  DynamicModule,
  Inject,
  Logger,
  Module,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { Kafka } from 'kafkajs';
import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { Clock, systemClock } from '@credit/domain';
import { EngineSettings } from '@credit/config';
import {
  BatchConsumer,
  ClusterProbe,
  createKafka,
  ensureTopics,
  KafkaPublisher,
  topicSpecs,
} from '@credit/kafka';
import {
  CompanyParametersStore,
  createRedis,
  DocumentHolds,
  Lease,
  RedisExposureStore,
  RedisKeys,
} from '@credit/redis';
import { createDataSource, ExposureProjection, ProjectionQuarantine } from '@credit/postgres';
import { HEALTH_CHECKS, HealthController, serviceChecks } from '@credit/health';
import { EngineMetrics, Metrics, MetricsController } from '@credit/observability';
import { CachedCompanyParameters } from './company-parameters';
import { BackgroundLoop } from '@credit/runtime';
import { FoldService } from './fold.service';
import { engineMetrics } from './metrics';
import { newLeaseOwner, OUTBOX_LEASE, OutboxRelay } from './outbox-relay';
import { Projector } from './projector';
import { ReviewScheduler } from './review-scheduler';
import { StoreRebuild } from './store-rebuild';
import { CompanyParametersSource } from './company-parameters';
import {
  CLOCK,
  COMPANY_PARAMETERS,
  ENGINE_SETTINGS,
  EXPOSURE_PROJECTION,
  PROJECTION_QUARANTINE,
  EXPOSURE_STORE,
  DOCUMENT_HOLDS,
  MESSAGE_PUBLISHER,
  STORE_REBUILD,
} from './tokens';

const KAFKA = Symbol('KAFKA');
const REDIS = Symbol('REDIS');
const DATA_SOURCE = Symbol('DATA_SOURCE');

/** Starts the pieces in dependency order and stops them in reverse, finishing in-flight work. */
class EngineLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ExposureEngine');
  private consumer?: BatchConsumer;
  /** Notices a lost state store even when no batch arrives (idle partitions must be replayed too). */
  private readonly storeWatch = new BackgroundLoop('store watch', () => this.replayIfStoreLost(), 1_000);

  constructor(
    @Inject(ENGINE_SETTINGS) private readonly settings: EngineSettings,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(MESSAGE_PUBLISHER) private readonly publisher: KafkaPublisher,
    private readonly fold: FoldService,
    private readonly relay: OutboxRelay,
    private readonly projector: Projector,
    private readonly reviews: ReviewScheduler,
    private readonly metrics: EngineMetrics,
    @Inject(STORE_REBUILD) private readonly rebuild: StoreRebuild,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const role = this.settings.role;
    const projects = role !== 'fold';
    if (role === 'project') {
      // The projection only reads Redis and writes Postgres; woken by its own polling.
      this.projector.start();
      this.logger.log('Projecting changed customers into Postgres (role project)');
      return;
    }
    const created = await ensureTopics(this.kafka, topicSpecs(this.settings.kafka));
    if (created.length > 0) this.logger.log(`Created topics: ${created.join(', ')}`);
    await this.rebuild.checkRetention();
    await this.publisher.connect();
    const storeIsNew = await this.fold.adoptStoreEpoch();
    this.relay.start();
    if (projects) this.projector.start();
    this.reviews.start();
    this.consumer = new BatchConsumer(this.kafka, {
      groupId: this.settings.groupId,
      sessionTimeoutMs: this.settings.sessionTimeoutMs,
      partitionsConcurrently: this.settings.partitionsConcurrently,
      maxBytesPerPartition: this.settings.fetchBytesPerPartition,
      topics: this.fold.inputTopics,
      resumePositions: (assignment) => this.rebuild.resumePositions(assignment),
      onResumeError: (error) =>
        this.logger.warn(`Could not compare the store with the committed offsets: ${error.message}`),
      handle: async (batch) => {
        const timer = this.metrics.foldBatchSeconds.startTimer();
        const outcome = await this.fold.foldBatch(batch);
        if (outcome === 'folded') timer();
        this.relay.wake();
        if (projects) this.projector.wake();
        return outcome;
      },
    });
    this.consumer.onCrash((error) => this.logger.error(`Consumer crashed: ${error.message}`));
    // A new or lost store is rebuilt by replaying the input topics, which keep their history.
    if (storeIsNew)
      this.logger.log('State store is new or was lost: replaying the input topics from the start');
    await this.consumer.start({ replayFromStart: storeIsNew });
    this.storeWatch.start();
    this.logger.log(
      `Folding ${this.fold.inputTopics.join(', ')} as group ${this.settings.groupId} (role ${role})`,
    );
  }

  private async replayIfStoreLost(): Promise<boolean> {
    if (!(await this.fold.storeWasLost())) {
      // Same epoch but fewer offsets applied than this instance wrote: the store went back in time.
      for (const seek of await this.rebuild.regressedPartitions()) this.consumer?.seek(seek);
      return false;
    }
    this.logger.warn('The state store was lost: replaying every assigned partition from the start');
    await this.fold.adoptStoreEpoch();
    this.consumer?.seekAssignedToStart();
    return false;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.storeWatch.stop();
    await this.consumer?.stop();
    await this.reviews.stop();
    await this.projector.stop();
    await this.relay.stop();
    await this.publisher.disconnect();
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
    this.redis.disconnect();
  }
}

export interface EngineOptions {
  settings: EngineSettings;
  clock?: Clock;
}

@Module({})
export class EngineModule {
  static forRoot({ settings, clock }: EngineOptions): DynamicModule {
    return {
      module: EngineModule,
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: ENGINE_SETTINGS, useValue: settings },
        { provide: CLOCK, useValue: clock ?? systemClock(settings.clockOffsetDays) },
        { provide: KAFKA, useFactory: () => createKafka(settings.kafka, 'engine') },
        { provide: REDIS, useFactory: () => createRedis(settings.redis, 'exposure-engine') },
        { provide: DATA_SOURCE, useFactory: () => createDataSource(settings.postgres, 4) },
        {
          provide: EXPOSURE_STORE,
          inject: [REDIS],
          useFactory: (redis: Redis) =>
            new RedisExposureStore(redis, new RedisKeys(settings.redis.keyPrefix)),
        },
        {
          provide: MESSAGE_PUBLISHER,
          inject: [KAFKA],
          useFactory: (kafka: Kafka) => new KafkaPublisher(kafka),
        },
        {
          provide: OUTBOX_LEASE,
          inject: [REDIS],
          useFactory: (redis: Redis) =>
            new Lease(
              redis,
              new RedisKeys(settings.redis.keyPrefix).lease('outbox'),
              newLeaseOwner(),
              10_000,
            ),
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
        {
          provide: COMPANY_PARAMETERS,
          inject: [REDIS],
          useFactory: (redis: Redis) =>
            new CachedCompanyParameters(
              new CompanyParametersStore(redis, new RedisKeys(settings.redis.keyPrefix)),
              settings.defaultTimeZone,
            ),
        },
        {
          provide: STORE_REBUILD,
          inject: [KAFKA, REDIS, DATA_SOURCE, COMPANY_PARAMETERS],
          useFactory: (kafka: Kafka, redis: Redis, db: DataSource, parameters: CompanyParametersSource) =>
            new StoreRebuild(settings, kafka, redis, db, parameters),
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
        {
          provide: EngineMetrics,
          inject: [KAFKA, REDIS],
          useFactory: (kafka: Kafka, redis: Redis) => engineMetrics(settings, kafka, redis),
        },
        { provide: Metrics, useExisting: EngineMetrics },
        FoldService,
        OutboxRelay,
        Projector,
        ReviewScheduler,
        EngineLifecycle,
      ],
    };
  }
}
