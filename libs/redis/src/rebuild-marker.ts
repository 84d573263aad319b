import Redis from 'ioredis';
import { RedisKeys } from './keys';

/** Creates the epoch if absent and, only then, records where each partition's rebuild ends. */
const BEGIN_SCRIPT = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX') then
  redis.call('DEL', KEYS[2])
  for i = 2, #ARGV, 2 do redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1]) end
  return {1, ARGV[1]}
end
return {0, redis.call('GET', KEYS[1])}
`;

/** Raises a partition's rebuild target (never lowers it: an older gap may still be open). */
const BEHIND_SCRIPT = `
local current = redis.call('HGET', KEYS[1], ARGV[1])
if not current or tonumber(current) < tonumber(ARGV[2]) then redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end
return 0
`;

/**
 * '' when the partitions are rebuilt, 'lost' when the store has no epoch (empty
 * or lost, nothing folded yet), else the first `<topic>:<partition>` still
 * behind its target. KEYS: epoch, rebuild, then the applied offset of each
 * partition named in ARGV.
 */
const PENDING_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 'lost' end
local targets = redis.call('HMGET', KEYS[2], unpack(ARGV))
for i = 1, #ARGV do
  local target = targets[i]
  if target then
    local applied = redis.call('GET', KEYS[i + 2])
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

const field = (topic: string, partition: number) => `${topic}:${partition}`;

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

  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {
    // Once per connection, then EVALSHA: the credit check asks on every request.
    const commands = redis as unknown as Record<string, typeof this.runPending | undefined>;
    if (!commands.rebuildPending) redis.defineCommand('rebuildPending', { lua: PENDING_SCRIPT });
    this.runPending = (commands.rebuildPending as typeof this.runPending).bind(redis);
  }

  /** Creates the store's epoch with its rebuild targets, atomically; `created` false when it existed. */
  async begin(epoch: string, targets: RebuildTarget[]): Promise<{ epoch: number; created: boolean }> {
    const args = targets
      .filter((t) => t.lastOffset >= 0n)
      .flatMap((t) => [field(t.topic, t.partition), t.lastOffset.toString()]);
    const [created, value] = (await this.redis.eval(
      BEGIN_SCRIPT,
      2,
      this.keys.epoch(),
      this.keys.rebuild(),
      epoch,
      ...args,
    )) as [number, string];
    return { epoch: Number(value), created: created === 1 };
  }

  /** The partition is being folded again up to `lastOffset`. */
  async behind(target: RebuildTarget): Promise<void> {
    if (target.lastOffset < 0n) return;
    await this.redis.eval(
      BEHIND_SCRIPT,
      1,
      this.keys.rebuild(),
      field(target.topic, target.partition),
      target.lastOffset.toString(),
    );
  }

  /** See PENDING_SCRIPT: null when every partition given is rebuilt. */
  async pending(partitions: PartitionRef[]): Promise<string | null> {
    const reply = await this.runPending(
      2 + partitions.length,
      this.keys.epoch(),
      this.keys.rebuild(),
      ...partitions.map((p) => this.keys.applied(p.topic, p.partition)),
      ...partitions.map((p) => field(p.topic, p.partition)),
    );
    return reply === '' ? null : reply;
  }
}
