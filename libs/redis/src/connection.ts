import Redis, { Cluster } from 'ioredis';
import { RedisSettings } from '@credit/config';

/**
 * The product's Redis: one instance, or a Redis Cluster. Every script and
 * pipeline of the product touches one slot (RedisKeys), so both run them.
 */
export type RedisClient = Redis | Cluster;

const retryStrategy = (attempt: number) => Math.min(attempt * 200, 2000);

export function createRedis(settings: RedisSettings, name: string, autoPipelining = false): RedisClient {
  if (settings.clusterNodes.length > 0) {
    return new Cluster(settings.clusterNodes, {
      enableAutoPipelining: autoPipelining,
      clusterRetryStrategy: retryStrategy,
      // A failover moves slots: the commands in flight follow the MOVED answers and the new topology.
      retryDelayOnFailover: 200,
      retryDelayOnClusterDown: 500,
      redisOptions: { connectionName: name, maxRetriesPerRequest: null },
    });
  }
  return new Redis(settings.url, {
    connectionName: name,
    maxRetriesPerRequest: null,
    enableAutoPipelining: autoPipelining,
    retryStrategy,
  });
}
