import { BadRequestException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { Principal } from '@credit/auth';
import { ApiSettings } from '@credit/config';
import {
  CREDIT_LIMIT_DEFAULTS,
  decodeInputEvent,
  keyOf,
  RawDataByType,
  RawEnvelope,
} from '@credit/contracts';
import { parseMoney } from '@credit/domain';
import { ApiOutbox, AuditedCreditLimit, CustomerExposureRow } from '@credit/postgres';
import { API_OUTBOX, API_SETTINGS, DATA_SOURCE, OUTBOX_WAKER, OutboxWaker } from '../tokens';
import {
  CreditLimitChangeResult,
  CreditLimitChangeView,
  CreditLimitHistoryPage,
  CreditLimitView,
  CurrentCreditLimit,
  RemoveCreditLimitBody,
  SetCreditLimitBody,
} from './credit-limit.dto';
import { PageQuery, pageOf } from '../http/paging';

interface ChangeRecord {
  id: string;
  action: 'set' | 'removed';
  before: AuditedCreditLimit | null;
  after: AuditedCreditLimit | null;
  changed_by: string;
  reason: string;
  changed_at: Date;
  event_id: string;
}

/** The limit in force, as far as the API knows it. */
interface KnownLimit {
  limit: CreditLimitView;
  change: ChangeRecord | null;
}

/** The limit of a PUT body with the contract's defaults filled in. */
export function limitOf(body: SetCreditLimitBody): CreditLimitView {
  return {
    amount: body.amount,
    mode: body.mode,
    attentionThresholdPct: body.attentionThresholdPct ?? CREDIT_LIMIT_DEFAULTS.attentionThresholdPct,
    validUntil: body.validUntil ?? null,
    blockOnOverdue: body.blockOnOverdue ?? CREDIT_LIMIT_DEFAULTS.blockOnOverdue,
    overdueToleranceDays: body.overdueToleranceDays ?? CREDIT_LIMIT_DEFAULTS.overdueToleranceDays,
  };
}

/** The limit columns of the exposure projection (the engine's view); null when it shows none. */
function projectedLimit(row: CustomerExposureRow | null): CreditLimitView | null {
  if (row === null || row.limitAmount === null || row.limitMode === null) return null;
  return {
    amount: row.limitAmount,
    mode: row.limitMode,
    attentionThresholdPct: row.attentionThresholdPct ?? CREDIT_LIMIT_DEFAULTS.attentionThresholdPct,
    validUntil: row.validUntil,
    blockOnOverdue: null,
    overdueToleranceDays: null,
  };
}

/** Same amount (numerically: "1000" = "1000.00"), mode, threshold and validity. */
const sameTerms = (a: CreditLimitView, b: CreditLimitView): boolean =>
  parseMoney(a.amount) === parseMoney(b.amount) &&
  a.mode === b.mode &&
  a.attentionThresholdPct === b.attentionThresholdPct &&
  a.validUntil === b.validUntil;

const changeView = (row: ChangeRecord): CreditLimitChangeView => ({
  changeId: row.id,
  action: row.action,
  before: row.before,
  after: row.after,
  changedBy: row.changed_by,
  reason: row.reason,
  changedAt: new Date(row.changed_at).toISOString(),
  eventId: row.event_id,
});

const CHANGE_COLUMNS = 'id, action, before, after, changed_by, reason, changed_at, event_id';

/**
 * Credit limits changed through the API. Each change is one Postgres
 * transaction: the audit row and the event for the engine (through the API
 * outbox), so neither exists without the other. The engine folds the event;
 * the exposure follows.
 */
@Injectable()
export class CreditLimitsService {
  constructor(
    @Inject(DATA_SOURCE) private readonly db: DataSource,
    @Inject(API_OUTBOX) private readonly outbox: ApiOutbox,
    @Inject(API_SETTINGS) private readonly settings: ApiSettings,
    @Inject(OUTBOX_WAKER) private readonly relay: OutboxWaker,
  ) {}

  /**
   * The limit in force: the latest change made through the API (none after a
   * removal); with no change through the API, the limit in the exposure
   * projection (set by another producer on risk.credit-limits).
   */
  private async known(
    manager: EntityManager,
    companyId: string,
    customerId: string,
  ): Promise<KnownLimit | null> {
    const [latest]: ChangeRecord[] = await manager.query(
      `SELECT ${CHANGE_COLUMNS} FROM credit_limit_change
        WHERE company_id = $1 AND customer_id = $2 ORDER BY seq DESC LIMIT 1`,
      [companyId, customerId],
    );
    if (latest !== undefined) {
      return latest.action === 'set' && latest.after !== null
        ? { limit: latest.after, change: latest }
        : null;
    }
    const projected = projectedLimit(
      await manager.getRepository(CustomerExposureRow).findOneBy({ companyId, customerId }),
    );
    return projected === null ? null : { limit: projected, change: null };
  }

  async current(companyId: string, customerId: string): Promise<CurrentCreditLimit> {
    const known = await this.known(this.db.manager, companyId, customerId);
    if (known === null) {
      throw new NotFoundException(`Customer ${customerId} of company ${companyId} has no credit limit`);
    }
    const row = await this.db.getRepository(CustomerExposureRow).findOneBy({ companyId, customerId });
    const projected = projectedLimit(row);
    const { limit, change } = known;
    return {
      companyId,
      customerId,
      customerName: row?.customerName ?? null,
      limit,
      source: change === null ? 'engine' : 'api',
      changeId: change?.id ?? null,
      setBy: change?.changed_by ?? null,
      reason: change?.reason ?? null,
      setAt: change === null ? null : new Date(change.changed_at).toISOString(),
      appliedByEngine: projected !== null && sameTerms(projected, limit),
    };
  }

  async set(
    companyId: string,
    customerId: string,
    body: SetCreditLimitBody,
    principal: Principal,
  ): Promise<CreditLimitChangeResult> {
    const limit = limitOf(body);
    const data: RawDataByType['creditLimit.set'] = {
      amount: limit.amount,
      mode: limit.mode,
      attentionThresholdPct: limit.attentionThresholdPct,
      blockOnOverdue: body.blockOnOverdue ?? CREDIT_LIMIT_DEFAULTS.blockOnOverdue,
      overdueToleranceDays: body.overdueToleranceDays ?? CREDIT_LIMIT_DEFAULTS.overdueToleranceDays,
      setBy: principal.subject,
      reason: body.reason,
    };
    if (limit.validUntil !== null) data.validUntil = limit.validUntil;
    return this.change(companyId, customerId, 'set', data, limit, body.reason, principal);
  }

  async remove(
    companyId: string,
    customerId: string,
    body: RemoveCreditLimitBody,
    principal: Principal,
  ): Promise<CreditLimitChangeResult> {
    const data: RawDataByType['creditLimit.removed'] = { removedBy: principal.subject, reason: body.reason };
    return this.change(companyId, customerId, 'removed', data, null, body.reason, principal);
  }

  private async change(
    companyId: string,
    customerId: string,
    action: 'set' | 'removed',
    data: Record<string, unknown>,
    after: CreditLimitView | null,
    reason: string,
    principal: Principal,
  ): Promise<CreditLimitChangeResult> {
    const changedAt = new Date();
    const envelope: RawEnvelope = {
      eventId: randomUUID(),
      type: action === 'set' ? 'creditLimit.set' : 'creditLimit.removed',
      schemaVersion: 1,
      occurredAt: changedAt.toISOString(),
      companyId,
      customerId,
      data,
    };
    const key = keyOf(companyId, customerId);
    const value = Buffer.from(JSON.stringify(envelope), 'utf8');
    // What the engine would dead-letter is never published: checked with the engine's own decoder.
    const decoded = decodeInputEvent('creditLimits', Buffer.from(key, 'utf8'), value);
    if (!decoded.ok) {
      throw new BadRequestException(
        `the ${envelope.type} event would be rejected by the contract: ${decoded.message}`,
      );
    }
    const changeId = randomUUID();
    const before = await this.db.transaction(async (tx) => {
      // One change of a customer's limit at a time: `before` is the limit the change replaces.
      await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`credit-limit:${key}`]);
      const known = await this.known(tx, companyId, customerId);
      if (action === 'removed' && known === null) {
        throw new NotFoundException(
          `Customer ${customerId} of company ${companyId} has no credit limit to remove`,
        );
      }
      const previous = known?.limit ?? null;
      await tx.query(
        `INSERT INTO credit_limit_change
           (id, company_id, customer_id, action, before, after, changed_by, reason, changed_at, event_id)
         VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7, $8, $9, $10)`,
        [
          changeId,
          companyId,
          customerId,
          action,
          previous === null ? null : JSON.stringify(previous),
          after === null ? null : JSON.stringify(after),
          principal.subject,
          reason,
          changedAt,
          envelope.eventId,
        ],
      );
      await this.outbox.enqueue(tx, [{ topic: this.settings.kafka.topics.creditLimits, key, value }]);
      return previous;
    });
    this.relay.wake();
    return { limit: after, before, changeId, eventId: envelope.eventId };
  }

  async history(companyId: string, customerId: string, query: PageQuery): Promise<CreditLimitHistoryPage> {
    const { limit, offset } = pageOf(query);
    const [rows, [{ total }]]: [ChangeRecord[], { total: string }[]] = await Promise.all([
      this.db.query(
        `SELECT ${CHANGE_COLUMNS} FROM credit_limit_change
          WHERE company_id = $1 AND customer_id = $2 ORDER BY seq DESC LIMIT $3 OFFSET $4`,
        [companyId, customerId, limit, offset],
      ),
      this.db.query(
        `SELECT count(*) AS total FROM credit_limit_change WHERE company_id = $1 AND customer_id = $2`,
        [companyId, customerId],
      ),
    ]);
    return { items: rows.map(changeView), limit, offset, total: Number(total) };
  }
}
