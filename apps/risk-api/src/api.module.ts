import { DynamicModule, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Kafka } from 'kafkajs';
import Redis from 'ioredis';
import { ApiSettings } from '@credit/config';
import { AuthModule } from '@credit/auth';
import { createDataSource, ExposureProjection } from '@credit/postgres';
import { createKafka } from '@credit/kafka';
import { createRedis } from '@credit/redis';
import { HEALTH_CHECKS, HealthController } from '@credit/health';
import { ExposureController } from './exposure/exposure.controller';
import { API_SETTINGS, DATA_SOURCE, EXPOSURE_PROJECTION } from './tokens';

const KAFKA = Symbol('KAFKA');
const REDIS = Symbol('REDIS');

class ApiLifecycle implements OnApplicationShutdown {
  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
    this.redis.disconnect();
  }
}

@Module({})
export class ApiModule {
  static forRoot(settings: ApiSettings): DynamicModule {
    return {
      module: ApiModule,
      imports: [AuthModule.forRoot({ jwtSecret: settings.jwtSecret })],
      controllers: [HealthController, ExposureController],
      providers: [
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
          provide: EXPOSURE_PROJECTION,
          inject: [DATA_SOURCE],
          useFactory: (db: DataSource) => new ExposureProjection(db),
        },
        { provide: KAFKA, useFactory: () => createKafka(settings.kafka, 'api') },
        { provide: REDIS, useFactory: () => createRedis(settings.redis, 'risk-api') },
        {
          provide: HEALTH_CHECKS,
          inject: [KAFKA, REDIS, DATA_SOURCE],
          useFactory: (kafka: Kafka, redis: Redis, db: DataSource) => ({
            kafka: async () => {
              const admin = kafka.admin();
              await admin.connect();
              try {
                return await admin.describeCluster();
              } finally {
                await admin.disconnect();
              }
            },
            redis: () => redis.ping(),
            postgres: () => db.query('SELECT 1'),
          }),
        },
        ApiLifecycle,
      ],
    };
  }
}
