import { DataSource, QueryRunner } from 'typeorm';
import { addDays, ageingBucketOf, BEHAVIOUR_WINDOW_DAYS } from '@credit/domain';
import { CustomerExposureRow } from './customer-exposure.entity';

export const EXPOSURE_SORT_KEYS = [
  'total',
  'utilization',
  'overdueAmount',
  'customerId',
  'customerName',
  'status',
] as const;
export type ExposureSortKey = (typeof EXPOSURE_SORT_KEYS)[number];
export const AGEING_SORT_KEYS = [
  'customerId',
  'total',
  'notDue',
  'days1To30',
  'days31To60',
  'days61To90',
  'over90Days',
] as const;
export type AgeingSortKey = (typeof AGEING_SORT_KEYS)[number];
export const COMPONENT_NAMES = ['orders', 'deliveries', 'unpostedInvoices', 'receivables', 'bills'] as const;
export type ComponentKey = (typeof COMPONENT_NAMES)[number];
/** The types of the customer history: the events the engine publishes, and hold decisions. */
export const HISTORY_TYPES = [
  'exposure.statusChanged',
  'overdue.changed',
  'creditReview.due',
  'customer.blocked',
  'customer.unblocked',
  'document.allowed',
  'document.warned',
  'document.held',
  'document.released',
  'document.rejected',
] as const;
export type HistoryType = (typeof HISTORY_TYPES)[number];

export const AGEING_BUCKETS = ['notDue', 'days1To30', 'days31To60', 'days61To90', 'over90Days'] as const;
export type AgeingBucketName = (typeof AGEING_BUCKETS)[number];

/** `-total` -> { key: 'total', descending: true }. Only call with a validated value. */
export function parseSort<K extends string>(
  sort: string | undefined,
  fallback: K,
): { key: K; descending: boolean } {
  if (sort === undefined) return { key: fallback, descending: false };
  const descending = sort.startsWith('-');
  return { key: (descending ? sort.slice(1) : sort) as K, descending };
}

/** Which customers an exposure report keeps (every field optional: all of them). */
export interface ExposureFilter {
  status?: string[];
  blocked?: boolean;
  riskClass?: string[];
  /** Decimal string: customers at or above this utilisation. */
  minUtilizationPct?: string;
  /** A prefix of the customer id or name, case-insensitive. */
  q?: string;
  salesAgentId?: string[];
  /** A validated sort key, `-` first for descending. */
  sort?: string;
}

export interface PageWindow {
  limit: number;
  offset: number;
}

export interface AgeingBucketsRow {
  notDue: string;
  days1To30: string;
  days31To60: string;
  days61To90: string;
  over90Days: string;
}

export interface DocumentRow {
  documentId: string;
  amount: string;
  details: Record<string, unknown>;
}

export interface ComponentDocumentsRow {
  amount: string;
  documentsTotal: string;
  count: number;
  items: DocumentRow[];
}

export interface ExposureSummaryRow {
  companyId: string;
  customers: number;
  totalExposure: string;
  exceeded: number;
  warning: number;
  blocked: number;
  overdueAmount: string;
  overdueCustomers: number;
  holdsWaiting: number;
  holdsWaitingAmount: string;
  asOf: string | null;
}

export interface CustomerAgeingRow {
  companyId: string;
  customerId: string;
  customerName: string | null;
  businessDate: string;
  buckets: AgeingBucketsRow;
  residualTotal: string;
  overdueTotal: string;
  openItems: number;
}

export interface OpenItemRow {
  openItemId: string;
  amount: string;
  settled: string;
  residual: string;
  dueDate: string;
  daysOverdue: number;
  bucket: AgeingBucketName | null;
}

export interface SettlementRow {
  entryId: string;
  openItemId: string;
  amount: string;
  settlementDate: string;
  dueDate: string | null;
  daysLate: number | null;
  countsInAverage: boolean;
}

export interface DishonouredBillRow {
  billId: string;
  amount: string;
  dishonouredOn: string | null;
  dueDate: string | null;
  instrument: string | null;
  inWindow: boolean;
}

export interface HistoryItemRow {
  kind: 'event' | 'hold' | 'decision';
  type: string;
  occurredAt: string;
  sequence: number | null;
  eventId: string | null;
  causationId: string | null;
  data: Record<string, unknown>;
}

