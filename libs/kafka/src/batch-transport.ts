import { ArgumentsHost, Catch, RpcExceptionFilter } from '@nestjs/common';
import { BaseRpcContext, CustomTransportStrategy, MessageHandler, Server } from '@nestjs/microservices';
import { Kafka } from 'kafkajs';
import { lastValueFrom, Observable, throwError } from 'rxjs';
import { BatchConsumer, BatchConsumerOptions, CrashListener, PartitionSeek } from './consumer';
import { BatchOutcome, InboundBatch } from './ports';

/** Where a batch handed to an `@EventPattern` handler came from (`@Ctx() context: BatchContext`). */
export class BatchContext extends BaseRpcContext<[topic: string, partition: number]> {
  get topic(): string {
    return this.args[0];
  }

  get partition(): number {
    return this.args[1];
  }
}

/** The consumer the transport drives: BatchConsumer, or a stand-in in tests. */
export interface BatchSource {
  start(options: { replayFromStart?: boolean }): Promise<void>;
  stop(): Promise<void>;
  seekAssignedToStart(): void;
  /** Reads one assigned partition again from an offset (ignored when it is not assigned). */
  seek(position: PartitionSeek): void;
  /** The input partitions this member is assigned (the same numbers in every input topic: co-partitioned). */
  assignedPartitions(): number[];
  onCrash(listener: CrashListener): void;
}

/** What the transport reports: the consumer crashed (kafkajs restarts it when the error is retriable). */
export type BatchTransportEvents = { crash: CrashListener };

export interface BatchTransportOptions extends Omit<BatchConsumerOptions, 'handle'> {
  /** The `@EventPattern` whose handler folds every batch, of every topic. */
  pattern: string;
}

/**
 * The consumer group as a Nest microservice transport. Nest's own Kafka
 * transport hands over one message at a time; this one hands a whole batch of
 * one partition to the `@EventPattern(pattern)` handler, through Nest's
 * interceptors, guards and filters, and commits the batch's offsets only after
 * the handler resolved. The handler answers 'folded', or 'replay' to read every
 * assigned partition again from the start. A handler that fails makes the
 * consumer retry the batch, as before (see PassBatchErrorToConsumer).
 */
export class BatchConsumerTransport extends Server<BatchTransportEvents> implements CustomTransportStrategy {
  private source?: BatchSource;
  private replayFromStart = false;
  private readonly crashListeners: CrashListener[] = [];

  constructor(
    private readonly options: BatchTransportOptions,
    /** Builds the consumer around the handler; a Kafka client builds the real BatchConsumer. */
    private readonly consumerOf: (handle: (batch: InboundBatch) => Promise<BatchOutcome>) => BatchSource,
  ) {
    super();
  }

  /** The transport of a consumer group member of `kafka`. */
  static of(kafka: Kafka, options: BatchTransportOptions): BatchConsumerTransport {
    return new BatchConsumerTransport(options, (handle) => new BatchConsumer(kafka, { ...options, handle }));
  }

  /**
   * Reads every assigned partition again from the start; asked before the
   * consumer starts, once the group assigns them (the state they fed was lost).
   */
  seekAssignedToStart(): void {
    if (this.source === undefined) this.replayFromStart = true;
    else this.source.seekAssignedToStart();
  }

  /** Reads one assigned partition again from `offset` (the state it fed went back in time). */
  seek(position: PartitionSeek): void {
    this.source?.seek(position);
  }

  /** The input partitions this member owns now: the state it folds, relays and reviews. */
  assignedPartitions(): number[] {
    return this.source?.assignedPartitions() ?? [];
  }

  async listen(callback: (error?: unknown) => void): Promise<void> {
    try {
      const handler = this.getHandlerByPattern(this.options.pattern);
      if (handler === null)
        throw new Error(`no @EventPattern('${this.options.pattern}') handler is registered`);
      const source = this.consumerOf((batch) => this.dispatch(handler, batch));
      for (const listener of this.crashListeners) source.onCrash(listener);
      this.source = source;
      await source.start({ replayFromStart: this.replayFromStart });
      callback();
    } catch (error) {
      callback(error);
    }
  }

  /** Waits for the batch in hand to finish, commits, and leaves the group. */
  async close(): Promise<void> {
    await this.source?.stop();
  }

  on<E extends keyof BatchTransportEvents, C extends BatchTransportEvents[E]>(event: E, callback: C): void {
    if (event !== 'crash') throw new Error(`BatchConsumerTransport has no event ${String(event)}`);
    this.crashListeners.push(callback);
    this.source?.onCrash(callback);
  }

  unwrap<T>(): T {
    return this.source as T;
  }

  /** The handler's answer, once its observable (interceptors included) completes. */
  private async dispatch(handler: MessageHandler, batch: InboundBatch): Promise<BatchOutcome> {
    try {
      const answer = await handler(batch, new BatchContext([batch.topic, batch.partition]));
      return (await lastValueFrom(this.transformToObservable(answer))) as BatchOutcome;
    } catch (error) {
      // Nest's default filter turns an error into { status, message }: the consumer needs an Error.
      throw error instanceof Error ? error : new Error(`batch handler failed: ${JSON.stringify(error)}`);
    }
  }
}

/**
 * Hands a batch handler's error back to the consumer unchanged: kafkajs then
 * retries the batch from its last committed offset and logs the failure once.
 * Nest's default filter would log a stack per attempt and replace the error
 * by "Internal server error".
 */
@Catch()
export class PassBatchErrorToConsumer implements RpcExceptionFilter<unknown> {
  catch(exception: unknown, _host: ArgumentsHost): Observable<never> {
    return throwError(() => exception);
  }
}
