import {
  DynamicModule,
  Inject,
  Logger,
  Module,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ApiSettings } from '@credit/config';
import { BatchConsumer, createKafka } from '@credit/kafka';
import { ApiOutbox, DeadLettersRepository } from '@credit/postgres';
import { DATA_SOURCE, OUTBOX_WAKER, OutboxWaker } from '../tokens';
import { DeadLetterIntake } from './dead-letter-intake';
import { DeadLettersController } from './dead-letters.controller';
import { DeadLetters } from './dead-letters.service';

const INTAKE_SETTINGS = Symbol('INTAKE_SETTINGS');

/**
 * Runs the dead-letter intake (when enabled) without holding up the start:
 * joining a consumer group takes seconds, and the routes answer from Postgres meanwhile.
 */
class DeadLetterIntakeLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('DeadLetterIntake');
  private consumer?: BatchConsumer;
  private started?: Promise<void>;

  constructor(
    @Inject(INTAKE_SETTINGS) private readonly settings: ApiSettings,
    private readonly repository: DeadLettersRepository,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.settings.deadLetters.enabled) return;
    const intake = new DeadLetterIntake(this.repository);
    this.consumer = new BatchConsumer(createKafka(this.settings.kafka, 'api-dead-letters'), {
      groupId: this.settings.deadLetters.groupId,
      topics: [this.settings.kafka.topics.deadLetter],
      withHeaders: true,
      handle: (batch) => intake.handle(batch),
    });
    this.consumer.onCrash((error) => this.logger.error(`dead-letter intake crashed: ${error.message}`));
    this.started = this.consumer
      .start()
      .catch((error: Error) => this.logger.error(`dead-letter intake did not start: ${error.message}`));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.started;
    await this.consumer?.stop();
  }
}

/**
 * Operator tooling for dead letters: the projection of the dead-letter topic
 * into Postgres, and the admin routes that list, show and re-drive them.
 */
@Module({})
export class DeadLettersModule {
  static forRoot(settings: ApiSettings): DynamicModule {
    return {
      module: DeadLettersModule,
      controllers: [DeadLettersController],
      providers: [
        { provide: INTAKE_SETTINGS, useValue: settings },
        {
          provide: DeadLettersRepository,
          inject: [DATA_SOURCE],
          useFactory: (db: DataSource) => new DeadLettersRepository(db, new ApiOutbox(db)),
        },
        {
          provide: DeadLetters,
          inject: [DeadLettersRepository, OUTBOX_WAKER],
          useFactory: (repository: DeadLettersRepository, outbox: OutboxWaker) =>
            new DeadLetters(
              repository,
              settings.kafka.topics,
              () => new Date(),
              () => outbox.wake(),
            ),
        },
        DeadLetterIntakeLifecycle,
      ],
    };
  }
}
