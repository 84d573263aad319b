import { EntityManager } from 'typeorm';
import { OutboundMessage } from '@credit/kafka';
import { ApiOutbox } from './api-outbox';
import { advisoryLock, returnedRows } from './pg-errors';

/**
 * SQL of the "before the sale" governance (migration 1765000000900): credit
 * classes and their holders, manual blocks, four-eyes credit-limit requests
 * and the limit authority of approval roles. Every method takes the caller's
 * EntityManager so services compose them in one transaction with the outbox;
 * rows come back plain (money as numeric strings with two decimals).
 */

export interface CreditClassRow {
  company_id: string;
  code: string;
  description: string;
  max_payment_terms_days: number;
  max_document_amount: string | null;
  review_every_days: number | null;
  updated_by: string;
  updated_at: Date;
  customers: number;
}

export interface CreditClassTerms {
  description: string;
  maxPaymentTermsDays: number;
  maxDocumentAmount: string | null;
  reviewEveryDays: number | null;
}

export interface CustomerCreditClassRow {
  company_id: string;
  customer_id: string;
  code: string;
  reason: string;
  assigned_by: string;
  assigned_at: Date;
}

export interface ManualBlockRow {
  company_id: string;
  customer_id: string;
  reason: string;
  until: string | null;
  set_by: string;
  set_at: Date;
}

export type LimitRequestStatus = 'pending' | 'approved' | 'rejected';

export interface LimitRequestRow {
  request_id: string;
  company_id: string;
  customer_id: string;
  customer_name: string | null;
  terms: Record<string, unknown>;
  amount: string;
  temporary_amount: string | null;
  reason: string;
  status: LimitRequestStatus;
  requested_by: string;
  requested_at: Date;
  decided_by: string | null;
  decided_at: Date | null;
  decision_reason: string | null;
}

const CLASS_COLUMNS = `c.company_id, c.code, c.description, c.max_payment_terms_days,
  c.max_document_amount::text AS max_document_amount, c.review_every_days, c.updated_by, c.updated_at,
  (SELECT count(*)::int FROM customer_credit_class a WHERE a.company_id = c.company_id AND a.code = c.code)
    AS customers`;

const REQUEST_COLUMNS = `r.request_id, r.company_id, r.customer_id, e.customer_name, r.terms,
  r.amount::text AS amount, r.temporary_amount::text AS temporary_amount, r.reason, r.status,
  r.requested_by, r.requested_at, r.decided_by, r.decided_at, r.decision_reason`;
const REQUEST_FROM = `credit_limit_request r LEFT JOIN customer_exposure e
  ON e.company_id = r.company_id AND e.customer_id = r.customer_id`;

export class CreditGovernanceRepository {
  constructor(private readonly outbox: ApiOutbox) {}

  /** One change of a customer's (or a class's) governance at a time, inside the caller's transaction. */
  async lock(m: EntityManager, key: string): Promise<void> {
    await advisoryLock(m, key);
  }

  enqueue(m: EntityManager, messages: OutboundMessage[]): Promise<void> {
    return this.outbox.enqueue(m, messages);
  }

  // ---------------------------------------------------------------- credit classes

  async findClass(m: EntityManager, companyId: string, code: string, forUpdate = false) {
    const [row]: CreditClassRow[] = await m.query(
      `SELECT ${CLASS_COLUMNS} FROM credit_class c WHERE c.company_id = $1 AND c.code = $2
        ${forUpdate ? 'FOR UPDATE' : ''}`,
      [companyId, code],
    );
    return row;
  }

  async listClasses(m: EntityManager, companyId: string, limit: number, offset: number) {
    const [{ total }]: { total: number }[] = await m.query(
      `SELECT count(*)::int AS total FROM credit_class WHERE company_id = $1`,
      [companyId],
    );
    const rows: CreditClassRow[] = await m.query(
      `SELECT ${CLASS_COLUMNS} FROM credit_class c WHERE c.company_id = $1 ORDER BY c.code LIMIT $2 OFFSET $3`,
      [companyId, limit, offset],
    );
    return { rows, total };
  }

  /** Inserts or updates a class; `created` tells which, `changed` whether its terms differ. */
  async upsertClass(
    m: EntityManager,
    companyId: string,
    code: string,
    terms: CreditClassTerms,
    actor: string,
  ): Promise<{ created: boolean; changed: boolean }> {
    const [result]: { created: boolean }[] = await m.query(
      `INSERT INTO credit_class (company_id, code, description, max_payment_terms_days, max_document_amount,
           review_every_days, created_by, updated_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7)
         ON CONFLICT (company_id, code) DO UPDATE SET description = EXCLUDED.description,
           max_payment_terms_days = EXCLUDED.max_payment_terms_days,
           max_document_amount = EXCLUDED.max_document_amount,
           review_every_days = EXCLUDED.review_every_days, updated_by = EXCLUDED.updated_by, updated_at = now()
         WHERE (credit_class.description, credit_class.max_payment_terms_days, credit_class.max_document_amount,
                credit_class.review_every_days)
           IS DISTINCT FROM (EXCLUDED.description, EXCLUDED.max_payment_terms_days,
                EXCLUDED.max_document_amount, EXCLUDED.review_every_days)
         RETURNING (xmax = 0) AS created`,
      [
        companyId,
        code,
        terms.description,
        terms.maxPaymentTermsDays,
        terms.maxDocumentAmount,
        terms.reviewEveryDays,
        actor,
      ],
    );
    return { created: result?.created === true, changed: result !== undefined };
  }

