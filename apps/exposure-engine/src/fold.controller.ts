import {
  CallHandler,
  Controller,
  ExecutionContext,
  Inject,
  Injectable,
  NestInterceptor,
  UseFilters,
  UseInterceptors,
} from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { Observable, tap } from 'rxjs';
import { EngineSettings } from '@credit/config';
import { BatchOutcome, InboundBatch, PassBatchErrorToConsumer } from '@credit/kafka';
import { EngineMetrics } from '@credit/observability';
import { FoldService } from './fold.service';
import { OutboxRelay } from './outbox-relay';
import { Projector } from './projector';
import { ENGINE_SETTINGS } from './tokens';

/** The pattern of every input batch, whatever its topic: the fold tells the streams apart itself. */
export const INPUT_BATCH = 'input.batch';

/** Times each batch that was folded (not one that asked for a replay) into fold_batch_seconds. */
@Injectable()
export class FoldTiming implements NestInterceptor<BatchOutcome, BatchOutcome> {
  constructor(@Inject(EngineMetrics) private readonly metrics: EngineMetrics) {}

  intercept(_context: ExecutionContext, next: CallHandler<BatchOutcome>): Observable<BatchOutcome> {
    const timer = this.metrics.foldBatchSeconds.startTimer();
    return next.handle().pipe(
      tap((outcome) => {
        if (outcome === 'folded') timer();
      }),
    );
  }
}

/**
 * The engine's one message handler: a batch of one input partition, folded
 * into the customers' state (FoldService), then the relay and the projector
 * woken to publish and project what it changed.
 */
@Controller()
@UseFilters(PassBatchErrorToConsumer)
export class FoldController {
  private readonly projects: boolean;

  constructor(
    @Inject(ENGINE_SETTINGS) settings: EngineSettings,
    private readonly fold: FoldService,
    private readonly relay: OutboxRelay,
    private readonly projector: Projector,
  ) {
    this.projects = settings.role !== 'fold';
  }

  @EventPattern(INPUT_BATCH)
  @UseInterceptors(FoldTiming)
  async foldBatch(@Payload() batch: InboundBatch): Promise<BatchOutcome> {
    const outcome = await this.fold.foldBatch(batch);
    this.relay.wake();
    if (this.projects) this.projector.wake();
    return outcome;
  }
}
