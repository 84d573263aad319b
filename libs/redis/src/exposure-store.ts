import { RedisClient } from './connection';
import { CustomerRecord, epochDay } from '@credit/domain';
import { OutboundMessage } from '@credit/kafka';
import { COMMIT_SCRIPT } from './commit-script';
import { documentHoldField, heldSteps } from './document-holds';
import { RedisKeys } from './keys';
import { documentFields, PageLayout, recordFromFields, recordHeader } from './record-layout';
import { RecordCache } from './record-cache';
import {
  Commit,
  CommitResult,
  CustomerWrite,
  DueReview,
  FoldPreparation,
  ExposureStore,
  PartitionPosition,
  ProjectionDue,
  QueuedEntry,
} from './ports';

/**
 * Keys and arguments as one array (ioredis flattens it): a batch touching thousands of customers has
 * more arguments than a JavaScript call may spread (RangeError: Maximum call stack size exceeded).
 */
type CommitCommand = (numKeys: number, keysAndArgs: (string | Buffer | number)[]) => Promise<string[]>;
type ProjectedCommand = (numKeys: number, ...args: string[]) => Promise<number>;
type RecordUnlessCommand = (
  numKeys: number,
  ...args: string[]
) => Promise<[string] | [string, string[]] | null>;

/** A customer's version, and its fields only when the version is not the one the caller holds. */
const RECORD_UNLESS_SCRIPT = `
local version = redis.call('HGET', KEYS[1], 'v')
if not version then return nil end
if version == ARGV[1] then return {version} end
return {version, redis.call('HGETALL', KEYS[1])}
`;

/** Clears a customer's due mark only if no later change set it again meanwhile. */
const PROJECTED_SCRIPT = `
for i = 1, #ARGV, 2 do
  if redis.call('HGET', KEYS[1], ARGV[i]) == ARGV[i + 1] then redis.call('HDEL', KEYS[1], ARGV[i]) end
end
return 0
`;

/** The sum of counts read from each input partition (its keys in a slot of their own). */
async function overPartitions(
  keys: RedisKeys,
  count: (partition: number) => Promise<number>[],
): Promise<number> {
  const counts = await Promise.all(keys.allPartitions().flatMap(count));
  return counts.reduce((a, b) => a + b, 0);
}

/** Customers whose Postgres projection is behind, plus events not yet in the history table. */
export const projectionBacklog = (redis: RedisClient, keys: RedisKeys): Promise<number> =>
  overPartitions(keys, (p) => [redis.hlen(keys.projectionDue(p)), redis.xlen(keys.history(p))]);

/** Output events not yet published, in every partition's outbox. */
export const outboxBacklog = (redis: RedisClient, keys: RedisKeys): Promise<number> =>
  overPartitions(keys, (p) => [redis.xlen(keys.outbox(p))]);

/** A Lua script as a command of this connection (EVALSHA), defined once per connection. */
function scriptCommand<Command extends (...args: never[]) => unknown>(
  redis: RedisClient,
  name: string,
  lua: string,
): Command {
  const commands = redis as unknown as Record<string, Command | undefined>;
  if (!commands[name]) redis.defineCommand(name, { lua });
  return (commands[name] as Command).bind(redis) as Command;
}

export class RedisExposureStore implements ExposureStore {
  private readonly runCommit: CommitCommand;
  private readonly runProjected: ProjectedCommand;
  private readonly runRecordUnless: RecordUnlessCommand;
  /** Where the documents of the versions this instance read or wrote lie; without it a write is whole. */
  private readonly layouts: RecordCache<{ version: number; layout: PageLayout }>;

  /** @param layoutCacheSize how many customers' page layouts to keep (the engine's record cache size) */
  constructor(
    private readonly redis: RedisClient,
    readonly keys: RedisKeys,
    layoutCacheSize = 100_000,
  ) {
    this.layouts = new RecordCache(layoutCacheSize);
    this.runCommit = scriptCommand<CommitCommand>(redis, 'commitExposureBatch', COMMIT_SCRIPT);
    this.runProjected = scriptCommand<ProjectedCommand>(redis, 'markProjected', PROJECTED_SCRIPT);
    this.runRecordUnless = scriptCommand<RecordUnlessCommand>(
      redis,
      'recordUnlessVersion',
      RECORD_UNLESS_SCRIPT,
    );
  }

  async position(topic: string, partition: number): Promise<PartitionPosition> {
    // Two slots: the partition's and the global one (a Redis Cluster refuses one MGET across them).
    const [appliedOffset, epoch] = await Promise.all([
      this.redis.get(this.keys.applied(topic, partition)),
      this.redis.get(this.keys.epoch()),
    ]);
    return { appliedOffset, epoch: epoch === null ? null : Number(epoch) };
  }

