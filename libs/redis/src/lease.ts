import { RedisClient } from './connection';

const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) and 1 or 0`;

/**
 * A lease that one process at a time holds, for work that must run in a single
 * order (publishing the outbox). Held while renewed; lost when its owner dies.
 */
export class Lease {
  constructor(
    private readonly redis: RedisClient,
    private readonly key: string,
    private readonly owner: string,
    private readonly ttlMs: number,
  ) {}

  async acquireOrRenew(): Promise<boolean> {
    const result = await this.redis.eval(RENEW, 1, this.key, this.owner, this.ttlMs);
    return result === 1;
  }

  async release(): Promise<void> {
    await this.redis.eval(
      `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`,
      1,
      this.key,
      this.owner,
    );
  }
}
