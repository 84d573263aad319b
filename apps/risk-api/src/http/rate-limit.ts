import { DynamicModule, ExecutionContext, Provider } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';
import { RateLimitSettings } from '@credit/config';
import { SlidingWindowStorage } from './rate-limit-storage';

/** Probes and scrapes are never limited: an orchestrator must always see the app's health. */
const UNLIMITED_PATHS = /^\/(health|metrics)(\/|$|\?)/;

const path = (context: ExecutionContext): string =>
  context.switchToHttp().getRequest<{ originalUrl?: string; url?: string }>().originalUrl ?? '';

/**
 * Per client IP, at most `limit` requests per `windowMs`; more are answered 429
 * with Retry-After (through the problem filter, like every error).
 */
export function rateLimitModule(settings: RateLimitSettings): DynamicModule {
  const seconds = Math.ceil(settings.windowMs / 1000);
  return ThrottlerModule.forRoot({
    throttlers: [{ limit: settings.limit, ttl: settings.windowMs }],
    storage: new SlidingWindowStorage(),
    skipIf: (context) => UNLIMITED_PATHS.test(path(context)),
    errorMessage: `rate limit exceeded: at most ${settings.limit} requests per ${seconds} s per client; retry later (see Retry-After)`,
  });
}

/** The guard that applies rateLimitModule's limit to every route. */
export const RATE_LIMIT_GUARD: Provider = { provide: APP_GUARD, useClass: ThrottlerGuard };