  async deleteClass(m: EntityManager, companyId: string, code: string): Promise<void> {
    await m.query(`DELETE FROM credit_class WHERE company_id = $1 AND code = $2`, [companyId, code]);
  }

  /** The customers holding a class (all of them: each gets the class's new terms republished). */
  async holdersOf(m: EntityManager, companyId: string, code: string): Promise<string[]> {
    const rows: { customer_id: string }[] = await m.query(
      `SELECT customer_id FROM customer_credit_class WHERE company_id = $1 AND code = $2 ORDER BY customer_id`,
      [companyId, code],
    );
    return rows.map((r) => r.customer_id);
  }

  /** The class a customer holds, with its terms; undefined without one. */
  async classOfCustomer(m: EntityManager, companyId: string, customerId: string) {
    const [row]: CreditClassRow[] = await m.query(
      `SELECT ${CLASS_COLUMNS} FROM customer_credit_class a
         JOIN credit_class c ON c.company_id = a.company_id AND c.code = a.code
        WHERE a.company_id = $1 AND a.customer_id = $2`,
      [companyId, customerId],
    );
    return row;
  }

  async findAssignment(m: EntityManager, companyId: string, customerId: string) {
    const [row]: CustomerCreditClassRow[] = await m.query(
      `SELECT * FROM customer_credit_class WHERE company_id = $1 AND customer_id = $2`,
      [companyId, customerId],
    );
    return row;
  }

  async assign(
    m: EntityManager,
    row: Omit<CustomerCreditClassRow, 'assigned_at'> & { assigned_at: Date },
  ): Promise<void> {
    await m.query(
      `INSERT INTO customer_credit_class (company_id, customer_id, code, reason, assigned_by, assigned_at)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (company_id, customer_id) DO UPDATE SET code = EXCLUDED.code, reason = EXCLUDED.reason,
           assigned_by = EXCLUDED.assigned_by, assigned_at = EXCLUDED.assigned_at`,
      [row.company_id, row.customer_id, row.code, row.reason, row.assigned_by, row.assigned_at],
    );
  }

  async auditClass(
    m: EntityManager,
    change: {
      companyId: string;
      customerId: string | null;
      code: string;
      action: 'class.created' | 'class.updated' | 'class.deleted' | 'assigned';
      before: unknown;
      after: unknown;
      changedBy: string;
      reason: string | null;
      eventId: string | null;
    },
  ): Promise<void> {
    await m.query(
      `INSERT INTO credit_class_change (company_id, customer_id, code, action, before, after, changed_by, reason, event_id)
         VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7, $8, $9)`,
      [
        change.companyId,
        change.customerId,
        change.code,
        change.action,
        change.before === null ? null : JSON.stringify(change.before),
        change.after === null ? null : JSON.stringify(change.after),
        change.changedBy,
        change.reason,
        change.eventId,
      ],
    );
  }

  // ---------------------------------------------------------------- manual blocks

  async findBlock(m: EntityManager, companyId: string, customerId: string) {
    const [row]: ManualBlockRow[] = await m.query(
      `SELECT company_id, customer_id, reason, to_char(until, 'YYYY-MM-DD') AS until, set_by, set_at
         FROM manual_block WHERE company_id = $1 AND customer_id = $2`,
      [companyId, customerId],
    );
    return row;
  }

  async setBlock(m: EntityManager, row: ManualBlockRow): Promise<void> {
    await m.query(
      `INSERT INTO manual_block (company_id, customer_id, reason, until, set_by, set_at)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (company_id, customer_id) DO UPDATE SET reason = EXCLUDED.reason, until = EXCLUDED.until,
           set_by = EXCLUDED.set_by, set_at = EXCLUDED.set_at`,
      [row.company_id, row.customer_id, row.reason, row.until, row.set_by, row.set_at],
    );
  }

  async removeBlock(m: EntityManager, companyId: string, customerId: string): Promise<void> {
    await m.query(`DELETE FROM manual_block WHERE company_id = $1 AND customer_id = $2`, [
      companyId,
      customerId,
    ]);
  }

