import { RedisClient } from './connection';

const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) and 1 or 0`;

/**
 * A lease that one process at a time holds, for work that must run in a single
 * order (publishing a partition's outbox). Held while renewed; lost when its
 * owner dies or stalls past its time to live.
 *
 * Asked before every step of that work, it asks Redis again once a third of
 * the time to live has passed since it last did: until then the lease has at
 * least two thirds of its time left, so the holder is still the only one. An
 * owner that stalled longer asks Redis before its next step, and stops if
 * another took the lease meanwhile.
 */
export class Lease {
  /** When Redis last confirmed the lease (performance.now()), or null when not held. */
  private confirmedAt: number | null = null;

  constructor(
    private readonly redis: RedisClient,
    private readonly key: string,
    private readonly owner: string,
    private readonly ttlMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  async acquireOrRenew(): Promise<boolean> {
    const asked = this.now();
    if (this.confirmedAt !== null && asked - this.confirmedAt < this.ttlMs / 3) return true;
    const held = (await this.redis.eval(RENEW, 1, this.key, this.owner, this.ttlMs)) === 1;
    this.confirmedAt = held ? asked : null;
    return held;
  }

  async release(): Promise<void> {
    this.confirmedAt = null;
    await this.redis.eval(
      `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`,
      1,
      this.key,
      this.owner,
    );
  }
}
