import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Principal } from '@credit/auth';
import { ApiSettings } from '@credit/config';
import { RawDataByType } from '@credit/contracts';
import { CreditGovernanceRepository, ManualBlockRow } from '@credit/postgres';
import { governanceMessage } from '../credit-classes/governance-events';
import { API_SETTINGS, CREDIT_GOVERNANCE, DATA_SOURCE, OUTBOX_WAKER, OutboxWaker } from '../tokens';
import {
  ManualBlockChangeResult,
  ManualBlockView,
  RemoveManualBlockBody,
  SetManualBlockBody,
} from './manual-block.dto';

const blockView = (row: ManualBlockRow): ManualBlockView => ({
  customerId: row.customer_id,
  reason: row.reason,
  until: row.until,
  setBy: row.set_by,
  setAt: new Date(row.set_at).toISOString(),
});

const noBlock = (companyId: string, customerId: string) =>
  new NotFoundException(`customer ${customerId} of company ${companyId} has no manual block`);

/**
 * Manual blocks (spec section 11): set or removed by a credit manager, audited
 * and published as manualBlock.set / manualBlock.removed in one transaction;
 * the engine blocks with reason MANUAL while the block lasts.
 */
@Injectable()
export class ManualBlockService {
  constructor(
    @Inject(DATA_SOURCE) private readonly db: DataSource,
    @Inject(CREDIT_GOVERNANCE) private readonly repository: CreditGovernanceRepository,
    @Inject(API_SETTINGS) private readonly settings: ApiSettings,
    @Inject(OUTBOX_WAKER) private readonly relay: OutboxWaker,
  ) {}

  async get(companyId: string, customerId: string): Promise<ManualBlockView> {
    const row = await this.repository.findBlock(this.db.manager, companyId, customerId);
    if (row === undefined) throw noBlock(companyId, customerId);
    return blockView(row);
  }

  async set(
    companyId: string,
    customerId: string,
    body: SetManualBlockBody,
    principal: Principal,
  ): Promise<ManualBlockChangeResult> {
    const setAt = new Date();
    const row: ManualBlockRow = {
      company_id: companyId,
      customer_id: customerId,
      reason: body.reason,
      until: body.until ?? null,
      set_by: principal.subject,
      set_at: setAt,
    };
    const data: RawDataByType['manualBlock.set'] = {
      reason: body.reason,
      until: body.until ?? null,
      setBy: principal.subject,
    };
    const topic = this.settings.kafka.topics.creditLimits;
    const { eventId, message } = governanceMessage(
      topic,
      companyId,
      customerId,
      'manualBlock.set',
      data,
      setAt,
    );
    const before = await this.db.transaction(async (tx) => {
      await this.repository.lock(tx, `manual-block:${companyId}:${customerId}`);
      const previous = await this.repository.findBlock(tx, companyId, customerId);
      await this.repository.setBlock(tx, row);
      await this.repository.auditBlock(tx, {
        companyId,
        customerId,
        action: 'set',
        before: previous === undefined ? null : blockView(previous),
        after: blockView(row),
        changedBy: principal.subject,
        reason: body.reason,
        changedAt: setAt,
        eventId,
      });
      await this.repository.enqueue(tx, [message]);
      return previous === undefined ? null : blockView(previous);
    });
    this.relay.wake();
    return { block: blockView(row), before, eventId };
  }

  async remove(
    companyId: string,
    customerId: string,
    body: RemoveManualBlockBody,
    principal: Principal,
  ): Promise<ManualBlockChangeResult> {
    const removedAt = new Date();
    const data: RawDataByType['manualBlock.removed'] = { removedBy: principal.subject };
    if (body.reason !== undefined) data.reason = body.reason;
    const topic = this.settings.kafka.topics.creditLimits;
    const { eventId, message } = governanceMessage(
      topic,
      companyId,
      customerId,
      'manualBlock.removed',
      data,
      removedAt,
    );
    const before = await this.db.transaction(async (tx) => {
      await this.repository.lock(tx, `manual-block:${companyId}:${customerId}`);
      const previous = await this.repository.findBlock(tx, companyId, customerId);
      if (previous === undefined) throw noBlock(companyId, customerId);
      await this.repository.removeBlock(tx, companyId, customerId);
      await this.repository.auditBlock(tx, {
        companyId,
        customerId,
        action: 'removed',
        before: blockView(previous),
        after: null,
        changedBy: principal.subject,
        reason: body.reason ?? null,
        changedAt: removedAt,
        eventId,
      });
      await this.repository.enqueue(tx, [message]);
      return blockView(previous);
    });
    this.relay.wake();
    return { block: null, before, eventId };
  }
}