  async auditBlock(
    m: EntityManager,
    change: {
      companyId: string;
      customerId: string;
      action: 'set' | 'removed';
      before: unknown;
      after: unknown;
      changedBy: string;
      reason: string | null;
      changedAt: Date;
      eventId: string;
    },
  ): Promise<void> {
    await m.query(
      `INSERT INTO manual_block_change (company_id, customer_id, action, before, after, changed_by, reason,
           changed_at, event_id)
         VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, $6, $7, $8, $9)`,
      [
        change.companyId,
        change.customerId,
        change.action,
        change.before === null ? null : JSON.stringify(change.before),
        change.after === null ? null : JSON.stringify(change.after),
        change.changedBy,
        change.reason,
        change.changedAt,
        change.eventId,
      ],
    );
  }

  // ---------------------------------------------------------------- limit authority and requests

  /**
   * A user's authority to set credit limits: the largest max_limit among the
   * approval roles it holds in the company, null = unlimited; "0.00" without
   * any role (every change then needs another user's approval).
   */
  async limitAuthority(m: EntityManager, companyId: string, userSubject: string): Promise<string | null> {
    const [row]: { unlimited: boolean; best: string | null }[] = await m.query(
      `SELECT bool_or(r.max_limit IS NULL) AS unlimited, max(r.max_limit)::text AS best
         FROM approval_role r JOIN approval_role_member mb
           ON mb.company_id = r.company_id AND mb.role_name = r.name
        WHERE r.company_id = $1 AND mb.user_subject = $2`,
      [companyId, userSubject],
    );
    if (row?.unlimited === true) return null;
    return row?.best ?? '0.00';
  }

  async insertRequest(
    m: EntityManager,
    request: {
      requestId: string;
      companyId: string;
      customerId: string;
      terms: Record<string, unknown>;
      amount: string;
      temporaryAmount: string | null;
      reason: string;
      requestedBy: string;
      requestedAt: Date;
    },
  ): Promise<void> {
    await m.query(
      `INSERT INTO credit_limit_request (request_id, company_id, customer_id, terms, amount, temporary_amount,
           reason, status, requested_by, requested_at)
         VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7, 'pending', $8, $9)`,
      [
        request.requestId,
        request.companyId,
        request.customerId,
        JSON.stringify(request.terms),
        request.amount,
        request.temporaryAmount,
        request.reason,
        request.requestedBy,
        request.requestedAt,
      ],
    );
  }

  async findRequest(m: EntityManager, companyId: string, requestId: string, forUpdate = false) {
    const [row]: LimitRequestRow[] = await m.query(
      `SELECT ${REQUEST_COLUMNS} FROM ${REQUEST_FROM} WHERE r.company_id = $1 AND r.request_id = $2
        ${forUpdate ? 'FOR UPDATE OF r' : ''}`,
      [companyId, requestId],
    );
    return row;
  }

  async listRequests(
    m: EntityManager,
    filter: { companyId: string; customerId?: string; status?: LimitRequestStatus },
    limit: number,
    offset: number,
  ): Promise<{ rows: LimitRequestRow[]; total: number }> {
    const params: unknown[] = [filter.companyId];
    let where = 'r.company_id = $1';
    if (filter.customerId !== undefined) {
      params.push(filter.customerId);
      where += ` AND r.customer_id = $${params.length}`;
    }
    if (filter.status !== undefined) {
      params.push(filter.status);
      where += ` AND r.status = $${params.length}`;
    }
    const [{ total }]: { total: number }[] = await m.query(
      `SELECT count(*)::int AS total FROM credit_limit_request r WHERE ${where}`,
      params,
    );
    const rows: LimitRequestRow[] = await m.query(
      `SELECT ${REQUEST_COLUMNS} FROM ${REQUEST_FROM} WHERE ${where}
        ORDER BY r.seq DESC LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, limit, offset],
    );
    return { rows, total };
  }

  /** Records the decision on a pending request; false when it was already decided. */
  async decideRequest(
    m: EntityManager,
    decision: {
      companyId: string;
      requestId: string;
      status: 'approved' | 'rejected';
      decidedBy: string;
      decidedAt: Date;
      reason: string;
      decidedWith: unknown;
      changeId: string | null;
    },
  ): Promise<boolean> {
    const rows = returnedRows<{ request_id: string }>(
      await m.query(
        `UPDATE credit_limit_request SET status = $3, decided_by = $4, decided_at = $5, decision_reason = $6,
             decided_with = $7::jsonb, change_id = $8
           WHERE company_id = $1 AND request_id = $2 AND status = 'pending'
           RETURNING request_id`,
        [
          decision.companyId,
          decision.requestId,
          decision.status,
          decision.decidedBy,
          decision.decidedAt,
          decision.reason,
          JSON.stringify(decision.decidedWith),
          decision.changeId,
        ],
      ),
    );
    return rows.length === 1;
  }
}
