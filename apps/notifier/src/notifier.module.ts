import {
  DynamicModule,
  Inject,
  Logger,
  Module,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Kafka } from 'kafkajs';
import { RedisClient } from '@credit/redis';
import { NotifierSettings } from '@credit/config';
import { Clock, systemClock } from '@credit/domain';
import {
  BatchConsumer,
  ClusterProbe,
  createKafka,
  ensureTopics,
  KafkaPublisher,
  topicSpecs,
} from '@credit/kafka';
import { AlertsRepository, ApiOutbox, createDataSource, NotificationsRepository } from '@credit/postgres';
import { createRedis, LiveRecords, RedisExposureStore, redisKeysOf } from '@credit/redis';
import { BackgroundLoop } from '@credit/runtime';
import { HEALTH_CHECKS, HealthController, HealthImports, serviceChecks } from '@credit/health';
import { Mailer } from './channels';
import { Dispatcher } from './dispatcher';
import { Intake } from './intake';

const SETTINGS = Symbol('NOTIFIER_SETTINGS');
const CLOCK = Symbol('NOTIFIER_CLOCK');
const KAFKA = Symbol('KAFKA');
const REDIS = Symbol('REDIS');
const DATA_SOURCE = Symbol('DATA_SOURCE');
/** Outcome messages published per relay transaction; a full batch means more may wait. */
const RELAY_BATCH = 500;
/** Customer records kept decoded between batches (re-read when their version changes). */
const RECORD_CACHE = 10_000;

/**
 * Consumes the output topics into deliveries, dispatches them, and publishes
 * their outcomes; starts them in that order's reverse and stops them in order.
 */
class NotifierLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Notifier');
  private consumer?: BatchConsumer;
  private readonly publisher: KafkaPublisher;
  private readonly mailer: Mailer;
  private readonly dispatch: BackgroundLoop;
  private readonly relay: BackgroundLoop;
  private readonly intake: Intake;

  constructor(
    @Inject(SETTINGS) private readonly settings: NotifierSettings,
    @Inject(CLOCK) clock: Clock,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(REDIS) private readonly redis: RedisClient,
    @Inject(DATA_SOURCE) private readonly db: DataSource,
  ) {
    const alerts = new AlertsRepository(db);
    const notifications = new NotificationsRepository(db);
    const outbox = new ApiOutbox(db);
    this.publisher = new KafkaPublisher(kafka);
    this.mailer = new Mailer(settings.smtpUrl, settings.from, settings.sendTimeoutMs);
    const dispatcher = new Dispatcher(settings, alerts, notifications, this.mailer, clock);
    this.relay = new BackgroundLoop(
      'notification outcome relay',
      async () => (await outbox.relay(this.publisher, RELAY_BATCH)) >= RELAY_BATCH,
      settings.pollIntervalMs,
      { lingerMs: 20 },
    );
    this.dispatch = new BackgroundLoop(
      'notification dispatcher',
      async () => {
        const more = await dispatcher.step();
        this.relay.wake();
        return more;
      },
      settings.pollIntervalMs,
      { lingerMs: 20 },
    );
    const records = new LiveRecords(new RedisExposureStore(redis, redisKeysOf(settings), 0), RECORD_CACHE);
    this.intake = new Intake(
      settings,
      alerts,
      notifications,
      (key) => records.get(key),
      clock,
      () => {
        this.dispatch.wake();
        this.relay.wake();
      },
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    const created = await ensureTopics(this.kafka, topicSpecs(this.settings.kafka));
    if (created.length > 0) this.logger.log(`Created topics: ${created.join(', ')}`);
    await this.publisher.connect();
    this.relay.start();
    this.dispatch.start();
    this.consumer = new BatchConsumer(this.kafka, {
      groupId: this.settings.groupId,
      sessionTimeoutMs: this.settings.sessionTimeoutMs,
      topics: this.settings.sourceTopics,
      handle: (batch) => this.intake.handle(batch),
    });
    this.consumer.onCrash((error) => this.logger.error(`Consumer crashed: ${error.message}`));
    await this.consumer.start();
    this.logger.log(
      `Notifying from ${this.settings.sourceTopics.join(', ')} as group ${this.settings.groupId}`,
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer?.stop();
    await this.dispatch.stop();
    await this.relay.stop();
    this.mailer.close();
    await this.publisher.disconnect();
    if (this.db.isInitialized) await this.db.destroy();
    this.redis.disconnect();
  }
}

export interface NotifierOptions {
  settings: NotifierSettings;
  clock?: Clock;
}

@Module({})
export class NotifierModule {
  static forRoot({ settings, clock }: NotifierOptions): DynamicModule {
    return {
      module: NotifierModule,
      imports: [HealthImports()],
      controllers: [HealthController],
      providers: [
        { provide: SETTINGS, useValue: settings },
        { provide: CLOCK, useValue: clock ?? systemClock(settings.clockOffsetDays) },
        { provide: KAFKA, useFactory: () => createKafka(settings.kafka, 'notifier') },
        { provide: REDIS, useFactory: () => createRedis(settings.redis, 'notifier') },
        {
          provide: DATA_SOURCE,
          useFactory: async () => {
            const db = createDataSource(settings.postgres, 4);
            await db.initialize();
            return db;
          },
        },
        { provide: ClusterProbe, inject: [KAFKA], useFactory: (kafka: Kafka) => new ClusterProbe(kafka) },
        {
          provide: HEALTH_CHECKS,
          inject: [ClusterProbe, REDIS, DATA_SOURCE],
          useFactory: (kafka: ClusterProbe, redis: RedisClient, db: DataSource) =>
            serviceChecks({ kafka, redis, db }),
        },
        NotifierLifecycle,
      ],
    };
  }
}
