import {
  BadRequestException,
  ConflictException,
  ForbiddenException,
  Inject,
  Injectable,
  NotFoundException,
} from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { Principal } from '@credit/auth';
import { ApiSettings } from '@credit/config';
import {
  CREDIT_LIMIT_DEFAULTS,
  decodeInputEvent,
  customerKey,
  RawDataByType,
  RawEnvelope,
} from '@credit/contracts';
import { parseMoney } from '@credit/domain';
import {
  advisoryLock,
  ApiOutbox,
  CreditGovernanceRepository,
  CreditLimitChangeRow,
  CreditLimitChangesRepository,
  CustomerExposureRepository,
  CustomerExposureRow,
  LimitRequestRow,
  LimitRequestStatus,
} from '@credit/postgres';
import {
  API_OUTBOX,
  API_SETTINGS,
  CREDIT_GOVERNANCE,
  DATA_SOURCE,
  OUTBOX_WAKER,
  OutboxWaker,
} from '../tokens';
import {
  CreditLimitChangeResult,
  CreditLimitChangeView,
  CreditLimitHistoryPage,
  CreditLimitView,
  CurrentCreditLimit,
  RemoveCreditLimitBody,
  SetCreditLimitBody,
} from './credit-limit.dto';
import { LimitRequestPage, LimitRequestView } from '../limit-requests/limit-request.dto';
import { PageQuery, pageOf } from '../http/paging';