  async prepare(
    topic: string,
    partition: number,
    eventIdsByCustomer: Map<string, string[]>,
  ): Promise<FoldPreparation> {
    // The partition's keys in one pipeline (one slot); the epoch, global, beside it.
    const pipeline = this.redis.pipeline();
    pipeline.get(this.keys.applied(topic, partition));
    for (const [key, eventIds] of eventIdsByCustomer) {
      pipeline.hget(this.keys.customer(key), 'v');
      if (eventIds.length > 0) pipeline.zmscore(this.keys.appliedIds(topic, key), ...eventIds);
    }
    const [replies, epoch] = await Promise.all([pipeline.exec(), this.redis.get(this.keys.epoch())]);
    const reply = (i: number) => {
      const [error, value] = replies![i];
      if (error) throw error;
      return value;
    };
    const appliedOffset = reply(0) as string | null;
    const versions = new Map<string, number>();
    const seen = new Map<string, Set<string>>();
    let r = 1;
    for (const [key, eventIds] of eventIdsByCustomer) {
      const version = reply(r++) as string | null;
      versions.set(key, version === null ? 0 : Number(version));
      const applied = new Set<string>();
      if (eventIds.length > 0) {
        (reply(r++) as (string | null)[]).forEach((at, i) => at !== null && applied.add(eventIds[i]));
      }
      seen.set(key, applied);
    }
    return { position: { appliedOffset, epoch: epoch === null ? null : Number(epoch) }, versions, seen };
  }

  async records(keys: string[]): Promise<Map<string, CustomerRecord>> {
    const found = new Map<string, CustomerRecord>();
    // One pipeline per partition: a Redis Cluster runs a pipeline on one slot's node.
    const byPartition = new Map<number, string[]>();
    for (const key of keys) {
      const partition = this.keys.partitionOf(key);
      const same = byPartition.get(partition);
      if (same) same.push(key);
      else byPartition.set(partition, [key]);
    }
    await Promise.all(
      [...byPartition.values()].map(async (same) => {
        const pipeline = this.redis.pipeline();
        for (const key of same) pipeline.call('HGETALL', this.keys.customer(key));
        const replies = (await pipeline.exec()) ?? [];
        replies.forEach(([error, fields], i) => {
          if (error) throw error;
          const stored = this.stored(same[i], fields as string[]);
          if (stored !== null) found.set(same[i], stored);
        });
      }),
    );
    return found;
  }

  /**
   * A customer's stored record, in one round trip that carries the state only
   * when the stored version is not `held`'s: then `held` itself is returned.
   */
  async recordUnlessHeld(key: string, held: CustomerRecord | undefined): Promise<CustomerRecord | null> {
    const reply = await this.runRecordUnless(1, this.keys.customer(key), held ? String(held.version) : '');
    if (reply === null) return null;
    return reply.length === 1 ? held! : this.stored(key, reply[1]);
  }

  /** A record read from its fields; its layout is kept for the next write of it. */
  private stored(key: string, fields: string[]): CustomerRecord | null {
    const stored = recordFromFields(fields);
    if (stored === null) return null;
    this.layouts.remember(key, { version: stored.record.version, layout: stored.layout });
    return stored.record;
  }

