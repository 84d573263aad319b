import Redis from 'ioredis';
import { RedisSettings } from '@credit/config';

export function createRedis(settings: RedisSettings, name: string, autoPipelining = false): Redis {
  return new Redis(settings.url, {
    connectionName: name,
    maxRetriesPerRequest: null,
    enableAutoPipelining: autoPipelining,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
  });
}
