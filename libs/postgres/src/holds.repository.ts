import { DataSource, EntityManager } from 'typeorm';
import { OutboundMessage } from '@credit/kafka';
import { ApiOutbox } from './api-outbox';
import { returnedRows } from './pg-errors';

export type HoldStatus = 'pending' | 'released' | 'rejected';
export type HoldDecision = Exclude<HoldStatus, 'pending'>;
export type HoldSource = 'api' | 'event';
export type HoldDocumentType = 'order' | 'delivery' | 'invoice';
/** Why a document is held: every document reason but ATTENTION_THRESHOLD, which only warns. */
export const HOLD_REASONS = [
  'LIMIT_EXCEEDED',
  'LIMIT_EXPIRED',
  'OVERDUE',
  'MANUAL',
  'PAYMENT_TERMS_EXCEEDED',
  'DOCUMENT_AMOUNT_EXCEEDED',
  'LEGAL',
] as const;
export type HoldReason = (typeof HOLD_REASONS)[number];

/** One document of a company's customer, as holds name it (the key of at most one pending hold). */
export interface HoldDocumentRef {
  companyId: string;
  customerId: string;
  documentType: string;
  documentId: string;
}

/** A row of `hold` (migration 1763800000020); money columns as Postgres prints numeric. */
export interface HoldRow extends HoldDocumentRef {
  documentType: HoldDocumentType;
  holdId: string;
  /** From the exposure projection's master data; null before the customer is projected. */
  customerName: string | null;
  amount: string;
  exposureBefore: string;
  exposureAfter: string;
  limitAmount: string | null;
  excess: string;
  reasons: string[];
  requestedBy: string | null;
  sentBy: string | null;
  source: HoldSource;
  status: HoldStatus;
  decidedBy: string | null;
  decidedAt: Date | null;
  decisionReason: string | null;
  createdAt: Date;
  /** Whole minutes since the hold was created, by the database's clock. */
  ageMinutes: number;
}

/** The figures a repeated check of a held document answers with. */
export interface PendingHoldRow {
  holdId: string;
  exposureBefore: string;
  exposureAfter: string;
  limitAmount: string | null;
  excess: string;
  reasons: HoldReason[];
}

/** A hold written by a synchronous credit check (source 'api'). */
export interface NewHold extends HoldDocumentRef {
  holdId: string;
  amount: string;
  exposureBefore: string;
  exposureAfter: string;
  limitAmount: string | null;
  excess: string;
  reasons: HoldReason[];
  requestedBy: string;
  sentBy: string;
  causationId: string;
  createdAt: Date;
}

/** A row of `hold_decision`: the audit of one release or rejection. */
export interface HoldDecisionRow {
  decisionId: string;
  holdId: string;
  decision: HoldDecision;
  decidedBy: string;
  reason: string;
  /** The decider's authority as the API recorded it (JSON). */
  authority: unknown;
  requestId: string;
  decidedAt: Date;
}

export interface HoldFilter {
  /** Absent: every status. */
  status?: HoldStatus;
  customerId?: string;
  documentType?: HoldDocumentType;
  /** Money strings. */
  minAmount?: string;
  minExcess?: string;
  minAgeMinutes?: number;
  sort: 'createdAt' | 'amount' | 'excess';
  order: 'asc' | 'desc';
}

interface RawHold {
  hold_id: string;
  company_id: string;
  customer_id: string;
  customer_name: string | null;
  document_type: HoldDocumentType;
  document_id: string;
  amount: string;
  exposure_before: string;
  exposure_after: string;
  limit_amount: string | null;
  excess: string;
  reasons: string[];
  requested_by: string | null;
  sent_by: string | null;
  source: HoldSource;
  status: HoldStatus;
  decided_by: string | null;
  decided_at: Date | null;
  decision_reason: string | null;
  created_at: Date;
  age_minutes: number;
}

interface RawPending {
  hold_id: string;
  exposure_before: string;
  exposure_after: string;
  limit_amount: string | null;
  excess: string;
  reasons: HoldReason[];
}

interface RawDecision {
  decision_id: string;
  hold_id: string;
  decision: HoldDecision;
  decided_by: string;
  reason: string;
  authority: unknown;
  request_id: string;
  decided_at: Date;
}