  async commit(commit: Commit): Promise<CommitResult> {
    const partition = commit.partition;
    const keys = [
      this.keys.applied(commit.source?.topic ?? '-', partition),
      this.keys.outbox(partition),
      this.keys.projectionDue(partition),
      this.keys.review(partition),
      this.keys.history(partition),
    ];
    const layouts: PageLayout[] = [];
    // Each output message travels once: the history entry of its customer names it by position (1-based).
    const positions = new Map<OutboundMessage, number>(commit.outbox.map((message, i) => [message, i + 1]));
    const positionOf = (message: OutboundMessage): number => {
      const position = positions.get(message);
      if (position === undefined) throw new Error(`an event of ${message.key} is not in the commit's outbox`);
      return position;
    };
    const args: (string | Buffer)[] = [
      commit.source ? '1' : '0',
      commit.source?.expectedOffset ?? '',
      commit.source?.newOffset ?? '',
      String(commit.customers.length),
      String(commit.outbox.length),
    ];
    for (const write of commit.customers) {
      if (this.keys.partitionOf(write.key) !== partition) {
        throw new Error(
          `${write.key} belongs to partition ${this.keys.partitionOf(write.key)}, not ${partition}`,
        );
      }
      const known = this.layouts.get(write.key);
      const fields = documentFields(
        write.record,
        write.documentChanges,
        known?.version === write.expectedVersion ? known.layout : undefined,
      );
      layouts.push(fields.layout);
      keys.push(
        this.keys.customer(write.key),
        this.keys.appliedIds(commit.source?.topic ?? '-', write.key),
        this.keys.companyCustomers(write.record.companyId, partition),
        this.keys.documentHolds(write.key),
        this.keys.reviewedParameters(write.record.companyId, partition),
      );
      args.push(
        String(write.expectedVersion),
        String(write.record.version),
        recordHeader(write.record),
        write.record.reviewOn === null ? '' : String(epochDay(write.record.reviewOn)),
        write.key,
        JSON.stringify(appliedWithin(write)),
        JSON.stringify(write.events.map(positionOf)),
        JSON.stringify((write.holds ?? []).flatMap((h) => [documentHoldField(h), heldSteps(h.generation)])),
        write.assessedWith,
        write.forgetAppliedBefore == null ? '' : String(write.forgetAppliedBefore),
        fields.whole ? '1' : '0',
        JSON.stringify(fields.set),
        JSON.stringify(fields.del),
      );
    }
    for (const message of commit.outbox) {
      args.push(message.topic, message.key ?? '', message.value, JSON.stringify(message.headers ?? {}));
    }
    // Layouts are changed while the arguments are built: a write that did not land leaves none behind.
    for (const write of commit.customers) this.layouts.forget(write.key);
    const [status, detail] = await this.runCommit(keys.length, [keys, args].flat());
    if (status === 'ok') {
      commit.customers.forEach((write, i) =>
        this.layouts.remember(write.key, { version: write.record.version, layout: layouts[i] }),
      );
    }
    return status === 'ok' ? { ok: true } : { ok: false, conflict: status as 'offset' | 'version', detail };
  }

  async pendingOutbox(partition: number, limit: number): Promise<QueuedEntry<OutboundMessage>[]> {
    const entries = await this.redis.xrangeBuffer(this.keys.outbox(partition), '-', '+', 'COUNT', limit);
    return entries.map(([id, fields]) => {
      const value: Record<string, Buffer> = {};
      for (let i = 0; i < fields.length; i += 2) value[fields[i].toString()] = fields[i + 1];
      const key = value.k.length === 0 ? null : value.k;
      return {
        id: id.toString(),
        value: { topic: value.t.toString(), key, value: value.v, headers: JSON.parse(value.h.toString()) },
      };
    });
  }

  async acknowledgeOutbox(partition: number, ids: string[]): Promise<void> {
    if (ids.length > 0) await this.redis.xdel(this.keys.outbox(partition), ...ids);
  }

  async projectionsDue(partition: number, limit: number): Promise<ProjectionDue[]> {
    const flat = (await this.redis.call(
      'HRANDFIELD',
      this.keys.projectionDue(partition),
      limit,
      'WITHVALUES',
    )) as string[];
    const due: ProjectionDue[] = [];
    for (let i = 0; i < flat.length; i += 2) due.push({ key: flat[i], version: Number(flat[i + 1]) });
    return due;
  }

  async projected(partition: number, done: ProjectionDue[]): Promise<void> {
    if (done.length === 0) return;
    await this.runProjected(
      1,
      this.keys.projectionDue(partition),
      ...done.flatMap((d) => [d.key, String(d.version)]),
    );
  }

  async pendingHistory(partition: number, limit: number): Promise<QueuedEntry<unknown[]>[]> {
    const entries = await this.redis.xrange(this.keys.history(partition), '-', '+', 'COUNT', limit);
    return entries.map(([id, fields]) => ({ id, value: JSON.parse(fields[1]) as unknown[] }));
  }

  async acknowledgeHistory(partition: number, ids: string[]): Promise<void> {
    if (ids.length > 0) await this.redis.xdel(this.keys.history(partition), ...ids);
  }

  async dueForReview(partition: number, uptoEpochDay: number, limit: number): Promise<DueReview[]> {
    const flat = await this.redis.zrangebyscore(
      this.keys.review(partition),
      '-inf',
      uptoEpochDay,
      'WITHSCORES',
      'LIMIT',
      0,
      limit,
    );
    const due: DueReview[] = [];
    for (let i = 0; i < flat.length; i += 2) due.push({ key: flat[i], epochDay: Number(flat[i + 1]) });
    return due;
  }
}

/**
 * The write's applied eventIds as [occurredAt, eventId, ...], without those
 * that occurred before the window it forgets (a batch spanning more than the
 * window, as a replay's): the fold ignores their re-sends by the horizon.
 */
function appliedWithin(write: CustomerWrite): string[] {
  const forgetBefore = write.forgetAppliedBefore;
  const applied: string[] = [];
  write.appliedEventIds.forEach((id, i) => {
    const at = write.appliedAt?.[i] ?? 0;
    if (forgetBefore == null || at >= forgetBefore) applied.push(String(at), id);
  });
  return applied;
}
