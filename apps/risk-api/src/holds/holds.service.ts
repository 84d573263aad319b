import {
  ConflictException,
  ForbiddenException,
  Inject,
  Injectable,
  Logger,
  NotFoundException,
} from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { ApiSettings } from '@credit/config';
import {
  DocumentDecisionData,
  DocumentReason,
  outputEvent,
  outputMessage,
  validateOutputEvent,
} from '@credit/contracts';
import { formatMoney } from '@credit/domain';
import { ApiOutbox, ExposureProjection } from '@credit/postgres';
import { DocumentHolds } from '@credit/redis';
import { exposureView } from '../exposure/exposure.view';
import {
  API_OUTBOX,
  API_SETTINGS,
  DATA_SOURCE,
  EXPOSURE_PROJECTION,
  DOCUMENT_HOLDS,
  OUTBOX_WAKER,
  OutboxWaker,
} from '../tokens';
import { ApprovalGrant, AuthorityVerdict, rejectVerdict, releaseVerdict } from './authority';
import { HoldDecisionDto, HoldDetailDto, HoldDto, HoldsQuery } from './holds.dto';
import { numericCents } from './request-rules';
import { Page, pageOf } from '../http/paging';

/** A row of the shared `hold` table (migration 1763800000020), read with raw SQL. */
interface HoldSqlRow {
  hold_id: string;
  company_id: string;
  customer_id: string;
  document_type: 'order' | 'delivery' | 'invoice';
  document_id: string;
  amount: string;
  exposure_before: string;
  exposure_after: string;
  limit_amount: string | null;
  excess: string;
  reasons: string[];
  requested_by: string | null;
  sent_by: string | null;
  source: string;
  status: 'pending' | 'released' | 'rejected';
  decided_by: string | null;
  decided_at: Date | null;
  decision_reason: string | null;
  created_at: Date;
  age_minutes: number;
  customer_name: string | null;
}

interface DecisionSqlRow {
  decision_id: string;
  decision: 'released' | 'rejected';
  decided_by: string;
  reason: string;
  authority: unknown;
  request_id: string;
  decided_at: Date;
}

interface GrantSqlRow {
  name: string;
  max_excess: string | null;
  may_release_overdue: boolean;
}

export type Decision = 'released' | 'rejected';

const HOLD_COLUMNS = `hold_id, company_id, customer_id, document_type, document_id, amount, exposure_before,
  exposure_after, limit_amount, excess, reasons, requested_by, sent_by, source, status, decided_by, decided_at,
  decision_reason, created_at, floor(extract(epoch FROM now() - created_at) / 60)::int AS age_minutes,
  (SELECT c.customer_name FROM customer_exposure c
    WHERE c.company_id = hold.company_id AND c.customer_id = hold.customer_id) AS customer_name`;

const SORT_COLUMNS = { createdAt: 'created_at', amount: 'amount', excess: 'excess' } as const;

/** Money columns are normalised to the contract's two-decimal strings. */
const money = (text: string): string => formatMoney(numericCents(text));

function holdDto(row: HoldSqlRow): HoldDto {
  return {
    holdId: row.hold_id,
    companyId: row.company_id,
    customerId: row.customer_id,
    customerName: row.customer_name,
    documentType: row.document_type,
    documentId: row.document_id,
    amount: money(row.amount),
    exposureBefore: money(row.exposure_before),
    exposureAfter: money(row.exposure_after),
    incrementalExposure: formatMoney(numericCents(row.exposure_after) - numericCents(row.exposure_before)),
    limit: row.limit_amount === null ? null : money(row.limit_amount),
    excess: money(row.excess),
    reasons: row.reasons,
    requestedBy: row.requested_by,
    sentBy: row.sent_by,
    source: row.source,
    status: row.status,
    decidedBy: row.decided_by,
    decidedAt: row.decided_at === null ? null : row.decided_at.toISOString(),
    decisionReason: row.decision_reason,
    createdAt: row.created_at.toISOString(),
    ageMinutes: Math.max(0, row.age_minutes),
  };
}

const decisionDto = (row: DecisionSqlRow): HoldDecisionDto => ({
  decisionId: String(row.decision_id),
  decision: row.decision,
  decidedBy: row.decided_by,
  reason: row.reason,
  authority: row.authority,
  requestId: row.request_id,
  decidedAt: row.decided_at.toISOString(),
});

const grantOf = (row: GrantSqlRow): ApprovalGrant => ({
  name: row.name,
  maxExcess: row.max_excess === null ? null : numericCents(row.max_excess),
  mayReleaseOverdue: row.may_release_overdue,
});

const holdNotFound = (companyId: string, holdId: string) =>
  new NotFoundException(`hold ${holdId} does not exist in company ${companyId}`);

const alreadyDecided = (hold: Pick<HoldSqlRow, 'hold_id' | 'status' | 'decided_by' | 'decided_at'>) =>
  new ConflictException({
    message:
      `hold ${hold.hold_id} was already ${hold.status}` +
      `${hold.decided_by === null ? '' : ` by ${hold.decided_by}`}` +
      `${hold.decided_at === null ? '' : ` at ${hold.decided_at.toISOString()}`}; a hold is decided only once`,
    status: hold.status,
  });

