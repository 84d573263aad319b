import {
  BeforeApplicationShutdown,
  DynamicModule,
  Inject,
  Logger,
  Module,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { Kafka } from 'kafkajs';
import { RedisClient } from '@credit/redis';
import { DataSource } from 'typeorm';
import { Clock, systemClock } from '@credit/domain';
import { EngineSettings } from '@credit/config';
import { BatchConsumerTransport, ensureTopics, KafkaPublisher, topicSpecs } from '@credit/kafka';
import { CompanyParametersStore, DocumentHolds, Lease, RedisExposureStore, RedisKeys } from '@credit/redis';
import { ExposureProjection, ProjectionQuarantine } from '@credit/postgres';
import { DATA_SOURCE, InfrastructureModule, KAFKA, REDIS, REDIS_KEYS } from '@credit/infrastructure';
import { EngineMetrics, Metrics, MetricsController } from '@credit/observability';
import { CachedCompanyParameters } from './company-parameters';
import { BackgroundLoop } from '@credit/runtime';
import { FoldController, INPUT_BATCH } from './fold.controller';
import { FoldService } from './fold.service';
import { engineMetrics } from './metrics';
import { newLeaseOwner, OutboxRelay, RelayLeaseOf } from './outbox-relay';
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
  RELAY_LEASE,
  OWNED_PARTITIONS,
  OwnedPartitions,
} from './tokens';

/**
 * Starts the pieces in dependency order and stops them in reverse, finishing
 * in-flight work. The consumer is the microservice's transport: Nest starts it
 * after this bootstrap (startAllMicroservices) and closes it, finishing the
 * batch in hand, between beforeApplicationShutdown and onApplicationShutdown.
 */
class EngineLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('ExposureEngine');
  /**
   * Notices a lost state store even when no batch arrives (idle partitions must be replayed too); often,
   * because until then the credit checks of every customer answer 503 and the rebuild has not begun.
   */
  private readonly storeWatch = new BackgroundLoop('store watch', () => this.replayIfStoreLost(), 250);

  constructor(
    @Inject(ENGINE_SETTINGS) private readonly settings: EngineSettings,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(MESSAGE_PUBLISHER) private readonly publisher: KafkaPublisher,
    private readonly fold: FoldService,
    private readonly relay: OutboxRelay,
    private readonly projector: Projector,
    private readonly reviews: ReviewScheduler,
    private readonly transport: BatchConsumerTransport,
    @Inject(STORE_REBUILD) private readonly rebuild: StoreRebuild,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const role = this.settings.role;
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
    if (role !== 'fold') this.projector.start();
    this.reviews.start();
    this.transport.on('crash', (error, restarting) =>
      this.logger.error(`Consumer crashed${restarting ? ', restarting' : ' for good'}: ${error.message}`),
    );
    // A new or lost store is rebuilt by replaying the input topics, which keep their history.
    if (storeIsNew) {
      this.logger.log('State store is new or was lost: replaying the input topics from the start');
      this.transport.seekAssignedToStart();
    }
    this.storeWatch.start();
    this.logger.log(
      `Folding ${this.fold.inputTopics.join(', ')} as group ${this.settings.groupId} (role ${role})`,
    );
  }

  private async replayIfStoreLost(): Promise<boolean> {
    if (!(await this.fold.storeWasLost())) {
      // Same epoch but fewer offsets applied than this instance wrote: the store went back in time.
      for (const seek of await this.rebuild.regressedPartitions()) this.transport.seek(seek);
      return false;
    }
    this.logger.warn('The state store was lost: replaying every assigned partition from the start');
    await this.fold.adoptStoreEpoch();
    this.transport.seekAssignedToStart();
    return false;
  }

  /** Before the transport closes: a replay must not be asked of a consumer that is leaving. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.storeWatch.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.storeWatch.stop();
    await this.reviews.stop();
    await this.projector.stop();
    await this.relay.stop();
    await this.publisher.disconnect();
    // Redis and Postgres close after this: InfrastructureModule is global, so it shuts down last.
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
      imports: [
        InfrastructureModule.forRoot({
          kafka: settings.kafka,
          redis: settings.redis,
          postgres: settings.postgres,
          processName: { kafka: 'engine', redis: 'exposure-engine' },
          postgresPoolSize: 4,
          // Ready when what the role uses answers: folding needs Kafka and Redis, projecting Redis and Postgres.
          readiness: { kafka: settings.role !== 'project', postgres: settings.role !== 'fold' },
        }),
      ],
      controllers: [MetricsController, FoldController],
      providers: [
        { provide: ENGINE_SETTINGS, useValue: settings },
        { provide: CLOCK, useValue: clock ?? systemClock(settings.clockOffsetDays) },
        {
          provide: EXPOSURE_STORE,
          inject: [REDIS, REDIS_KEYS],
          // The page layouts of the records it writes: as many as the fold remembers; a projector writes none.
          useFactory: (redis: RedisClient, keys: RedisKeys) =>
            new RedisExposureStore(redis, keys, settings.role === 'project' ? 0 : settings.stateCacheSize),
        },
        {
          provide: RELAY_LEASE,
          inject: [REDIS, REDIS_KEYS],
          useFactory: (redis: RedisClient, keys: RedisKeys): RelayLeaseOf => {
            const owner = newLeaseOwner();
            return (partition) => new Lease(redis, keys.relayLease(partition), owner, 10_000);
          },
        },
        {
          provide: OWNED_PARTITIONS,
          inject: [BatchConsumerTransport],
          useFactory:
            (transport: BatchConsumerTransport): OwnedPartitions =>
            () =>
              transport.assignedPartitions(),
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
          inject: [REDIS, REDIS_KEYS],
          useFactory: (redis: RedisClient, keys: RedisKeys) =>
            new CachedCompanyParameters(new CompanyParametersStore(redis, keys), settings.defaultTimeZone),
        },
        {
          provide: STORE_REBUILD,
          inject: [KAFKA, REDIS, DATA_SOURCE, COMPANY_PARAMETERS],
          useFactory: (
            kafka: Kafka,
            redis: RedisClient,
            db: DataSource,
            parameters: CompanyParametersSource,
          ) => new StoreRebuild(settings, kafka, redis, db, parameters),
        },
        {
          provide: DOCUMENT_HOLDS,
          inject: [REDIS, REDIS_KEYS],
          useFactory: (redis: RedisClient, keys: RedisKeys) => new DocumentHolds(redis, keys),
        },
        {
          provide: EngineMetrics,
          inject: [KAFKA, REDIS],
          useFactory: (kafka: Kafka, redis: RedisClient) => engineMetrics(settings, kafka, redis),
        },
        { provide: Metrics, useExisting: EngineMetrics },
        {
          // The consumer group member, as the transport of the engine's microservice (see app.ts).
          provide: BatchConsumerTransport,
          inject: [KAFKA, FoldService, STORE_REBUILD],
          useFactory: (kafka: Kafka, fold: FoldService, rebuild: StoreRebuild) =>
            BatchConsumerTransport.of(kafka, {
              pattern: INPUT_BATCH,
              groupId: settings.groupId,
              sessionTimeoutMs: settings.sessionTimeoutMs,
              partitionsConcurrently: settings.partitionsConcurrently,
              maxBytesPerPartition: settings.fetchBytesPerPartition,
              topics: fold.inputTopics,
              // Each partition resumes where the store says, when it is behind the group's committed offset.
              resumePositions: (assignment) => rebuild.resumePositions(assignment),
              onResumeError: (error) =>
                new Logger('ExposureEngine').warn(
                  `Could not compare the store with the committed offsets: ${error.message}`,
                ),
            }),
        },
        FoldService,
        OutboxRelay,
        Projector,
        ReviewScheduler,
        EngineLifecycle,
      ],
    };
  }
}