const holdRow = (r: RawHold): HoldRow => ({
  holdId: r.hold_id,
  companyId: r.company_id,
  customerId: r.customer_id,
  customerName: r.customer_name,
  documentType: r.document_type,
  documentId: r.document_id,
  amount: r.amount,
  exposureBefore: r.exposure_before,
  exposureAfter: r.exposure_after,
  limitAmount: r.limit_amount,
  excess: r.excess,
  reasons: r.reasons,
  requestedBy: r.requested_by,
  sentBy: r.sent_by,
  source: r.source,
  status: r.status,
  decidedBy: r.decided_by,
  decidedAt: r.decided_at,
  decisionReason: r.decision_reason,
  createdAt: r.created_at,
  ageMinutes: Math.max(0, r.age_minutes),
});

const pendingRow = (r: RawPending): PendingHoldRow => ({
  holdId: r.hold_id,
  exposureBefore: r.exposure_before,
  exposureAfter: r.exposure_after,
  limitAmount: r.limit_amount,
  excess: r.excess,
  reasons: r.reasons,
});

const decisionRow = (r: RawDecision): HoldDecisionRow => ({
  decisionId: String(r.decision_id),
  holdId: r.hold_id,
  decision: r.decision,
  decidedBy: r.decided_by,
  reason: r.reason,
  authority: r.authority,
  requestId: r.request_id,
  decidedAt: r.decided_at,
});

const HOLD_COLUMNS = `hold_id, company_id, customer_id, document_type, document_id, amount, exposure_before,
  exposure_after, limit_amount, excess, reasons, requested_by, sent_by, source, status, decided_by, decided_at,
  decision_reason, created_at, floor(extract(epoch FROM now() - created_at) / 60)::int AS age_minutes,
  (SELECT c.customer_name FROM customer_exposure c
    WHERE c.company_id = hold.company_id AND c.customer_id = hold.customer_id) AS customer_name`;

const PENDING_COLUMNS = 'hold_id, exposure_before, exposure_after, limit_amount, excess, reasons';

const SORT_COLUMNS = { createdAt: 'created_at', amount: 'amount', excess: 'excess' } as const;

/** The checked documents, as the relation `request` of ApiOutbox.enqueueEachUnless. */
const REQUEST_COLUMNS = [
  { name: 'company_id', type: 'text' },
  { name: 'customer_id', type: 'text' },
  { name: 'document_type', type: 'text' },
  { name: 'document_id', type: 'text' },
];

/** The pending hold of each checked document, if any. */
const PENDING_HOLD_OF_REQUEST = `
  SELECT r.i, h.hold_id, h.exposure_before, h.exposure_after, h.limit_amount, h.excess, h.reasons
    FROM request r JOIN hold h
      ON h.company_id = r.company_id AND h.customer_id = r.customer_id
     AND h.document_type = r.document_type AND h.document_id = r.document_id AND h.status = 'pending'`;

const documentParams = (d: HoldDocumentRef) => [d.companyId, d.customerId, d.documentType, d.documentId];

/**
 * Holds (documents blocked by a credit check) and the audit of their
 * decisions. The engine's projector writes the holds of asynchronous checks
 * (ExposureProjection); this repository serves the API's side.
 */
export class HoldsRepository {
  constructor(
    private readonly db: DataSource,
    private readonly outbox: ApiOutbox,
  ) {}

