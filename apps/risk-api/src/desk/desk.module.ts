import { DynamicModule, Inject, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ApiSettings } from '@credit/config';
import { createKafka } from '@credit/kafka';
import { deskDirectory, deskStatic } from './desk-static';
import { LiveFeed } from './live-feed';
import { LIVE_FEED, LIVE_STREAM_SETTINGS, LiveController } from './live.controller';

/** Mounts the desk's files and stops the live feed; the feed itself starts with the first stream. */
class DeskLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(HttpAdapterHost) private readonly host: HttpAdapterHost,
    @Inject(LIVE_FEED) private readonly feed: LiveFeed,
  ) {}

  onModuleInit(): void {
    this.host.httpAdapter.use(deskStatic(deskDirectory()));
  }

  onApplicationShutdown(): Promise<void> {
    return this.feed.stop();
  }
}

/** The risk desk (apps/risk-desk): its static files at /desk and its live updates route. */
@Module({})
export class DeskModule {
  static forRoot(settings: ApiSettings): DynamicModule {
    return {
      module: DeskModule,
      controllers: [LiveController],
      providers: [
        { provide: LIVE_STREAM_SETTINGS, useValue: settings.live },
        {
          provide: LIVE_FEED,
          useFactory: () =>
            new LiveFeed(
              createKafka(settings.kafka, 'desk-live'),
              // risk.collections too: the Today page reloads when a level is reached or a promise breaks.
              [
                settings.kafka.topics.breaches,
                settings.kafka.topics.blocks,
                settings.kafka.topics.collections,
              ],
              settings.kafka.clientId,
            ),
        },
        DeskLifecycle,
      ],
    };
  }
}