/** The limit in force, as far as the API knows it. */
interface KnownLimit {
  limit: CreditLimitView;
  change: CreditLimitChangeRow | null;
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

const changeView = (row: CreditLimitChangeRow): CreditLimitChangeView => ({
  changeId: row.id,
  action: row.action,
  before: row.before,
  after: row.after,
  changedBy: row.changedBy,
  reason: row.reason,
  changedAt: row.changedAt.toISOString(),
  eventId: row.eventId,
});

/** The creditLimit.set data of a PUT body, set by `setBy`. */
function setData(body: SetCreditLimitBody, setBy: string): RawDataByType['creditLimit.set'] {
  const limit = limitOf(body);
  const data: RawDataByType['creditLimit.set'] = {
    amount: limit.amount,
    mode: limit.mode,
    attentionThresholdPct: limit.attentionThresholdPct,
    blockOnOverdue: body.blockOnOverdue ?? CREDIT_LIMIT_DEFAULTS.blockOnOverdue,
    overdueToleranceDays: body.overdueToleranceDays ?? CREDIT_LIMIT_DEFAULTS.overdueToleranceDays,
    setBy,
    reason: body.reason,
  };
  if (limit.validUntil !== null) data.validUntil = limit.validUntil;
  if (body.temporaryAmount !== undefined && body.temporaryUntil !== undefined) {
    data.temporaryAmount = body.temporaryAmount;
    data.temporaryUntil = body.temporaryUntil;
  }
  return data;
}

/** The amount a limit change asks for: the base amount, or the temporary one when higher. */
export function requiredAmount(body: SetCreditLimitBody): string {
  const base = parseMoney(body.amount);
  const temporary = body.temporaryAmount === undefined ? null : parseMoney(body.temporaryAmount);
  return temporary !== null && temporary > base ? body.temporaryAmount! : body.amount;
}

/** Whether a limit authority (null = unlimited) covers the change. */
export const covers = (authority: string | null, body: SetCreditLimitBody): boolean =>
  authority === null || parseMoney(requiredAmount(body)) <= parseMoney(authority);

const requestNotFound = (companyId: string, requestId: string) =>
  new NotFoundException(`credit-limit request ${requestId} does not exist in company ${companyId}`);

const iso = (d: Date | null): string | null => (d === null ? null : new Date(d).toISOString());

function requestView(row: LimitRequestRow): LimitRequestView {
  const limit = limitOf(row.terms as unknown as SetCreditLimitBody);
  const terms = row.terms as { temporaryUntil?: string };
  return {
    requestId: row.request_id,
    companyId: row.company_id,
    customerId: row.customer_id,
    customerName: row.customer_name,
    amount: row.amount,
    mode: limit.mode,
    attentionThresholdPct: limit.attentionThresholdPct,
    validUntil: limit.validUntil,
    blockOnOverdue: limit.blockOnOverdue ?? CREDIT_LIMIT_DEFAULTS.blockOnOverdue,
    overdueToleranceDays: limit.overdueToleranceDays ?? CREDIT_LIMIT_DEFAULTS.overdueToleranceDays,
    temporaryAmount: row.temporary_amount,
    temporaryUntil: terms.temporaryUntil ?? null,
    reason: row.reason,
    status: row.status,
    requestedBy: row.requested_by,
    requestedAt: new Date(row.requested_at).toISOString(),
    decidedBy: row.decided_by,
    decidedAt: iso(row.decided_at),
    decisionReason: row.decision_reason,
  };
}

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
    private readonly changes: CreditLimitChangesRepository,
    private readonly exposures: CustomerExposureRepository,
    @Inject(API_OUTBOX) private readonly outbox: ApiOutbox,
    @Inject(API_SETTINGS) private readonly settings: ApiSettings,
    @Inject(OUTBOX_WAKER) private readonly relay: OutboxWaker,
    @Inject(CREDIT_GOVERNANCE) private readonly governance: CreditGovernanceRepository,
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
    const latest = await this.changes.latest(companyId, customerId, manager);
    if (latest !== undefined) {
      return latest.action === 'set' && latest.after !== null
        ? { limit: latest.after, change: latest }
        : null;
    }
    const projected = projectedLimit(await this.exposures.find(companyId, customerId, manager));
    return projected === null ? null : { limit: projected, change: null };
  }

  async current(companyId: string, customerId: string): Promise<CurrentCreditLimit> {
    const known = await this.known(this.db.manager, companyId, customerId);
    if (known === null) {
      throw new NotFoundException(`Customer ${customerId} of company ${companyId} has no credit limit`);
    }
    const row = await this.exposures.find(companyId, customerId);
    const projected = projectedLimit(row);
    const { limit, change } = known;
    return {
      companyId,
      customerId,
      customerName: row?.customerName ?? null,
      limit,
      source: change === null ? 'engine' : 'api',
      changeId: change?.id ?? null,
      setBy: change?.changedBy ?? null,
      reason: change?.reason ?? null,
      setAt: change === null ? null : change.changedAt.toISOString(),
      appliedByEngine: projected !== null && sameTerms(projected, limit),
    };
  }

  /**
   * Sets the limit when the setter's limit authority covers it; otherwise
   * (four eyes) records a pending request that changes nothing until another
   * user approves it.
   */
  async set(
    companyId: string,
    customerId: string,
    body: SetCreditLimitBody,
    principal: Principal,
  ): Promise<CreditLimitChangeResult | LimitRequestView> {
    const authority = await this.governance.limitAuthority(this.db.manager, companyId, principal.subject);
    if (!covers(authority, body)) return this.request(companyId, customerId, body, principal);
    return this.change(
      companyId,
      customerId,
      'set',
      setData(body, principal.subject),
      limitOf(body),
      body.reason,
      principal,
    );
  }

  /** A four-eyes request for the limit of the body (whatever the requester's own authority). */
  async request(
    companyId: string,
    customerId: string,
    body: SetCreditLimitBody,
    principal: Principal,
  ): Promise<LimitRequestView> {
    // What the engine would refuse is refused now, not at approval.
    this.envelopeFor(companyId, customerId, 'set', setData(body, principal.subject), new Date());
    const requestId = randomUUID();
    await this.db.transaction((tx) =>
      this.governance.insertRequest(tx, {
        requestId,
        companyId,
        customerId,
        terms: { ...body },
        amount: body.amount,
        temporaryAmount: body.temporaryAmount ?? null,
        reason: body.reason,
        requestedBy: principal.subject,
        requestedAt: new Date(),
      }),
    );
    return this.getRequest(companyId, requestId);
  }

  async getRequest(companyId: string, requestId: string): Promise<LimitRequestView> {
    const row = await this.governance.findRequest(this.db.manager, companyId, requestId);
    if (row === undefined) throw requestNotFound(companyId, requestId);
    return requestView(row);
  }

  async requests(
    filter: { companyId: string; customerId?: string; status?: LimitRequestStatus },
    query: PageQuery,
  ): Promise<LimitRequestPage> {
    const { limit, offset } = pageOf(query);
    const { rows, total } = await this.governance.listRequests(this.db.manager, filter, limit, offset);
    return { items: rows.map(requestView), total, limit, offset };
  }

  /**
   * Decides a pending request. Never by its requester; approval needs a limit
   * authority covering it and applies the limit (audit row and creditLimit.set
   * through the outbox) in the same transaction as the decision.
   */
  async decide(
    companyId: string,
    requestId: string,
    decision: 'approved' | 'rejected',
    reason: string,
    principal: Principal,
  ): Promise<LimitRequestView> {
    const decidedAt = new Date();
    await this.db.transaction(async (tx) => {
      const row = await this.governance.findRequest(tx, companyId, requestId, true);
      if (row === undefined) throw requestNotFound(companyId, requestId);
      if (row.status !== 'pending') {
        throw new ConflictException(`credit-limit request ${requestId} is already ${row.status}`);
      }
      if (row.requested_by === principal.subject) {
        throw new ForbiddenException(
          `four eyes: you requested credit-limit request ${requestId}; another user must decide it`,
        );
      }
      const body = row.terms as unknown as SetCreditLimitBody;
      const authority = await this.governance.limitAuthority(tx, companyId, principal.subject);
      // Deciding either way is a decision about that amount: it needs authority for it.
      if (!covers(authority, body)) {
        throw new ForbiddenException(
          `your limit authority in company ${companyId} is ${authority}: it does not cover ` +
            `${requiredAmount(body)} of credit-limit request ${requestId}`,
        );
      }
      let changeId: string | null = null;
      if (decision === 'approved') {
        const data = setData(body, principal.subject);
        data.reason = `${body.reason} (requested by ${row.requested_by}, approved: ${reason})`;
        changeId = (
          await this.applyChange(
            tx,
            row.customer_id,
            companyId,
            'set',
            data,
            limitOf(body),
            body.reason,
            principal,
          )
        ).changeId;
      }
      await this.governance.decideRequest(tx, {
        companyId,
        requestId,
        status: decision,
        decidedBy: principal.subject,
        decidedAt,
        reason,
        decidedWith: { limitAuthority: authority },
        changeId,
      });
    });
    this.relay.wake();
    return this.getRequest(companyId, requestId);
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

  /** The event of a change, refused (400) when the engine's own decoder would dead-letter it. */
  private envelopeFor(
    companyId: string,
    customerId: string,
    action: 'set' | 'removed',
    data: object,
    changedAt: Date,
  ): { envelope: RawEnvelope; key: string; value: Buffer } {
    const envelope: RawEnvelope = {
      eventId: randomUUID(),
      type: action === 'set' ? 'creditLimit.set' : 'creditLimit.removed',
      schemaVersion: 1,
      occurredAt: changedAt.toISOString(),
      companyId,
      customerId,
      data: data as Record<string, unknown>,
    };
    const key = customerKey(companyId, customerId);
    const value = Buffer.from(JSON.stringify(envelope), 'utf8');
    // What the engine would dead-letter is never published: checked with the engine's own decoder.
    const decoded = decodeInputEvent('creditLimits', Buffer.from(key, 'utf8'), value);
    if (!decoded.ok) {
      throw new BadRequestException(
        `the ${envelope.type} event would be rejected by the contract: ${decoded.message}`,
      );
    }
    return { envelope, key, value };
  }

  private async change(
    companyId: string,
    customerId: string,
    action: 'set' | 'removed',
    data: object,
    after: CreditLimitView | null,
    reason: string,
    principal: Principal,
  ): Promise<CreditLimitChangeResult> {
    this.envelopeFor(companyId, customerId, action, data, new Date());
    const result = await this.db.transaction((tx) =>
      this.applyChange(tx, customerId, companyId, action, data, after, reason, principal),
    );
    this.relay.wake();
    return result;
  }

  /** The audit row and the event of one change, in the caller's transaction. */
  private async applyChange(
    tx: EntityManager,
    customerId: string,
    companyId: string,
    action: 'set' | 'removed',
    data: object,
    after: CreditLimitView | null,
    reason: string,
    principal: Principal,
  ): Promise<CreditLimitChangeResult> {
    const changedAt = new Date();
    const { envelope, key, value } = this.envelopeFor(companyId, customerId, action, data, changedAt);
    const changeId = randomUUID();
    const before = await (async () => {
      // One change of a customer's limit at a time: `before` is the limit the change replaces.
      await advisoryLock(tx, `credit-limit:${key}`);
      const known = await this.known(tx, companyId, customerId);
      if (action === 'removed' && known === null) {
        throw new NotFoundException(
          `Customer ${customerId} of company ${companyId} has no credit limit to remove`,
        );
      }
      const previous = known?.limit ?? null;
      await this.changes.insert(tx, {
        id: changeId,
        companyId,
        customerId,
        action,
        before: previous,
        after,
        changedBy: principal.subject,
        reason,
        changedAt,
        eventId: envelope.eventId,
      });
      await this.outbox.enqueue(tx, [{ topic: this.settings.kafka.topics.creditLimits, key, value }]);
      return previous;
    })();
    return { limit: after, before, changeId, eventId: envelope.eventId };
  }

  async history(companyId: string, customerId: string, query: PageQuery): Promise<CreditLimitHistoryPage> {
    const { limit, offset } = pageOf(query);
    const { rows, total } = await this.changes.history(companyId, customerId, { limit, offset });
    return { items: rows.map(changeView), limit, offset, total };
  }
}