  async list(
    companyId: string,
    filter: HoldFilter,
    page: { limit: number; offset: number },
  ): Promise<{ rows: HoldRow[]; total: number }> {
    const params: unknown[] = [companyId];
    const where = ['company_id = $1'];
    const add = (sql: (n: string) => string, value: unknown) => {
      params.push(value);
      where.push(sql(`$${params.length}`));
    };
    if (filter.status !== undefined) add((p) => `status = ${p}`, filter.status);
    if (filter.customerId !== undefined) add((p) => `customer_id = ${p}`, filter.customerId);
    if (filter.documentType !== undefined) add((p) => `document_type = ${p}`, filter.documentType);
    if (filter.minAmount !== undefined) add((p) => `amount >= ${p}::numeric`, filter.minAmount);
    if (filter.minExcess !== undefined) add((p) => `excess >= ${p}::numeric`, filter.minExcess);
    if (filter.minAgeMinutes !== undefined) {
      add((p) => `created_at <= now() - make_interval(mins => ${p}::int)`, filter.minAgeMinutes);
    }
    const condition = where.join(' AND ');
    const direction = filter.order === 'desc' ? 'DESC' : 'ASC';
    const column = SORT_COLUMNS[filter.sort];
    const [{ total }]: { total: number }[] = await this.db.query(
      `SELECT count(*)::int AS total FROM hold WHERE ${condition}`,
      params,
    );
    const rows: RawHold[] = await this.db.query(
      `SELECT ${HOLD_COLUMNS} FROM hold WHERE ${condition}
        ORDER BY ${column} ${direction}, hold_id ${direction}
        LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, page.limit, page.offset],
    );
    return { rows: rows.map(holdRow), total };
  }

  async find(companyId: string, holdId: string, m: EntityManager = this.db.manager) {
    const [row]: RawHold[] = await m.query(
      `SELECT ${HOLD_COLUMNS} FROM hold WHERE hold_id = $1 AND company_id = $2`,
      [holdId, companyId],
    );
    return row === undefined ? undefined : holdRow(row);
  }

  /**
   * Decides a hold if it is still pending (exactly one decision wins, also
   * under concurrency); undefined when it was not pending any more.
   */
  async decide(
    m: EntityManager,
    hold: { companyId: string; holdId: string },
    decision: { status: HoldDecision; decidedBy: string; reason: string },
  ): Promise<HoldRow | undefined> {
    const [updated] = returnedRows<RawHold>(
      await m.query(
        `UPDATE hold SET status = $3, decided_by = $4, decided_at = now(), decision_reason = $5
           WHERE hold_id = $1 AND company_id = $2 AND status = 'pending'
           RETURNING ${HOLD_COLUMNS}`,
        [hold.holdId, hold.companyId, decision.status, decision.decidedBy, decision.reason],
      ),
    );
    return updated === undefined ? undefined : holdRow(updated);
  }

  async recordDecision(
    m: EntityManager,
    row: Omit<HoldDecisionRow, 'decisionId'> & { companyId: string },
  ): Promise<void> {
    await m.query(
      `INSERT INTO hold_decision (hold_id, company_id, decision, decided_by, reason, authority, request_id, decided_at)
         VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8)`,
      [
        row.holdId,
        row.companyId,
        row.decision,
        row.decidedBy,
        row.reason,
        JSON.stringify(row.authority),
        row.requestId,
        row.decidedAt,
      ],
    );
  }

  /** The decisions of a hold, oldest first. */
  async decisions(holdId: string): Promise<HoldDecisionRow[]> {
    const rows: RawDecision[] = await this.db.query(
      `SELECT decision_id, hold_id, decision, decided_by, reason, authority, request_id, decided_at
         FROM hold_decision WHERE hold_id = $1 ORDER BY decision_id`,
      [holdId],
    );
    return rows.map(decisionRow);
  }

  /** How many holds of the document were decided: the generation its next hold belongs to. */
  async decidedCount(m: EntityManager, document: HoldDocumentRef): Promise<number> {
    const [{ decided }]: { decided: number }[] = await m.query(
      `SELECT count(*)::int AS decided FROM hold
        WHERE company_id = $1 AND customer_id = $2 AND document_type = $3 AND document_id = $4
          AND status <> 'pending'`,
      documentParams(document),
    );
    return decided;
  }

  async pendingOf(m: EntityManager, document: HoldDocumentRef): Promise<PendingHoldRow | null> {
    const [row]: RawPending[] = await m.query(
      `SELECT ${PENDING_COLUMNS} FROM hold
        WHERE company_id = $1 AND customer_id = $2 AND document_type = $3 AND document_id = $4
          AND status = 'pending'`,
      documentParams(document),
    );
    return row === undefined ? null : pendingRow(row);
  }

  /**
   * For many checks in one statement, outside a transaction: the pending hold
   * of each document, and each check's message queued in the API outbox unless
   * its document has a pending hold (see ApiOutbox.enqueueEachUnless).
   */
  async pendingOfEachOrEnqueue(
    checks: { document: HoldDocumentRef; message: OutboundMessage | null }[],
  ): Promise<(PendingHoldRow | null)[]> {
    const found = await this.outbox.enqueueEachUnless<RawPending & { i: number }>(
      this.db.manager,
      REQUEST_COLUMNS,
      PENDING_HOLD_OF_REQUEST,
      checks.map(({ document, message }) => ({ values: documentParams(document), message })),
    );
    return found.map(([pending]) => (pending === undefined ? null : pendingRow(pending)));
  }

  /** Inserts a pending hold; a unique violation means the document already has one. */
  async insert(m: EntityManager, hold: NewHold): Promise<void> {
    await m.query(
      `INSERT INTO hold (hold_id, company_id, customer_id, document_type, document_id, amount,
         exposure_before, exposure_after, limit_amount, excess, reasons, requested_by, sent_by, source,
         causation_id, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 'api', $14, $15)`,
      [
        hold.holdId,
        ...documentParams(hold),
        hold.amount,
        hold.exposureBefore,
        hold.exposureAfter,
        hold.limitAmount,
        hold.excess,
        hold.reasons,
        hold.requestedBy,
        hold.sentBy,
        hold.causationId,
        hold.createdAt,
      ],
    );
  }
}
