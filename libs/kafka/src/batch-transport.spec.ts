import 'reflect-metadata';
import {
  CallHandler,
  Controller,
  ExecutionContext,
  Injectable,
  INestMicroservice,
  Module,
  NestInterceptor,
  UseFilters,
  UseInterceptors,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { map, Observable } from 'rxjs';
import {
  BatchContext,
  BatchConsumerTransport,
  BatchSource,
  PassBatchErrorToConsumer,
} from './batch-transport';
import { BatchOutcome } from './ports';
import { InboundBatch } from './ports';

/** A consumer that hands over the batches a test gives it. */
class FakeSource implements BatchSource {
  started?: { replayFromStart?: boolean };
  stopped = false;
  seeks = 0;
  constructor(readonly handle: (batch: InboundBatch) => Promise<BatchOutcome>) {}
  start(options: { replayFromStart?: boolean }) {
    this.started = options;
    return Promise.resolve();
  }
  stop() {
    this.stopped = true;
    return Promise.resolve();
  }
  seekAssignedToStart() {
    this.seeks += 1;
  }
  seek() {}
  assignedPartitions() {
    return [];
  }
  onCrash() {}
}

const seen: string[] = [];

/** Proves interceptors apply: it rewrites the handler's answer. */
@Injectable()
class ReplayWhenAsked implements NestInterceptor<BatchOutcome, BatchOutcome> {
  intercept(context: ExecutionContext, next: CallHandler<BatchOutcome>): Observable<BatchOutcome> {
    const batch = context.switchToRpc().getData<InboundBatch>();
    return next.handle().pipe(map((outcome) => (batch.topic === 'replay-me' ? 'replay' : outcome)));
  }
}

class BrokenBatch extends Error {}

@Controller()
@UseFilters(PassBatchErrorToConsumer)
class BatchController {
  @EventPattern('batch')
  @UseInterceptors(ReplayWhenAsked)
  handle(@Payload() batch: InboundBatch, @Ctx() context: BatchContext): Promise<BatchOutcome> {
    if (batch.topic === 'broken') return Promise.reject(new BrokenBatch('cannot fold'));
    seen.push(`${context.topic}[${context.partition}]:${batch.messages.length}`);
    return Promise.resolve('folded');
  }
}

@Module({ controllers: [BatchController] })
class BatchModule {}

const batch = (topic: string): InboundBatch => ({
  topic,
  partition: 3,
  messages: [{ topic, partition: 3, offset: '7', key: null, value: Buffer.from('{}'), timestamp: '0' }],
});

describe('BatchConsumerTransport', () => {
  let source: FakeSource;
  let app: INestMicroservice;

  beforeEach(async () => {
    seen.length = 0;
    const transport = new BatchConsumerTransport(
      { pattern: 'batch', groupId: 'g', topics: ['t'] },
      (handle) => (source = new FakeSource(handle)),
    );
    transport.seekAssignedToStart();
    app = await NestFactory.createMicroservice(BatchModule, { strategy: transport, logger: false });
    await app.listen();
  });

  afterEach(() => app.close());

  it("hands each batch to the @EventPattern handler and answers the consumer with the handler's outcome", async () => {
    await expect(source.handle(batch('erp.documents'))).resolves.toBe('folded');
    expect(seen).toEqual(['erp.documents[3]:1']);
  });

  it('runs the handler through its interceptors', async () => {
    await expect(source.handle(batch('replay-me'))).resolves.toBe('replay');
  });

  it("gives the consumer the handler's own error, so that it retries the batch", async () => {
    await expect(source.handle(batch('broken'))).rejects.toBeInstanceOf(BrokenBatch);
  });

  it('replays from the start when asked before listening, and stops the consumer on close', async () => {
    expect(source.started).toEqual({ replayFromStart: true });
    await app.close();
    expect(source.stopped).toBe(true);
  });
});