/** Holds (documents blocked by a credit check) and their release by exception or rejection. */
@Injectable()
export class HoldsService {
  constructor(
    @Inject(DATA_SOURCE) private readonly db: DataSource,
    @Inject(EXPOSURE_PROJECTION) private readonly projection: ExposureProjection,
    @Inject(API_OUTBOX) private readonly outbox: ApiOutbox,
    @Inject(API_SETTINGS) private readonly settings: ApiSettings,
    @Inject(OUTBOX_WAKER) private readonly relay: OutboxWaker,
    @Inject(DOCUMENT_HOLDS) private readonly documentHolds: DocumentHolds,
  ) {}

  private readonly logger = new Logger(HoldsService.name);

  async list(companyId: string, query: HoldsQuery): Promise<Page<HoldDto>> {
    const page = pageOf(query);
    const params: unknown[] = [companyId];
    const where = ['company_id = $1'];
    const add = (sql: (n: string) => string, value: unknown) => {
      params.push(value);
      where.push(sql(`$${params.length}`));
    };
    const status = query.status ?? 'pending';
    if (status !== 'all') add((p) => `status = ${p}`, status);
    if (query.customerId !== undefined) add((p) => `customer_id = ${p}`, query.customerId);
    if (query.documentType !== undefined) add((p) => `document_type = ${p}`, query.documentType);
    if (query.minAmount !== undefined) add((p) => `amount >= ${p}::numeric`, query.minAmount);
    if (query.minExcess !== undefined) add((p) => `excess >= ${p}::numeric`, query.minExcess);
    if (query.minAgeMinutes !== undefined) {
      add((p) => `created_at <= now() - make_interval(mins => ${p}::int)`, query.minAgeMinutes);
    }
    const filter = where.join(' AND ');
    const direction = query.order === 'desc' ? 'DESC' : 'ASC';
    const column = SORT_COLUMNS[query.sort ?? 'createdAt'];
    const [{ total }] = await this.db.query(
      `SELECT count(*)::int AS total FROM hold WHERE ${filter}`,
      params,
    );
    const rows: HoldSqlRow[] = await this.db.query(
      `SELECT ${HOLD_COLUMNS} FROM hold WHERE ${filter}
        ORDER BY ${column} ${direction}, hold_id ${direction}
        LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, page.limit, page.offset],
    );
    return { items: rows.map(holdDto), total, ...page };
  }

  async detail(companyId: string, holdId: string): Promise<HoldDetailDto> {
    const hold = await this.findHold(this.db.manager, companyId, holdId);
    if (hold === undefined) throw holdNotFound(companyId, holdId);
    return this.detailOf(hold);
  }

  /**
   * Releases or rejects a pending hold. In one transaction: the conditional
   * status change (exactly one decision wins, also under concurrency), the
   * hold_decision audit row and the document.released / document.rejected
   * event in the outbox; the relay is woken after the commit.
   */
  async decide(
    companyId: string,
    holdId: string,
    decision: Decision,
    subject: string,
    reason: string,
    requestId: string,
  ): Promise<HoldDetailDto> {
    const decided = await this.db.transaction(async (m) => {
      const hold = await this.findHold(m, companyId, holdId);
      if (hold === undefined) throw holdNotFound(companyId, holdId);
      if (hold.status !== 'pending') throw alreadyDecided(hold);
      if (hold.requested_by === subject || hold.sent_by === subject) {
        throw new ForbiddenException(
          `you ${hold.requested_by === subject ? 'requested' : 'sent the check of'} ` +
            `${hold.document_type} ${hold.document_id}: the requester may not decide its own document`,
        );
      }
      const grants = await this.grants(m, companyId, subject);
      const excess = numericCents(hold.excess);
      const verdict: AuthorityVerdict =
        decision === 'released'
          ? releaseVerdict(grants, { excess, reasons: hold.reasons }, companyId)
          : rejectVerdict(grants, companyId);
      if (!verdict.allowed)
        throw new ForbiddenException({ message: verdict.message, missing: verdict.missing });

      // TypeORM answers an UPDATE … RETURNING with [rows, affected]
      const [[updated]]: [HoldSqlRow[], number] = await m.query(
        `UPDATE hold SET status = $3, decided_by = $4, decided_at = now(), decision_reason = $5
           WHERE hold_id = $1 AND company_id = $2 AND status = 'pending'
           RETURNING ${HOLD_COLUMNS}`,
        [holdId, companyId, decision, subject, reason],
      );
      if (updated === undefined) {
        // decided by someone else since we read it
        const now = await this.findHold(this.db.manager, companyId, holdId);
        throw alreadyDecided(now ?? hold);
      }
      const authority = {
        roles: [...grants]
          .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
          .map((g) => ({
            name: g.name,
            maxExcess: g.maxExcess === null ? null : formatMoney(g.maxExcess),
            mayReleaseOverdue: g.mayReleaseOverdue,
          })),
        effective: {
          maxExcess: verdict.authority.maxExcess === null ? null : formatMoney(verdict.authority.maxExcess),
          mayReleaseOverdue: verdict.authority.mayReleaseOverdue,
        },
        required:
          decision === 'released'
            ? { excess: formatMoney(excess), overdue: hold.reasons.includes('OVERDUE') }
            : { approvalRole: true },
      };
      await m.query(
        `INSERT INTO hold_decision (hold_id, company_id, decision, decided_by, reason, authority, request_id, decided_at)
           VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8)`,
        [
          holdId,
          companyId,
          decision,
          subject,
          reason,
          JSON.stringify(authority),
          requestId,
          updated.decided_at,
        ],
      );
      await this.outbox.enqueue(m, [this.decisionMessage(updated, decision, subject, reason, requestId)]);
      const [{ generation }]: { generation: number }[] = await m.query(
        `SELECT count(*)::int AS generation FROM hold
          WHERE company_id = $1 AND customer_id = $2 AND document_type = $3 AND document_id = $4
            AND status <> 'pending'`,
        [companyId, updated.customer_id, updated.document_type, updated.document_id],
      );
      return { hold: updated, generation };
    });
    this.relay.wake();
    await this.advanceGeneration(decided.hold, decided.generation);
    return this.detailOf(decided.hold);
  }

  /**
   * Tells the engine that the document's hold was decided: its next
   * asynchronous check decides afresh, and a HOLD names a new hold
   * (documentHoldId). After the commit: a step recorded for a decision that
   * then failed would let the engine pass over a pending hold. Should Redis be
   * away, the decision stands, and the engine keeps naming the decided hold
   * for that document until its next hold is recorded (a synchronous HOLD).
   */
  private async advanceGeneration(hold: HoldSqlRow, generation: number): Promise<void> {
    const document = {
      companyId: hold.company_id,
      customerId: hold.customer_id,
      documentType: hold.document_type,
      documentId: hold.document_id,
    };
    try {
      await this.documentHolds.decided(document, generation);
    } catch (error) {
      this.logger.error(
        `hold ${hold.hold_id} decided, but its generation could not be recorded in Redis: ${String(error)}`,
      );
    }
  }

  private decisionMessage(
    hold: HoldSqlRow,
    decision: Decision,
    subject: string,
    reason: string,
    requestId: string,
  ) {
    const view = holdDto(hold);
    const data: DocumentDecisionData = {
      documentType: hold.document_type,
      documentId: hold.document_id,
      amount: view.amount,
      incrementalExposure: view.incrementalExposure,
      exposureBefore: view.exposureBefore,
      exposureAfter: view.exposureAfter,
      limit: view.limit,
      reasons: hold.reasons as DocumentReason[],
      ...(hold.requested_by === null ? {} : { requestedBy: hold.requested_by }),
      ...(hold.sent_by === null ? {} : { sentBy: hold.sent_by }),
      holdId: hold.hold_id,
      decidedBy: subject,
      reason,
    };
    const event = outputEvent({
      type: decision === 'released' ? 'document.released' : 'document.rejected',
      companyId: hold.company_id,
      customerId: hold.customer_id,
      causationId: requestId,
      // API-originated events are outside the engine's per-customer sequence
      sequence: 0,
      occurredAt: hold.decided_at!.toISOString(),
      data,
      idParts: [hold.hold_id],
    });
    const validation = validateOutputEvent(event);
    if (!validation.ok) {
      throw new Error(`${event.type} for hold ${hold.hold_id} violates its schema: ${validation.message}`);
    }
    return outputMessage(event, this.settings.kafka.topics);
  }

  private async detailOf(hold: HoldSqlRow): Promise<HoldDetailDto> {
    const [exposure, decisions] = await Promise.all([
      this.projection.findOne(hold.company_id, hold.customer_id),
      this.db.query(
        `SELECT decision_id, decision, decided_by, reason, authority, request_id, decided_at
           FROM hold_decision WHERE hold_id = $1 ORDER BY decision_id`,
        [hold.hold_id],
      ) as Promise<DecisionSqlRow[]>,
    ]);
    return {
      ...holdDto(hold),
      currentExposure: exposure === null ? null : exposureView(exposure),
      decisions: decisions.map(decisionDto),
    };
  }

  private async findHold(
    m: EntityManager,
    companyId: string,
    holdId: string,
  ): Promise<HoldSqlRow | undefined> {
    const [row]: HoldSqlRow[] = await m.query(
      `SELECT ${HOLD_COLUMNS} FROM hold WHERE hold_id = $1 AND company_id = $2`,
      [holdId, companyId],
    );
    return row;
  }

  private async grants(m: EntityManager, companyId: string, subject: string): Promise<ApprovalGrant[]> {
    const rows: GrantSqlRow[] = await m.query(
      `SELECT r.name, r.max_excess, r.may_release_overdue
         FROM approval_role_member mb
         JOIN approval_role r ON r.company_id = mb.company_id AND r.name = mb.role_name
        WHERE mb.company_id = $1 AND mb.user_subject = $2`,
      [companyId, subject],
    );
    return rows.map(grantOf);
  }
}