/**
 * Read-only SQL over the engine's reporting projections (customer_exposure,
 * exposure_document, open_item, settlement, dishonoured_bill, exposure_event)
 * and, when present, the hold decisions. Every value from a request is a bind
 * parameter; sort columns come from fixed maps, never from the request text.
 * Each request reads one snapshot (REPEATABLE READ, read only), so a page never
 * mixes two versions of a customer while the projector rewrites its rows.
 */

type Row = Record<string, unknown>;
type Sql = (text: string, params?: unknown[]) => Promise<Row[]>;

/** Collects bind parameters: `params.add(value)` returns its placeholder. */
class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** Escapes LIKE wildcards so that a prefix is matched literally (ESCAPE '\'). */
export const escapeLike = (text: string): string => text.replace(/[\\%_]/g, (c) => `\\${c}`);

const DATE = (column: string) => `to_char(${column}, 'YYYY-MM-DD')`;
/** A numeric sum with exactly two decimals, 0.00 over no rows. */
const MONEY_SUM = (expression: string, filter?: string) =>
  `round(coalesce(sum(${expression})${filter ? ` FILTER (WHERE ${filter})` : ''}, 0), 2)`;
const BY_CUSTOMER = 'e.customer_id COLLATE "C"';

const EXPOSURE_COLUMNS = `
  e.company_id, e.customer_id, e.orders::text AS orders, e.deliveries::text AS deliveries,
  e.unposted_invoices::text AS unposted_invoices, e.receivables::text AS receivables, e.bills::text AS bills,
  e.total::text AS total, e.overdue_amount::text AS overdue_amount, e.oldest_overdue_days,
  e.limit_amount::text AS limit_amount, e.limit_mode, e.attention_threshold_pct,
  ${DATE('e.valid_until')} AS valid_until, e.status, e.utilization_pct::text AS utilization_pct, e.blocked,
  e.block_reasons, e.risk_class::text AS risk_class, e.avg_days_late::text AS avg_days_late,
  e.dishonoured_bills_12m, ${DATE('e.business_date')} AS business_date, e.state_version::text AS state_version,
  e.as_of, e.customer_name, e.vat_number, e.sales_agent_id, e.customer_email,
  e.limit_temporary_amount::text AS limit_temporary_amount, ${DATE('e.limit_temporary_until')} AS limit_temporary_until,
  e.limit_effective_amount::text AS limit_effective_amount, e.credit_class, e.max_payment_terms_days,
  e.max_document_amount::text AS max_document_amount, e.manual_block_reason,
  ${DATE('e.manual_block_until')} AS manual_block_until, ${DATE('e.review_due_on')} AS review_due_on,
  e.collection_case_id, e.collection_stage, e.dunning_level, e.dunning_action,
  ${DATE('e.dunning_level_reached_on')} AS dunning_level_reached_on,
  e.collection_overdue_amount::text AS collection_overdue_amount,
  ${DATE('e.collection_oldest_due_date')} AS collection_oldest_due_date, e.collection_assignee,
  e.promise_id, e.promise_amount::text AS promise_amount, ${DATE('e.promise_date')} AS promise_date,
  e.promise_status, ${DATE('e.promise_broken_on')} AS promise_broken_on`;

function exposureOf(row: Row): CustomerExposureRow {
  return {
    companyId: String(row.company_id),
    customerId: String(row.customer_id),
    orders: String(row.orders),
    deliveries: String(row.deliveries),
    unpostedInvoices: String(row.unposted_invoices),
    receivables: String(row.receivables),
    bills: String(row.bills),
    total: String(row.total),
    overdueAmount: String(row.overdue_amount),
    oldestOverdueDays: Number(row.oldest_overdue_days),
    limitAmount: row.limit_amount as string | null,
    limitMode: row.limit_mode as CustomerExposureRow['limitMode'],
    attentionThresholdPct: row.attention_threshold_pct as number | null,
    validUntil: row.valid_until as string | null,
    status: row.status as CustomerExposureRow['status'],
    utilizationPct: row.utilization_pct as string | null,
    blocked: row.blocked as boolean,
    blockReasons: row.block_reasons as string[],
    riskClass: row.risk_class as CustomerExposureRow['riskClass'],
    avgDaysLate: String(row.avg_days_late),
    dishonouredBills12m: Number(row.dishonoured_bills_12m),
    businessDate: String(row.business_date),
    stateVersion: String(row.state_version),
    asOf: row.as_of as Date,
    customerName: (row.customer_name as string | null) ?? null,
    vatNumber: (row.vat_number as string | null) ?? null,
    salesAgentId: (row.sales_agent_id as string | null) ?? null,
    customerEmail: (row.customer_email as string | null) ?? null,
    limitTemporaryAmount: (row.limit_temporary_amount as string | null) ?? null,
    limitTemporaryUntil: (row.limit_temporary_until as string | null) ?? null,
    limitEffectiveAmount: (row.limit_effective_amount as string | null) ?? null,
    creditClass: (row.credit_class as string | null) ?? null,
    maxPaymentTermsDays: (row.max_payment_terms_days as number | null) ?? null,
    maxDocumentAmount: (row.max_document_amount as string | null) ?? null,
    manualBlockReason: (row.manual_block_reason as string | null) ?? null,
    manualBlockUntil: (row.manual_block_until as string | null) ?? null,
    reviewDueOn: (row.review_due_on as string | null) ?? null,
    collectionCaseId: (row.collection_case_id as string | null) ?? null,
    collectionStage: (row.collection_stage as string | null) ?? null,
    dunningLevel: (row.dunning_level as number | null) ?? null,
    dunningAction: (row.dunning_action as string | null) ?? null,
    dunningLevelReachedOn: (row.dunning_level_reached_on as string | null) ?? null,
    collectionOverdueAmount: (row.collection_overdue_amount as string | null) ?? null,
    collectionOldestDueDate: (row.collection_oldest_due_date as string | null) ?? null,
    collectionAssignee: (row.collection_assignee as string | null) ?? null,
    promiseId: (row.promise_id as string | null) ?? null,
    promiseAmount: (row.promise_amount as string | null) ?? null,
    promiseDate: (row.promise_date as string | null) ?? null,
    promiseStatus: (row.promise_status as string | null) ?? null,
    promiseBrokenOn: (row.promise_broken_on as string | null) ?? null,
  };
}

const STATUS_SEVERITY = `CASE e.status WHEN 'NO_LIMIT' THEN 0 WHEN 'OK' THEN 1 WHEN 'WARNING' THEN 2 ELSE 3 END`;
const EXPOSURE_SORT: Readonly<Record<ExposureSortKey, string>> = {
  total: 'e.total',
  utilization: 'e.utilization_pct',
  overdueAmount: 'e.overdue_amount',
  customerId: BY_CUSTOMER,
  customerName: 'lower(e.customer_name)',
  status: STATUS_SEVERITY,
};

function exposureWhere(companyId: string, filter: ExposureFilter, params: Params): string {
  const conditions = [`e.company_id = ${params.add(companyId)}`];
  if (filter.status !== undefined) conditions.push(`e.status = ANY(${params.add(filter.status)}::text[])`);
  if (filter.blocked !== undefined) conditions.push(`e.blocked = ${params.add(filter.blocked)}`);
  if (filter.riskClass !== undefined) {
    conditions.push(`e.risk_class::text = ANY(${params.add(filter.riskClass)}::text[])`);
  }
  if (filter.minUtilizationPct !== undefined) {
    conditions.push(`e.utilization_pct >= ${params.add(filter.minUtilizationPct)}::numeric`);
  }
  if (filter.salesAgentId !== undefined) {
    conditions.push(`e.sales_agent_id = ANY(${params.add(filter.salesAgentId)}::text[])`);
  }
  if (filter.q !== undefined) {
    // A code starts with what was typed; a name contains it anywhere ("rossi" finds "Mario Rossi S.r.l.").
    const q = escapeLike(filter.q);
    conditions.push(
      `(e.customer_id ILIKE ${params.add(`${q}%`)} ESCAPE '\\'
        OR lower(e.customer_name) LIKE lower(${params.add(`%${q}%`)}) ESCAPE '\\')`,
    );
  }
  return conditions.join(' AND ');
}

function exposureOrder(sort: string | undefined): string {
  const { key, descending } = parseSort<ExposureSortKey>(sort, 'customerId');
  const first = `${EXPOSURE_SORT[key]} ${descending ? 'DESC' : 'ASC'} NULLS LAST`;
  return key === 'customerId' ? first : `${first}, ${BY_CUSTOMER} ASC`;
}

export interface ExposureSink {
  /** Called once, with how many rows match (before the cap), before any row. */
  start(matching: number): void;
  /** Called per batch; return false to stop (the client went away). */
  rows(rows: CustomerExposureRow[]): Promise<boolean>;
}

export interface Paged<T> {
  items: T[];
  total: number;
}

const AGEING_COLUMNS = `
  ${MONEY_SUM('o.residual', 'e.business_date - o.due_date <= 0')} AS not_due,
  ${MONEY_SUM('o.residual', 'e.business_date - o.due_date BETWEEN 1 AND 30')} AS days_1_to_30,
  ${MONEY_SUM('o.residual', 'e.business_date - o.due_date BETWEEN 31 AND 60')} AS days_31_to_60,
  ${MONEY_SUM('o.residual', 'e.business_date - o.due_date BETWEEN 61 AND 90')} AS days_61_to_90,
  ${MONEY_SUM('o.residual', 'e.business_date - o.due_date > 90')} AS over_90_days,
  ${MONEY_SUM('o.residual')} AS residual_total,
  ${MONEY_SUM('o.residual', 'e.business_date - o.due_date > 0')} AS overdue_total,
  count(o.open_item_id)::int AS open_items`;

const bucketsOf = (row: Row): AgeingBucketsRow => ({
  notDue: String(row.not_due),
  days1To30: String(row.days_1_to_30),
  days31To60: String(row.days_31_to_60),
  days61To90: String(row.days_61_to_90),
  over90Days: String(row.over_90_days),
});

const AGEING_SORT: Readonly<Record<AgeingSortKey, string>> = {
  customerId: 'customer_id COLLATE "C"',
  total: 'residual_total',
  notDue: 'not_due',
  days1To30: 'days_1_to_30',
  days31To60: 'days_31_to_60',
  days61To90: 'days_61_to_90',
  over90Days: 'over_90_days',
};

export class ReportsRepository {
  /** Once seen, the hold tables stay (they come with a migration); until then look again each time. */
  private holdTablesPresent = false;

  constructor(
    private readonly db: DataSource,
    /** The CSV exports' own small pool: a slow download never takes a connection checks and decisions need. */
    private readonly exportDb: DataSource,
  ) {}

  private snapshot<T>(work: (sql: Sql) => Promise<T>): Promise<T> {
    return this.db.transaction('REPEATABLE READ', async (manager) => {
      await manager.query('SET TRANSACTION READ ONLY');
      return work((text, params) => manager.query(text, params) as Promise<Row[]>);
    });
  }

  private async exposureRow(
    sql: Sql,
    companyId: string,
    customerId: string,
  ): Promise<CustomerExposureRow | null> {
    const [row] = await sql(
      `SELECT ${EXPOSURE_COLUMNS} FROM customer_exposure e WHERE e.company_id = $1 AND e.customer_id = $2`,
      [companyId, customerId],
    );
    return row === undefined ? null : exposureOf(row);
  }

  async exposures(
    companyId: string,
    filter: ExposureFilter,
    page: PageWindow,
  ): Promise<Paged<CustomerExposureRow>> {
    return this.snapshot(async (sql) => {
      const params = new Params();
      const where = exposureWhere(companyId, filter, params);
      const [count] = await sql(
        `SELECT count(*)::int AS n FROM customer_exposure e WHERE ${where}`,
        params.values,
      );
      const rows = await sql(
        `SELECT ${EXPOSURE_COLUMNS} FROM customer_exposure e WHERE ${where}
          ORDER BY ${exposureOrder(filter.sort)}
          LIMIT ${params.add(page.limit)} OFFSET ${params.add(page.offset)}`,
        params.values,
      );
      return { items: rows.map(exposureOf), total: Number(count.n) };
    });
  }

  /**
   * The board's summary strip over the customers the filter keeps, from one
   * snapshot: sums exact in numeric, counts per status. Holds waiting are the
   * pending holds of those customers (of the whole company without a filter,
   * also of customers not projected yet).
   */
  async exposureSummary(companyId: string, filter: ExposureFilter): Promise<ExposureSummaryRow> {
    return this.snapshot(async (sql) => {
      const params = new Params();
      const where = exposureWhere(companyId, filter, params);
      const [row] = await sql(
        `SELECT count(*)::int AS customers, ${MONEY_SUM('e.total')}::text AS total_exposure,
                count(*) FILTER (WHERE e.status = 'EXCEEDED')::int AS exceeded,
                count(*) FILTER (WHERE e.status = 'WARNING')::int AS warning,
                count(*) FILTER (WHERE e.blocked)::int AS blocked,
                ${MONEY_SUM('e.overdue_amount')}::text AS overdue_amount,
                count(*) FILTER (WHERE e.overdue_amount > 0)::int AS overdue_customers,
                max(e.as_of) AS as_of
           FROM customer_exposure e WHERE ${where}`,
        params.values,
      );
      let holds: Row = { n: 0, amount: '0.00' };
      if (await this.hasHoldTables(sql)) {
        const filtered = Object.values(filter).some((value) => value !== undefined);
        const ofCustomers = filtered
          ? `AND EXISTS (SELECT 1 FROM customer_exposure e WHERE e.customer_id = h.customer_id AND ${where})`
          : '';
        // $1 is the company: exposureWhere binds it first.
        [holds] = await sql(
          `SELECT count(*)::int AS n, ${MONEY_SUM('h.amount')}::text AS amount
             FROM hold h WHERE h.company_id = $1 AND h.status = 'pending' ${ofCustomers}`,
          params.values,
        );
      }
      return {
        companyId,
        customers: Number(row.customers),
        totalExposure: String(row.total_exposure),
        exceeded: Number(row.exceeded),
        warning: Number(row.warning),
        blocked: Number(row.blocked),
        overdueAmount: String(row.overdue_amount),
        overdueCustomers: Number(row.overdue_customers),
        holdsWaiting: Number(holds.n),
        holdsWaitingAmount: String(holds.amount),
        asOf: row.as_of === null ? null : (row.as_of as Date).toISOString(),
      };
    });
  }

  /**
   * Streams the exposure list through a server-side cursor, `batchSize` rows at
   * a time, at most `maxRows`, from one snapshot, on the exports' own pool.
   * Postgres ends a statement, or a transaction left idle, after `timeoutMs`:
   * even a stuck API process cannot hold the snapshot longer.
   */
  async exportExposures(
    companyId: string,
    filter: ExposureFilter,
    limits: { maxRows: number; batchSize: number; timeoutMs: number },
    sink: ExposureSink,
  ): Promise<void> {
    const { maxRows, batchSize } = limits;
    const timeoutMs = Math.trunc(limits.timeoutMs);
    const runner: QueryRunner = this.exportDb.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction('REPEATABLE READ');
      await runner.query('SET TRANSACTION READ ONLY');
      await runner.query(`SET LOCAL statement_timeout = ${timeoutMs}`);
      await runner.query(`SET LOCAL idle_in_transaction_session_timeout = ${timeoutMs}`);
      const params = new Params();
      const where = exposureWhere(companyId, filter, params);
      const [count] = (await runner.query(
        `SELECT count(*)::int AS n FROM customer_exposure e WHERE ${where}`,
        params.values,
      )) as Row[];
      sink.start(Number(count.n));
      await runner.query(
        `DECLARE exposures_csv NO SCROLL CURSOR FOR
           SELECT ${EXPOSURE_COLUMNS} FROM customer_exposure e WHERE ${where}
            ORDER BY ${exposureOrder(filter.sort)} LIMIT ${params.add(maxRows)}`,
        params.values,
      );
      const fetch = `FETCH FORWARD ${Math.trunc(batchSize)} FROM exposures_csv`;
      for (;;) {
        const rows = (await runner.query(fetch)) as Row[];
        if (rows.length === 0) break;
        if (!(await sink.rows(rows.map(exposureOf)))) break;
      }
      await runner.commitTransaction();
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw error;
    } finally {
      await runner.release();
    }
  }

  /** The documents behind the components, or null for an unknown customer. */
  async documents(
    companyId: string,
    customerId: string,
    components: readonly ComponentKey[],
    page: PageWindow,
  ): Promise<{
    exposure: CustomerExposureRow;
    components: Partial<Record<ComponentKey, ComponentDocumentsRow>>;
  } | null> {
    return this.snapshot(async (sql) => {
      const exposure = await this.exposureRow(sql, companyId, customerId);
      if (exposure === null) return null;
      const stats = await sql(
        `SELECT component, count(*)::int AS n, ${MONEY_SUM('amount')}::text AS documents_total
           FROM exposure_document
          WHERE company_id = $1 AND customer_id = $2 AND component = ANY($3::text[])
          GROUP BY component`,
        [companyId, customerId, components],
      );
      const rows = await sql(
        `SELECT component, document_id, amount::text AS amount, details FROM (
           SELECT d.*, row_number() OVER (PARTITION BY component ORDER BY document_id COLLATE "C") AS rn
             FROM exposure_document d
            WHERE company_id = $1 AND customer_id = $2 AND component = ANY($3::text[])) d
          WHERE rn > $4 AND rn <= $4 + $5
          ORDER BY component, rn`,
        [companyId, customerId, components, page.offset, page.limit],
      );
      const result: Partial<Record<ComponentKey, ComponentDocumentsRow>> = {};
      for (const component of components) {
        const stat = stats.find((s) => s.component === component);
        result[component] = {
          amount: exposure[component],
          documentsTotal: stat === undefined ? '0.00' : String(stat.documents_total),
          count: stat === undefined ? 0 : Number(stat.n),
          items: rows
            .filter((r) => r.component === component)
            .map((r) => ({
              documentId: String(r.document_id),
              amount: String(r.amount),
              details: r.details as Record<string, unknown>,
            })),
        };
      }
      return { exposure, components: result };
    });
  }

  async openItems(
    companyId: string,
    customerId: string,
    includeSettled: boolean,
    page: PageWindow,
  ): Promise<
    | (Paged<OpenItemRow> & { exposure: CustomerExposureRow; residualTotal: string; overdueTotal: string })
    | null
  > {
    return this.snapshot(async (sql) => {
      const exposure = await this.exposureRow(sql, companyId, customerId);
      if (exposure === null) return null;
      const from = `FROM open_item o JOIN customer_exposure e USING (company_id, customer_id)
                   WHERE o.company_id = $1 AND o.customer_id = $2 ${includeSettled ? '' : 'AND o.residual > 0'}`;
      const [totals] = await sql(
        `SELECT count(*)::int AS n, ${MONEY_SUM('o.residual')}::text AS residual_total,
                ${MONEY_SUM('o.residual', 'o.due_date < e.business_date')}::text AS overdue_total ${from}`,
        [companyId, customerId],
      );
      const rows = await sql(
        `SELECT o.open_item_id, o.amount::text AS amount, o.settled::text AS settled, o.residual::text AS residual,
                ${DATE('o.due_date')} AS due_date, CASE WHEN o.residual > 0 THEN greatest(0, e.business_date - o.due_date) ELSE 0 END AS days_overdue,
                o.residual > 0 AS open
           ${from}
          ORDER BY o.due_date, o.open_item_id COLLATE "C"
          LIMIT $3 OFFSET $4`,
        [companyId, customerId, page.limit, page.offset],
      );
      return {
        exposure,
        residualTotal: String(totals.residual_total),
        overdueTotal: String(totals.overdue_total),
        total: Number(totals.n),
        items: rows.map((r) => ({
          openItemId: String(r.open_item_id),
          amount: String(r.amount),
          settled: String(r.settled),
          residual: String(r.residual),
          dueDate: String(r.due_date),
          daysOverdue: Number(r.days_overdue),
          bucket: r.open === true ? ageingBucketOf(String(r.due_date), exposure.businessDate) : null,
        })),
      };
    });
  }

  async customerAgeing(companyId: string, customerId: string): Promise<CustomerAgeingRow | null> {
    return this.snapshot(async (sql) => {
      const [row] = await sql(
        `SELECT e.company_id, e.customer_id, e.customer_name, ${DATE('e.business_date')} AS business_date,
                ${AGEING_COLUMNS}
           FROM customer_exposure e
           LEFT JOIN open_item o ON o.company_id = e.company_id AND o.customer_id = e.customer_id AND o.residual > 0
          WHERE e.company_id = $1 AND e.customer_id = $2
          GROUP BY e.company_id, e.customer_id, e.customer_name, e.business_date`,
        [companyId, customerId],
      );
      return row === undefined ? null : customerAgeingOf(row);
    });
  }

  async companyAgeing(
    companyId: string,
    sort: string | undefined,
    page: PageWindow,
  ): Promise<
    Paged<CustomerAgeingRow> & { buckets: AgeingBucketsRow; residualTotal: string; overdueTotal: string }
  > {
    const { key, descending } = parseSort<AgeingSortKey>(sort, 'customerId');
    const order = `${AGEING_SORT[key]} ${descending ? 'DESC' : 'ASC'}${key === 'customerId' ? '' : ', customer_id COLLATE "C" ASC'}`;
    const perCustomer = `WITH per_customer AS (
        SELECT e.company_id, e.customer_id, e.customer_name, ${DATE('e.business_date')} AS business_date,
               ${AGEING_COLUMNS}
          FROM customer_exposure e
          JOIN open_item o ON o.company_id = e.company_id AND o.customer_id = e.customer_id AND o.residual > 0
         WHERE e.company_id = $1
         GROUP BY e.company_id, e.customer_id, e.customer_name, e.business_date)`;
    return this.snapshot(async (sql) => {
      const [totals] = await sql(
        `${perCustomer}
         SELECT count(*)::int AS n,
                ${MONEY_SUM('not_due')} AS not_due, ${MONEY_SUM('days_1_to_30')} AS days_1_to_30,
                ${MONEY_SUM('days_31_to_60')} AS days_31_to_60, ${MONEY_SUM('days_61_to_90')} AS days_61_to_90,
                ${MONEY_SUM('over_90_days')} AS over_90_days, ${MONEY_SUM('residual_total')} AS residual_total,
                ${MONEY_SUM('overdue_total')} AS overdue_total
           FROM per_customer`,
        [companyId],
      );
      const rows = await sql(
        `${perCustomer} SELECT * FROM per_customer ORDER BY ${order} LIMIT $2 OFFSET $3`,
        [companyId, page.limit, page.offset],
      );
      return {
        buckets: bucketsOf(totals),
        residualTotal: String(totals.residual_total),
        overdueTotal: String(totals.overdue_total),
        total: Number(totals.n),
        items: rows.map(customerAgeingOf),
      };
    });
  }

  async paymentBehaviour(
    companyId: string,
    customerId: string,
    page: PageWindow,
  ): Promise<{
    exposure: CustomerExposureRow;
    settlements: Paged<SettlementRow>;
    dishonouredBills: Paged<DishonouredBillRow>;
  } | null> {
    return this.snapshot(async (sql) => {
      const exposure = await this.exposureRow(sql, companyId, customerId);
      if (exposure === null) return null;
      const key = [companyId, customerId];
      const windowEnd = BEHAVIOUR_WINDOW_DAYS - 1;
      const [settlementCount] = await sql(
        `SELECT count(*)::int AS n FROM settlement WHERE company_id = $1 AND customer_id = $2`,
        key,
      );
      const settlements = await sql(
        `SELECT s.entry_id, s.open_item_id, s.amount::text AS amount, ${DATE('s.settlement_date')} AS settlement_date,
                ${DATE('s.due_date')} AS due_date, s.days_late,
                (s.due_date IS NOT NULL AND e.business_date - s.settlement_date BETWEEN 0 AND $5) AS counts_in_average
           FROM settlement s JOIN customer_exposure e USING (company_id, customer_id)
          WHERE s.company_id = $1 AND s.customer_id = $2
          ORDER BY s.settlement_date DESC, s.entry_id COLLATE "C" ASC, s.open_item_id COLLATE "C" ASC
          LIMIT $3 OFFSET $4`,
        [...key, page.limit, page.offset, windowEnd],
      );
      const [billCount] = await sql(
        `SELECT count(*)::int AS n FROM dishonoured_bill WHERE company_id = $1 AND customer_id = $2`,
        key,
      );
      const bills = await sql(
        `SELECT b.bill_id, b.amount::text AS amount, ${DATE('b.dishonoured_on')} AS dishonoured_on,
                ${DATE('b.due_date')} AS due_date, b.instrument,
                (b.dishonoured_on IS NOT NULL AND e.business_date - b.dishonoured_on BETWEEN 0 AND $5) AS in_window
           FROM dishonoured_bill b JOIN customer_exposure e USING (company_id, customer_id)
          WHERE b.company_id = $1 AND b.customer_id = $2
          ORDER BY b.dishonoured_on DESC NULLS LAST, b.bill_id COLLATE "C" ASC
          LIMIT $3 OFFSET $4`,
        [...key, page.limit, page.offset, windowEnd],
      );
      return {
        exposure,
        settlements: {
          total: Number(settlementCount.n),
          items: settlements.map((s) => ({
            entryId: String(s.entry_id),
            openItemId: String(s.open_item_id),
            amount: String(s.amount),
            settlementDate: String(s.settlement_date),
            dueDate: (s.due_date as string | null) ?? null,
            daysLate: s.days_late === null ? null : Number(s.days_late),
            countsInAverage: s.counts_in_average === true,
          })),
        },
        dishonouredBills: {
          total: Number(billCount.n),
          items: bills.map((b) => ({
            billId: String(b.bill_id),
            amount: String(b.amount),
            dishonouredOn: (b.dishonoured_on as string | null) ?? null,
            dueDate: (b.due_date as string | null) ?? null,
            instrument: (b.instrument as string | null) ?? null,
            inWindow: b.in_window === true,
          })),
        },
      };
    });
  }

  /** True once the hold tables are there (migrations 1763800000020 and 1763800000030). */
  private async hasHoldTables(sql: Sql): Promise<boolean> {
    if (this.holdTablesPresent) return true;
    const [row] = await sql(
      `SELECT to_regclass('hold') IS NOT NULL AND to_regclass('hold_decision') IS NOT NULL AS present`,
    );
    this.holdTablesPresent = row?.present === true;
    return this.holdTablesPresent;
  }

  async history(
    companyId: string,
    customerId: string,
    types: readonly HistoryType[] | undefined,
    page: PageWindow,
  ): Promise<Paged<HistoryItemRow> | null> {
    return this.snapshot(async (sql) => {
      const exposure = await this.exposureRow(sql, companyId, customerId);
      if (exposure === null) return null;
      const params = new Params();
      const company = params.add(companyId);
      const customer = params.add(customerId);
      const sources = [
        `SELECT 'event' AS kind, type, occurred_at, sequence, event_id, causation_id, data
           FROM exposure_event WHERE company_id = ${company} AND customer_id = ${customer}`,
      ];
      if (await this.hasHoldTables(sql)) {
        // Holds of synchronous API checks (those of asynchronous checks are events of the engine).
        sources.push(
          `SELECT 'hold', 'document.held', h.created_at, NULL::bigint, NULL::varchar, h.causation_id,
                  jsonb_build_object('holdId', h.hold_id, 'documentType', h.document_type,
                    'documentId', h.document_id, 'amount', h.amount::text,
                    'exposureBefore', h.exposure_before::text, 'exposureAfter', h.exposure_after::text,
                    'limit', h.limit_amount::text, 'excess', h.excess::text, 'reasons', to_jsonb(h.reasons),
                    'requestedBy', h.requested_by, 'sentBy', h.sent_by)
             FROM hold h
            WHERE h.company_id = ${company} AND h.customer_id = ${customer} AND h.source = 'api'`,
          `SELECT 'decision', CASE d.decision WHEN 'released' THEN 'document.released' ELSE 'document.rejected' END,
                  d.decided_at, NULL::bigint, NULL::varchar, NULL::varchar,
                  jsonb_build_object('holdId', h.hold_id, 'documentType', h.document_type,
                    'documentId', h.document_id, 'amount', h.amount::text, 'excess', h.excess::text,
                    'reasons', to_jsonb(h.reasons), 'requestedBy', h.requested_by, 'sentBy', h.sent_by,
                    'decidedBy', d.decided_by, 'reason', d.reason)
             FROM hold_decision d JOIN hold h ON h.hold_id = d.hold_id
            WHERE h.company_id = ${company} AND h.customer_id = ${customer}`,
        );
      }
      const filter = types === undefined ? '' : `WHERE type = ANY(${params.add(types)}::text[])`;
      const history = `(SELECT * FROM (${sources.join(' UNION ALL ')}) h ${filter}) history`;
      const [count] = await sql(`SELECT count(*)::int AS n FROM ${history}`, params.values);
      const rows = await sql(
        `SELECT kind, type, occurred_at, sequence::text AS sequence, event_id, causation_id, data FROM ${history}
          ORDER BY occurred_at DESC, sequence DESC NULLS LAST, event_id DESC
          LIMIT ${params.add(page.limit)} OFFSET ${params.add(page.offset)}`,
        params.values,
      );
      return {
        total: Number(count.n),
        items: rows.map((r) => ({
          kind: r.kind as HistoryItemRow['kind'],
          type: String(r.type),
          occurredAt: (r.occurred_at as Date).toISOString(),
          sequence: r.sequence === null ? null : Number(r.sequence),
          eventId: (r.event_id as string | null) ?? null,
          causationId: (r.causation_id as string | null) ?? null,
          data: (r.data as Record<string, unknown> | null) ?? {},
        })),
      };
    });
  }

  /** The window of the payment behaviour for a business date: the 365 days ending on it. */
  static behaviourWindow(businessDate: string): { from: string; to: string } {
    return { from: addDays(businessDate, -(BEHAVIOUR_WINDOW_DAYS - 1)), to: businessDate };
  }
}

function customerAgeingOf(row: Row): CustomerAgeingRow {
  return {
    companyId: String(row.company_id),
    customerId: String(row.customer_id),
    customerName: (row.customer_name as string | null) ?? null,
    businessDate: String(row.business_date),
    buckets: bucketsOf(row),
    residualTotal: String(row.residual_total),
    overdueTotal: String(row.overdue_total),
    openItems: Number(row.open_items),
  };
}
