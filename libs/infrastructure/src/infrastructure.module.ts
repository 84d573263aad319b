import { DynamicModule, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { Kafka } from 'kafkajs';
import { RedisClient } from '@credit/redis';
import { DataSource } from 'typeorm';
import { KafkaSettings, PostgresSettings, RedisSettings } from '@credit/config';
import { ClusterProbe, createKafka, KafkaPublisher } from '@credit/kafka';
import { createDataSource } from '@credit/postgres';
import { createRedis, redisKeysOf } from '@credit/redis';
import { HEALTH_CHECKS, HealthController, HealthImports, serviceChecks } from '@credit/health';

/** The process's Kafka client (kafkajs stays behind libs/kafka's helpers). */
export const KAFKA = Symbol('KAFKA');
/** The process's one Redis connection. */
export const REDIS = Symbol('REDIS');
/** The process's Postgres pool (TypeORM DataSource with the migrations registered). */
export const DATA_SOURCE = Symbol('DATA_SOURCE');
/** The Redis key recipe of the configured prefix. */
export const REDIS_KEYS = Symbol('REDIS_KEYS');
/** The process's KafkaPublisher; the app connects it when it starts publishing, and disconnects it. */
export const MESSAGE_PUBLISHER = Symbol('MESSAGE_PUBLISHER');

export interface InfrastructureOptions {
  kafka: KafkaSettings;
  redis: RedisSettings;
  postgres: PostgresSettings;
  /** Names the process to the broker (`<clientId>-<suffix>`) and to Redis (CLIENT LIST). */
  processName: { kafka: string; redis: string };
  /** Pipelines Redis commands issued in one turn of the event loop (many concurrent requests). */
  redisAutoPipelining?: boolean;
  postgresPoolSize?: number;
  /**
   * Connect Postgres while the app starts (the API: it serves nothing without it). Otherwise the
   * first use connects it (the engine: Postgres may start, or be migrated, after it).
   */
  connectPostgresAtStart?: boolean;
  /**
   * What readiness waits for (all by default): a process that never uses one of
   * them (an engine that only folds never writes Postgres) is ready without it.
   */
  readiness?: { kafka: boolean; postgres: boolean };
}

/** Closes Redis and Postgres last: global modules shut down after every module that uses them. */
class InfrastructureLifecycle implements OnApplicationShutdown {
  constructor(
    @Inject(REDIS) private readonly redis: RedisClient,
    @Inject(DATA_SOURCE) private readonly db: DataSource,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.db.isInitialized) await this.db.destroy();
    this.redis.disconnect();
  }
}

/**
 * The connections every process of the engine shares the wiring of: Kafka,
 * Redis, Postgres, the readiness checks over them (GET /health/*) and their
 * orderly close. Global, so that feature modules inject the tokens above
 * without importing it; the API and the engine each import it once.
 */
@Module({})
export class InfrastructureModule {
  static forRoot(options: InfrastructureOptions): DynamicModule {
    const tokens = [KAFKA, REDIS, DATA_SOURCE, REDIS_KEYS, MESSAGE_PUBLISHER, ClusterProbe, HEALTH_CHECKS];
    return {
      module: InfrastructureModule,
      global: true,
      imports: [HealthImports()],
      controllers: [HealthController],
      providers: [
        { provide: KAFKA, useFactory: () => createKafka(options.kafka, options.processName.kafka) },
        {
          provide: REDIS,
          useFactory: () =>
            createRedis(options.redis, options.processName.redis, options.redisAutoPipelining),
        },
        {
          provide: DATA_SOURCE,
          useFactory: async () => {
            const dataSource = createDataSource(options.postgres, options.postgresPoolSize);
            if (options.connectPostgresAtStart) await dataSource.initialize();
            return dataSource;
          },
        },
        { provide: REDIS_KEYS, useValue: redisKeysOf(options) },
        {
          provide: MESSAGE_PUBLISHER,
          inject: [KAFKA],
          useFactory: (kafka: Kafka) => new KafkaPublisher(kafka),
        },
        { provide: ClusterProbe, inject: [KAFKA], useFactory: (kafka: Kafka) => new ClusterProbe(kafka) },
        {
          provide: HEALTH_CHECKS,
          inject: [ClusterProbe, REDIS, DATA_SOURCE],
          useFactory: (kafka: ClusterProbe, redis: RedisClient, db: DataSource) =>
            serviceChecks({
              kafka: options.readiness?.kafka === false ? undefined : kafka,
              redis,
              db: options.readiness?.postgres === false ? undefined : db,
            }),
        },
        InfrastructureLifecycle,
      ],
      exports: tokens,
    };
  }
}
