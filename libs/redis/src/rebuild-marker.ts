import { RedisClient } from './connection';
import { RedisKeys } from './keys';

/** Raises a partition's rebuild target of a topic (never lowers it: an older gap may still be open). */
const BEHIND_SCRIPT = `
local current = redis.call('HGET', KEYS[1], ARGV[1])
if not current or tonumber(current) < tonumber(ARGV[2]) then redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end
return 0
`;

/**
 * '' when the partition is rebuilt in every topic named in ARGV, else the first
 * such topic still behind its target. KEYS: the partition's rebuild targets,
 * then its applied offset of each topic named in ARGV.
 */
const PENDING_SCRIPT = `
local targets = redis.call('HMGET', KEYS[1], unpack(ARGV))
for i = 1, #ARGV do
  local target = targets[i]
  if target then
    local applied = redis.call('GET', KEYS[i + 1])
    if not applied or tonumber(applied) < tonumber(target) then return ARGV[i] end
  end
end
return ''
`;

export interface PartitionRef {
  topic: string;
  partition: number;
}

/** A partition's last offset at the moment a rebuild of it began. */
export interface RebuildTarget extends PartitionRef {
  /** The last offset the rebuild must fold (the high watermark minus one). */
  lastOffset: bigint;
}

/**
 * How far a rebuild of the state must go before a reader may trust it. A
 * rebuild begins when the engine creates a new epoch (the store was empty or
 * lost: every partition up to its end at that moment) or finds a partition's
 * applied offset behind the batch Kafka hands it (a snapshot restored, a
 * lagging replica promoted: that partition up to its end). A partition is
 * rebuilt once its applied offset reaches the target; the API's credit check
 * refuses to decide (503) for a customer whose partition is not, rather than
 * decide on a state without its history (a wrong ALLOW).
 */
export class RebuildMarker {
  private readonly runPending: (numKeys: number, ...args: string[]) => Promise<string>;
  private readonly runBehind: (numKeys: number, ...args: string[]) => Promise<number>;

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
  ) {
    // Once per connection, then EVALSHA: the credit check asks on every request.
    const commands = redis as unknown as Record<string, ((...args: never[]) => unknown) | undefined>;
    if (!commands.rebuildPending) redis.defineCommand('rebuildPending', { lua: PENDING_SCRIPT });
    if (!commands.rebuildBehind) redis.defineCommand('rebuildBehind', { lua: BEHIND_SCRIPT });
    this.runPending = (commands.rebuildPending as typeof this.runPending).bind(redis);
    this.runBehind = (commands.rebuildBehind as typeof this.runBehind).bind(redis);
  }

  /**
   * Creates the store's epoch unless it exists; `created` false when it did.
   * The targets are recorded first, each in its partition's slot: an epoch
   * never exists without them, and a second instance racing to create it only
   * raises targets to where the partitions already are.
   */
  async begin(epoch: string, targets: RebuildTarget[]): Promise<{ epoch: number; created: boolean }> {
    await Promise.all(targets.map((target) => this.behind(target)));
    const created = (await this.redis.set(this.keys.epoch(), epoch, 'NX')) === 'OK';
    const value = created ? epoch : await this.redis.get(this.keys.epoch());
    return { epoch: Number(value), created };
  }

  /** The partition is being folded again up to `lastOffset`. */
  async behind(target: RebuildTarget): Promise<void> {
    if (target.lastOffset < 0n) return;
    await this.runBehind(1, this.keys.rebuild(target.partition), target.topic, target.lastOffset.toString());
  }

  /**
   * Null when the partition is rebuilt in every topic given; 'lost' when the
   * store has no epoch (empty or lost, nothing folded yet); else the first
   * `<topic>:<partition>` still behind its target.
   */
  async pending(partition: number, topics: string[]): Promise<string | null> {
    const [epoch, behind] = await Promise.all([
      this.redis.exists(this.keys.epoch()),
      this.runPending(
        1 + topics.length,
        this.keys.rebuild(partition),
        ...topics.map((topic) => this.keys.applied(topic, partition)),
        ...topics,
      ),
    ]);
    if (epoch === 0) return 'lost';
    return behind === '' ? null : `${behind}:${partition}`;
  }
}
