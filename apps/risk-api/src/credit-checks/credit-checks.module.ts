import { Module } from '@nestjs/common';
import { RedisClient } from '@credit/redis';
import { ApiSettings } from '@credit/config';
import { REDIS, REDIS_KEYS } from '@credit/infrastructure';
import { RebuildMarker, RedisKeys } from '@credit/redis';
import { API_SETTINGS, STATE_READINESS } from '../tokens';
import { CreditChecksController } from './credit-checks.controller';
import { CreditChecksService } from './credit-checks.service';
import { StateReadiness } from './state-readiness';

/**
 * The synchronous credit check (spec section 6): decides from the live state,
 * holds and queues its outcome; refuses (503) while the customer's state is
 * being rebuilt (StateReadiness).
 */
@Module({
  controllers: [CreditChecksController],
  providers: [
    CreditChecksService,
    {
      provide: STATE_READINESS,
      inject: [REDIS, REDIS_KEYS, API_SETTINGS],
      useFactory: (redis: RedisClient, keys: RedisKeys, settings: ApiSettings) =>
        new StateReadiness(new RebuildMarker(redis, keys), keys, settings),
    },
  ],
})
export class CreditChecksModule {}
