import { DataSource, EntityManager } from 'typeorm';

/**
 * Audit trails written by the risk API (migration 1763800000010-limits-parameters):
 * credit_limit_change and company_parameters_change. Insert-only; `seq` orders
 * the rows, newest first in the history endpoints.
 */

/** A credit limit as the API records it in an audit row (money as a decimal string). */
export interface AuditedCreditLimit {
  amount: string;
  mode: 'warn' | 'block';
  attentionThresholdPct: number;
  validUntil: string | null;
  /** null when the limit was only known from the engine's projection, which does not keep it. */
  blockOnOverdue: boolean | null;
  /** null when the limit was only known from the engine's projection, which does not keep it. */
  overdueToleranceDays: number | null;
}

/** A row of `credit_limit_change`. */
export interface CreditLimitChangeRow {
  id: string;
  companyId: string;
  customerId: string;
  action: 'set' | 'removed';
  before: AuditedCreditLimit | null;
  after: AuditedCreditLimit | null;
  changedBy: string;
  reason: string;
  changedAt: Date;
  /** The creditLimit.set / creditLimit.removed event queued with the change. */
  eventId: string;
}

/** A row of `company_parameters_change`; the parameters as stored (JSON). */
export interface CompanyParametersChangeRow<Parameters = unknown> {
  id: string;
  companyId: string;
  before: Parameters;
  after: Parameters;
  changedBy: string;
  reason: string;
  changedAt: Date;
}

interface RawLimitChange {
  id: string;
  company_id: string;
  customer_id: string;
  action: 'set' | 'removed';
  before: AuditedCreditLimit | null;
  after: AuditedCreditLimit | null;
  changed_by: string;
  reason: string;
  changed_at: Date;
  event_id: string;
}

interface RawParametersChange {
  id: string;
  company_id: string;
  before: unknown;
  after: unknown;
  changed_by: string;
  reason: string;
  changed_at: Date;
}

const limitChangeRow = (r: RawLimitChange): CreditLimitChangeRow => ({
  id: r.id,
  companyId: r.company_id,
  customerId: r.customer_id,
  action: r.action,
  before: r.before,
  after: r.after,
  changedBy: r.changed_by,
  reason: r.reason,
  changedAt: new Date(r.changed_at),
  eventId: r.event_id,
});

const parametersChangeRow = <P>(r: RawParametersChange): CompanyParametersChangeRow<P> => ({
  id: r.id,
  companyId: r.company_id,
  before: r.before as P,
  after: r.after as P,
  changedBy: r.changed_by,
  reason: r.reason,
  changedAt: new Date(r.changed_at),
});

const LIMIT_CHANGE_COLUMNS =
  'id, company_id, customer_id, action, before, after, changed_by, reason, changed_at, event_id';

type Page = { limit: number; offset: number };

/** The audit of credit limits changed through the API. */
export class CreditLimitChangesRepository {
  constructor(private readonly db: DataSource) {}

  /** The customer's latest change through the API, if any. */
  async latest(
    companyId: string,
    customerId: string,
    m: EntityManager = this.db.manager,
  ): Promise<CreditLimitChangeRow | undefined> {
    const [row]: RawLimitChange[] = await m.query(
      `SELECT ${LIMIT_CHANGE_COLUMNS} FROM credit_limit_change
        WHERE company_id = $1 AND customer_id = $2 ORDER BY seq DESC LIMIT 1`,
      [companyId, customerId],
    );
    return row === undefined ? undefined : limitChangeRow(row);
  }

  async insert(m: EntityManager, change: CreditLimitChangeRow): Promise<void> {
    await m.query(
      `INSERT INTO credit_limit_change
         (id, company_id, customer_id, action, before, after, changed_by, reason, changed_at, event_id)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7, $8, $9, $10)`,
      [
        change.id,
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

  /** The customer's changes, newest first. */
  async history(
    companyId: string,
    customerId: string,
    page: Page,
  ): Promise<{ rows: CreditLimitChangeRow[]; total: number }> {
    const [rows, [{ total }]]: [RawLimitChange[], { total: number }[]] = await Promise.all([
      this.db.query(
        `SELECT ${LIMIT_CHANGE_COLUMNS} FROM credit_limit_change
          WHERE company_id = $1 AND customer_id = $2 ORDER BY seq DESC LIMIT $3 OFFSET $4`,
        [companyId, customerId, page.limit, page.offset],
      ),
      this.db.query(
        `SELECT count(*)::int AS total FROM credit_limit_change WHERE company_id = $1 AND customer_id = $2`,
        [companyId, customerId],
      ),
    ]);
    return { rows: rows.map(limitChangeRow), total };
  }
}

/** The audit of company parameters changed through the API. */
export class CompanyParametersChangesRepository {
  constructor(private readonly db: DataSource) {}

  async insert<P>(m: EntityManager, change: CompanyParametersChangeRow<P>): Promise<void> {
    await m.query(
      `INSERT INTO company_parameters_change (id, company_id, before, after, changed_by, reason, changed_at)
       VALUES ($1, $2, $3::jsonb, $4::jsonb, $5, $6, $7)`,
      [
        change.id,
        change.companyId,
        JSON.stringify(change.before),
        JSON.stringify(change.after),
        change.changedBy,
        change.reason,
        change.changedAt,
      ],
    );
  }

  /**
   * The latest parameters of every company that ever changed them: the durable
   * copy the engine puts back into Redis after a loss (as stored: JSON, money as strings).
   */
  async latestOfEveryCompany(): Promise<{ companyId: string; after: unknown }[]> {
    const rows: { company_id: string; after: unknown }[] = await this.db.query(
      `SELECT DISTINCT ON (company_id) company_id, after FROM company_parameters_change
        ORDER BY company_id, seq DESC`,
    );
    return rows.map((r) => ({ companyId: r.company_id, after: r.after }));
  }

  /** The company's latest parameters as stored, or null when it never changed them. */
  async latestOf(companyId: string): Promise<unknown> {
    const rows: { after: unknown }[] = await this.db.query(
      `SELECT after FROM company_parameters_change WHERE company_id = $1 ORDER BY seq DESC LIMIT 1`,
      [companyId],
    );
    return rows[0]?.after ?? null;
  }

  /** The company's changes, newest first. */
  async history<P>(
    companyId: string,
    page: Page,
  ): Promise<{ rows: CompanyParametersChangeRow<P>[]; total: number }> {
    const [rows, [{ total }]]: [RawParametersChange[], { total: number }[]] = await Promise.all([
      this.db.query(
        `SELECT id, company_id, before, after, changed_by, reason, changed_at FROM company_parameters_change
          WHERE company_id = $1 ORDER BY seq DESC LIMIT $2 OFFSET $3`,
        [companyId, page.limit, page.offset],
      ),
      this.db.query(`SELECT count(*)::int AS total FROM company_parameters_change WHERE company_id = $1`, [
        companyId,
      ]),
    ]);
    return { rows: rows.map((r) => parametersChangeRow<P>(r)), total };
  }
}
