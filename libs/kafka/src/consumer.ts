import { Consumer, IHeaders, Kafka, PartitionAssigners } from 'kafkajs';
import { CoPartitionedAssigner } from './co-partitioned-assigner';
import { BatchOutcome, InboundBatch } from './ports';

export interface BatchConsumerOptions {
  groupId: string;
  topics: string[];
  /**
   * Applies a whole batch; the offsets are committed to Kafka only after it
   * resolves. 'replay' asks to read every assigned partition again from the start,
   * `rewindTo` to read the batch's partition again from that offset.
   */
  handle: (batch: InboundBatch) => Promise<BatchOutcome>;
  maxBytesPerPartition?: number;
  sessionTimeoutMs?: number;
  partitionsConcurrently?: number;
  /** Hands over each message's headers too (off for the fold, whose inputs carry none it reads). */
  withHeaders?: boolean;
  /**
   * Where to read newly assigned partitions from when not where the group's
   * committed offset says (the handler's state is behind it): asked on every
   * assignment, the answer sought once it comes.
   */
  resumePositions?: (assignment: Record<string, number[]>) => Promise<PartitionSeek[]>;
  /** Told about a failed resumePositions (the batches' own check still holds). */
  onResumeError?: (error: Error) => void;
}

/**
 * How long the broker holds a fetch that finds nothing new. A seek (a replay
 * after the state store was lost, a rewind) only takes effect when the fetch in
 * flight returns: with kafkajs' 5 s default, a rebuild of an idle consumer
 * started up to 5 s late. New messages still end a held fetch at once, so this
 * costs no latency, only two empty fetches a second when idle.
 */
const IDLE_FETCH_WAIT_MS = 500;

/** Told when the consumer crashed; `restarting` says whether kafkajs starts it again. */
export type CrashListener = (error: Error, restarting: boolean) => void;

export interface PartitionSeek {
  topic: string;
  partition: number;
  offset: string;
}

/** kafkajs headers (Buffer, string or arrays of them) as text; a repeated header keeps its last value. */
function headersOf(headers: IHeaders | undefined): Record<string, string> {
  const text: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const last = Array.isArray(value) ? value[value.length - 1] : value;
    if (last !== undefined) text[name] = last.toString();
  }
  return text;
}

/**
 * A consumer group member that hands over whole batches. Kafka's committed
 * offset is only a hint of where to resume: the handler keeps its own applied
 * position with its state, because kafkajs redelivers after rebalances.
 */
export class BatchConsumer {
  private readonly consumer: Consumer;
  private assignment: Record<string, number[]> = {};
  private replayOnJoin = false;

  constructor(
    kafka: Kafka,
    private readonly options: BatchConsumerOptions,
  ) {
    this.consumer = kafka.consumer({
      groupId: options.groupId,
      // Round robin stays listed so that a group being upgraded agrees on it until every member is new.
      partitionAssigners: [CoPartitionedAssigner, PartitionAssigners.roundRobin],
      maxBytesPerPartition: options.maxBytesPerPartition ?? 1_048_576,
      maxWaitTimeInMs: IDLE_FETCH_WAIT_MS,
      // kafkajs caps a whole fetch at 10 MB by default, which would undo a larger per-partition size.
      maxBytes: Math.max(10_485_760, 4 * (options.maxBytesPerPartition ?? 1_048_576)),
      sessionTimeout: options.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: Math.floor((options.sessionTimeoutMs ?? 30_000) / 10),
      allowAutoTopicCreation: false,
      retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 300, maxRetryTime: 10_000 },
    });
  }

  /** Reads every partition from the start once it is assigned (the state it fed was lost). */
  async start(options: { replayFromStart?: boolean } = {}): Promise<void> {
    this.replayOnJoin = options.replayFromStart ?? false;
    this.consumer.on(this.consumer.events.GROUP_JOIN, (event) => {
      this.assignment = event.payload.memberAssignment;
      if (this.replayOnJoin) {
        this.replayOnJoin = false;
        this.seekAssignedToStart();
      } else if (this.options.resumePositions) {
        const assignment = this.assignment;
        this.options
          .resumePositions(assignment)
          .then((seeks) => seeks.forEach((seek) => this.seek(seek)))
          .catch((error: Error) => this.options.onResumeError?.(error));
      }
    });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: this.options.topics, fromBeginning: true });
    await this.consumer.run({
      autoCommit: true,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConcurrently ?? 1,
      eachBatch: async ({
        batch,
        resolveOffset,
        heartbeat,
        commitOffsetsIfNecessary,
        isRunning,
        isStale,
      }) => {
        if (!isRunning() || isStale() || batch.messages.length === 0) return;
        const withHeaders = this.options.withHeaders === true;
        const outcome = await this.options.handle({
          topic: batch.topic,
          partition: batch.partition,
          messages: batch.messages.map((m) => ({
            topic: batch.topic,
            partition: batch.partition,
            offset: m.offset,
            key: m.key ?? null,
            value: m.value ?? null,
            timestamp: m.timestamp,
            ...(withHeaders ? { headers: headersOf(m.headers) } : {}),
          })),
          fetchedOffset: (batch as { fetchedOffset?: string }).fetchedOffset,
          highWatermark: batch.highWatermark,
        });
        if (outcome === 'replay') {
          this.seekAssignedToStart();
          return;
        }
        if (outcome !== 'folded') {
          // Nothing resolved: the committed offset stays where it was until the gap is folded.
          this.consumer.seek({ topic: batch.topic, partition: batch.partition, offset: outcome.rewindTo });
          return;
        }
        resolveOffset(batch.lastOffset());
        await commitOffsetsIfNecessary();
        await heartbeat();
      },
    });
  }

  assignedPartitions(): number[] {
    return [...new Set(Object.values(this.assignment).flat())].sort((a, b) => a - b);
  }

  /** Reads a partition again from `offset`, if it is still assigned to this member. */
  seek({ topic, partition, offset }: PartitionSeek): void {
    if (this.assignment[topic]?.includes(partition)) this.consumer.seek({ topic, partition, offset });
  }

  /** Offset 0 below the log start resets to the earliest offset (fromBeginning). */
  seekAssignedToStart(): void {
    for (const [topic, partitions] of Object.entries(this.assignment)) {
      for (const partition of partitions) this.consumer.seek({ topic, partition, offset: '0' });
    }
  }

  /** Waits for the batch in hand to finish, commits, and leaves the group. */
  async stop(): Promise<void> {
    await this.consumer.disconnect();
    this.assignment = {};
  }

  /** `restarting` false: kafkajs gave the consumer up for good (an error it does not retry, such as a RangeError). */
  onCrash(listener: CrashListener): void {
    this.consumer.on(this.consumer.events.CRASH, (event) =>
      listener(event.payload.error, event.payload.restart),
    );
  }
}
