import { DataSource, EntityManager } from 'typeorm';
import {
  CompanyParameters,
  COMPONENTS,
  CustomerRecord,
  DEFAULT_PARAMETERS,
  dishonouredBills,
  exposureBreakdown,
  formatMoney,
  openItems,
  parseMoney,
  settlementHistory,
} from '@credit/domain';
import { storableText } from '@credit/contracts';
import { CustomerExposureRow } from './customer-exposure.entity';
import { HOLD_REASONS } from './hold.entity';

const COLUMNS = [
  'company_id',
  'customer_id',
  'orders',
  'deliveries',
  'unposted_invoices',
  'receivables',
  'bills',
  'total',
  'overdue_amount',
  'oldest_overdue_days',
  'limit_amount',
  'limit_mode',
  'attention_threshold_pct',
  'valid_until',
  'status',
  'utilization_pct',
  'blocked',
  'block_reasons',
  'risk_class',
  'avg_days_late',
  'dishonoured_bills_12m',
  'business_date',
  'state_version',
  'as_of',
  'customer_name',
  'vat_number',
  'sales_agent_id',
  'customer_email',
  'limit_temporary_amount',
  'limit_temporary_until',
  'limit_effective_amount',
  'credit_class',
  'max_payment_terms_days',
  'max_document_amount',
  'manual_block_reason',
  'manual_block_until',
  'review_due_on',
  'collection_case_id',
  'collection_stage',
  'dunning_level',
  'dunning_action',
  'dunning_level_reached_on',
  'collection_overdue_amount',
  'collection_oldest_due_date',
  'collection_assignee',
  'promise_id',
  'promise_amount',
  'promise_date',
  'promise_status',
  'promise_broken_on',
] as const;

const moneyOrNull = (cents: bigint | null | undefined): string | null =>
  cents == null ? null : formatMoney(cents);

function rowValues(record: CustomerRecord, asOf: Date): unknown[] {
  const a = record.assessment!;
  // The open collection case (spec 12); all null while there is none.
  const c = a.collection ?? null;
  const p = c?.promise ?? null;
  return [
    record.companyId,
    record.customerId,
    formatMoney(a.components.orders),
    formatMoney(a.components.deliveries),
    formatMoney(a.components.unpostedInvoices),
    formatMoney(a.components.receivables),
    formatMoney(a.components.bills),
    formatMoney(a.total),
    formatMoney(a.overdueAmount),
    a.oldestOverdueDays,
    a.limit === null ? null : formatMoney(a.limit.amount),
    a.limit?.mode ?? null,
    a.limit?.attentionThresholdPct ?? null,
    a.limit?.validUntil ?? null,
    a.status,
    a.utilizationPct,
    a.blocked,
    a.blockReasons,
    a.riskClass,
    a.avgDaysLate,
    a.dishonouredBills12m,
    a.businessDate,
    record.version,
    asOf,
    record.documents.profile?.name ?? null,
    record.documents.profile?.vatNumber ?? null,
    record.documents.profile?.salesAgentId ?? null,
    record.documents.profile?.email ?? null,
    moneyOrNull(a.limit?.temporaryAmount),
    a.limit?.temporaryUntil ?? null,
    moneyOrNull(a.limitAmount),
    a.creditClass?.code ?? null,
    a.creditClass?.maxPaymentTermsDays ?? null,
    moneyOrNull(a.creditClass?.maxDocumentAmount),
    a.manualBlock?.reason ?? null,
    a.manualBlock?.until ?? null,
    a.reviewDueOn ?? null,
    c?.caseId ?? null,
    c?.stage ?? null,
    c?.level ?? null,
    c?.action ?? null,
    c?.levelReachedOn ?? null,
    moneyOrNull(c?.overdueAmount),
    c?.oldestDueDate ?? null,
    c?.assignee ?? null,
    p?.promiseId ?? null,
    moneyOrNull(p?.amount),
    p?.date ?? null,
    p?.status ?? null,
    p?.brokenOn ?? null,
  ];
}

/** Postgres refuses a statement with more bind parameters than this. */
const MAX_PARAMETERS = 65_535;

const DOCUMENT_COLUMNS = [
  'company_id',
  'customer_id',
  'component',
  'document_id',
  'amount',
  'details',
  'state_version',
] as const;
const OPEN_ITEM_COLUMNS = [
  'company_id',
  'customer_id',
  'open_item_id',
  'amount',
  'due_date',
  'settled',
  'residual',
  'state_version',
] as const;
const SETTLEMENT_COLUMNS = [
  'company_id',
  'customer_id',
  'entry_id',
  'open_item_id',
  'amount',
  'settlement_date',
  'due_date',
  'days_late',
  'state_version',
] as const;
const DISHONOURED_COLUMNS = [
  'company_id',
  'customer_id',
  'bill_id',
  'amount',
  'dishonoured_on',
  'due_date',
  'instrument',
  'state_version',
] as const;
const EVENT_COLUMNS = [
  'event_id',
  'company_id',
  'customer_id',
  'type',
  'sequence',
  'causation_id',
  'occurred_at',
  'data',
] as const;

/** The tables replaced per customer when its customer_exposure row moves forward. */
const DETAIL_TABLES = ['exposure_document', 'open_item', 'settlement', 'dishonoured_bill'] as const;

/** JSON for the details column: money (bigint cents) as decimal strings with two decimals. */
const detailsJson = (details: unknown): string =>
  JSON.stringify(details, (_key, value: unknown) => (typeof value === 'bigint' ? formatMoney(value) : value));

const byKey = (a: CustomerRecord, b: CustomerRecord): number =>
  a.companyId < b.companyId
    ? -1
    : a.companyId > b.companyId
      ? 1
      : a.customerId < b.customerId
        ? -1
        : a.customerId > b.customerId
          ? 1
          : 0;

const keyOf = (companyId: string, customerId: string) => `${companyId}:${customerId}`;

/** Rows built from the stored state; a state they cannot be built from is unstorable, not a crash. */
function built<T>(what: string, build: () => T): T {
  try {
    return build();
  } catch (error) {
    throw new UnstorableValueError(`${what}: cannot be built from the stored state: ${String(error)}`, error);
  }
}

/** The detail rows of one customer, as bind values in the column order of each table. */
interface DetailRows {
  documents: unknown[][];
  openItems: unknown[][];
  settlements: unknown[][];
  dishonoured: unknown[][];
}

function detailRows(record: CustomerRecord, params: CompanyParameters, into: DetailRows): void {
  const { companyId, customerId, documents: docs, version } = record;
  // The record's own business date: the rows are a function of the stored state only.
  const businessDate = record.assessment!.businessDate;
  const breakdown = exposureBreakdown(docs, businessDate, params);
  for (const component of COMPONENTS) {
    for (const row of breakdown[component]) {
      into.documents.push([
        companyId,
        customerId,
        component,
        row.documentId,
        formatMoney(row.amount),
        detailsJson(row.details),
        version,
      ]);
    }
  }
  for (const item of openItems(docs).values()) {
    into.openItems.push([
      companyId,
      customerId,
      item.openItemId,
      formatMoney(item.amount),
      item.dueDate,
      formatMoney(item.settled),
      formatMoney(item.residual),
      version,
    ]);
  }
  for (const s of settlementHistory(docs)) {
    into.settlements.push([
      companyId,
      customerId,
      s.entryId,
      s.openItemId,
      formatMoney(s.amount),
      s.settlementDate,
      s.dueDate,
      s.daysLate,
      version,
    ]);
  }
  for (const bill of dishonouredBills(docs)) {
    into.dishonoured.push([
      companyId,
      customerId,
      bill.billId,
      formatMoney(bill.amount),
      bill.dishonouredOn,
      bill.dueDate,
      bill.instrument,
      version,
    ]);
  }
}

interface PublishedEvent {
  eventId: string;
  type: string;
  occurredAt: string;
  companyId: string;
  customerId: string;
  causationId: string;
  sequence: number;
  data: unknown;
}

const isPublishedEvent = (value: unknown): value is PublishedEvent => {
  const e = value as Partial<PublishedEvent> | null;
  return (
    typeof e === 'object' &&
    e !== null &&
    typeof e.eventId === 'string' &&
    typeof e.type === 'string' &&
    typeof e.occurredAt === 'string' &&
    typeof e.companyId === 'string' &&
    typeof e.customerId === 'string' &&
    typeof e.causationId === 'string' &&
    typeof e.sequence === 'number'
  );
};

/** The published events as exposure_event rows, each eventId once, sorted (a stable lock order). */
function eventRows(events: readonly unknown[]): unknown[][] {
  const byId = new Map<string, PublishedEvent>();
  for (const event of events) {
    if (isPublishedEvent(event)) byId.set(event.eventId, event);
  }
  return [...byId.values()]
    .sort((a, b) => (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0))
    .map((e) => [
      e.eventId,
      e.companyId,
      e.customerId,
      e.type,
      e.sequence,
      e.causationId,
      e.occurredAt,
      JSON.stringify(e.data ?? {}),
    ]);
}

const HOLD_COLUMNS = [
  'hold_id',
  'company_id',
  'customer_id',
  'document_type',
  'document_id',
  'amount',
  'exposure_before',
  'exposure_after',
  'limit_amount',
  'excess',
  'reasons',
  'requested_by',
  'source',
  'causation_id',
  'created_at',
] as const;

const HOLD_REASON_SET: ReadonlySet<string> = new Set(HOLD_REASONS);

interface HeldData {
  holdId: string;
  documentType: string;
  documentId: string;
  amount: string;
  exposureBefore: string;
  exposureAfter: string;
  limit: string | null;
  reasons?: string[];
  requestedBy?: string;
}

const isHeldData = (value: unknown): value is HeldData => {
  const d = value as Partial<HeldData> | null;
  return (
    typeof d === 'object' &&
    d !== null &&
    typeof d.holdId === 'string' &&
    typeof d.documentType === 'string' &&
    typeof d.documentId === 'string' &&
    typeof d.amount === 'string' &&
    typeof d.exposureBefore === 'string' &&
    typeof d.exposureAfter === 'string' &&
    (typeof d.limit === 'string' || d.limit === null)
  );
};

/**
 * A hold row (source 'event') for each document.held the engine published for
 * an asynchronous credit check, each holdId once, sorted (a stable lock order).
 */
function holdRows(events: readonly unknown[]): unknown[][] {
  const byId = new Map<string, unknown[]>();
  for (const event of events) {
    if (!isPublishedEvent(event) || event.type !== 'document.held' || !isHeldData(event.data)) continue;
    const d = event.data;
    const excess = d.limit === null ? 0n : parseMoney(d.exposureAfter) - parseMoney(d.limit);
    byId.set(d.holdId, [
      d.holdId,
      event.companyId,
      event.customerId,
      d.documentType,
      d.documentId,
      d.amount,
      d.exposureBefore,
      d.exposureAfter,
      d.limit,
      formatMoney(excess > 0n ? excess : 0n),
      (d.reasons ?? []).filter((r) => HOLD_REASON_SET.has(r)),
      d.requestedBy ?? null,
      'event',
      event.causationId,
      event.occurredAt,
    ]);
  }
  return [...byId.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, row]) => row);
}

/**
 * SQLSTATE classes of a statement Postgres refuses for the values it carries, the same way every
 * time: 22 (data exception: NUL or a bad escape in text or jsonb, numeric overflow, a string too
 * long) and 23 (integrity constraint violation: a check, a duplicate key within one batch).
 */
const REFUSED_VALUE_CLASSES = ['22', '23'];

const sqlState = (error: unknown): string | undefined => {
  const e = error as { code?: unknown; driverError?: { code?: unknown } } | null;
  const code = e?.code ?? e?.driverError?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
};

const isRefusedValue = (error: unknown): boolean =>
  REFUSED_VALUE_CLASSES.includes(sqlState(error)?.slice(0, 2) ?? '');

const describeError = (error: unknown): string => {
  const state = sqlState(error);
  const e = error as { message?: unknown; detail?: unknown; driverError?: { detail?: unknown } };
  const detail = e.detail ?? e.driverError?.detail;
  const message = typeof e.message === 'string' ? e.message : String(error);
  return [state, message, typeof detail === 'string' ? `(${detail})` : ''].filter(Boolean).join(' ');
};

/**
 * A customer's rows that can never be written as they are: Postgres refused one of their values,
 * or the rows could not even be built from the stored state. Retrying cannot help; the projector
 * quarantines the customer instead (see Projector).
 */
export class UnstorableValueError extends Error {
  constructor(reason: string, cause?: unknown) {
    super(storableText(reason).slice(0, UNSTORABLE_REASON_MAX_LENGTH), { cause });
    this.name = 'UnstorableValueError';
  }
}

/** The longest reason kept: enough for the SQLSTATE, Postgres's message and its detail. */
const UNSTORABLE_REASON_MAX_LENGTH = 1000;

/**
 * Multi-row INSERTs of `rows`, as few statements as the bind-parameter limit
 * allows. Returns the rows of `tail`'s RETURNING clause, if any.
 */
async function insertRows(
  db: EntityManager,
  table: string,
  columns: readonly string[],
  rows: readonly unknown[][],
  tail = '',
): Promise<Record<string, unknown>[]> {
  const perStatement = Math.floor(MAX_PARAMETERS / columns.length);
  const returned: Record<string, unknown>[] = [];
  for (let start = 0; start < rows.length; start += perStatement) {
    const chunk = rows.slice(start, start + perStatement);
    const params: unknown[] = [];
    const tuples = chunk.map((values) => {
      const first = params.length;
      params.push(...values);
      return `(${values.map((_, i) => `$${first + i + 1}`).join(', ')})`;
    });
    let result: unknown;
    try {
      result = await db.query(
        `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${tuples.join(', ')} ${tail}`,
        params,
      );
    } catch (error) {
      throw isRefusedValue(error)
        ? new UnstorableValueError(`${table}: ${describeError(error)}`, error)
        : error;
    }
    if (Array.isArray(result)) returned.push(...(result as Record<string, unknown>[]));
  }
  return returned;
}

export interface ProjectionOptions {
  /** The output events (parsed envelopes) published for these customers: appended to the history. */
  events?: readonly unknown[];
  /** The company parameters the records were assessed with (bills at risk depend on billRiskDays). */
  parameters?: (companyId: string) => CompanyParameters;
}

export interface ProjectionOutcome {
  /** `<companyId>:<customerId>` of the customers whose rows moved forward (and were rewritten). */
  advanced: string[];
}

/**
 * Writes customers' exposures and their reporting rows in one transaction. A
 * row only moves forward: an older version arriving late (replays, two
 * writers) never overwrites a newer one, and the detail rows (documents behind
 * each component, open items, settlements, dishonoured bills) are replaced only
 * for the customers whose customer_exposure row moved forward. Published events
 * are appended once per eventId, and each document.held of an asynchronous
 * credit check adds its hold (source 'event') once. Running it twice on the
 * same input leaves the same rows.
 */
export class ExposureProjection {
  constructor(private readonly db: DataSource) {}

  /** Connects on first use and again after a failure: Postgres may start, or be migrated, after the engine. */
  private async connected(): Promise<DataSource> {
    if (!this.db.isInitialized) await this.db.initialize();
    return this.db;
  }

  async upsert(
    records: CustomerRecord[],
    asOf: Date,
    options: ProjectionOptions = {},
  ): Promise<ProjectionOutcome> {
    // One record per customer (one statement cannot update a row twice), the newest.
    const latest = new Map<string, CustomerRecord>();
    for (const record of records) {
      const key = keyOf(record.companyId, record.customerId);
      if (record.assessment !== null && (latest.get(key)?.version ?? -1) < record.version) {
        latest.set(key, record);
      }
    }
    // Sorted, so that two writers lock the same customers in the same order.
    const assessed = [...latest.values()].sort(byKey);
    const events = built('exposure_event', () => eventRows(options.events ?? []));
    const holds = built('hold', () => holdRows(options.events ?? []));
    if (assessed.length === 0 && events.length === 0) return { advanced: [] };
    const parametersOf = options.parameters ?? (() => DEFAULT_PARAMETERS);
    const db = await this.connected();
    return db.transaction(async (tx) => {
      const updates = COLUMNS.slice(2)
        .map((c) => `${c} = EXCLUDED.${c}`)
        .join(', ');
      // ON CONFLICT ... WHERE locks the existing row even when it is not updated,
      // so the detail rows of one customer have one writer at a time.
      const moved = await insertRows(
        tx,
        'customer_exposure',
        COLUMNS,
        built('customer_exposure', () => assessed.map((record) => rowValues(record, asOf))),
        `ON CONFLICT (company_id, customer_id) DO UPDATE SET ${updates}
         WHERE customer_exposure.state_version < EXCLUDED.state_version
         RETURNING company_id, customer_id`,
      );
      const advancedKeys = new Set(moved.map((r) => keyOf(String(r.company_id), String(r.customer_id))));
      const advanced = assessed.filter((r) => advancedKeys.has(keyOf(r.companyId, r.customerId)));

      if (advanced.length > 0) {
        const deletes = DETAIL_TABLES.map(
          (table, i) =>
            `d${i} AS (DELETE FROM ${table} t USING k
               WHERE t.company_id = k.company_id AND t.customer_id = k.customer_id)`,
        );
        await tx.query(
          `WITH k AS (SELECT * FROM unnest($1::varchar[], $2::varchar[]) AS k(company_id, customer_id)),
           ${deletes.join(',\n           ')}
           SELECT 1`,
          [advanced.map((r) => r.companyId), advanced.map((r) => r.customerId)],
        );
        const rows: DetailRows = { documents: [], openItems: [], settlements: [], dishonoured: [] };
        built('the detail rows', () => {
          for (const record of advanced) detailRows(record, parametersOf(record.companyId), rows);
        });
        await insertRows(tx, 'exposure_document', DOCUMENT_COLUMNS, rows.documents);
        await insertRows(tx, 'open_item', OPEN_ITEM_COLUMNS, rows.openItems);
        await insertRows(tx, 'settlement', SETTLEMENT_COLUMNS, rows.settlements);
        await insertRows(tx, 'dishonoured_bill', DISHONOURED_COLUMNS, rows.dishonoured);
      }

      // Always, not only for advanced customers: a row may already be ahead of the
      // queue entry that carries these events (the projector reads the latest state).
      await insertRows(tx, 'exposure_event', EVENT_COLUMNS, events, 'ON CONFLICT (event_id) DO NOTHING');
      // Holds of asynchronous checks: once per holdId, and never a second pending hold of one document.
      await insertRows(tx, 'hold', HOLD_COLUMNS, holds, 'ON CONFLICT DO NOTHING');
      // Whatever was quarantined of these customers is lifted by a newer state written (or found ahead).
      if (assessed.length > 0) {
        await tx.query(
          `DELETE FROM projection_quarantine q
            USING unnest($1::varchar[], $2::varchar[], $3::bigint[]) AS k(company_id, customer_id, version)
            WHERE q.company_id = k.company_id AND q.customer_id = k.customer_id
              AND (q.state_version IS NULL OR q.state_version < k.version)`,
          [
            assessed.map((r) => r.companyId),
            assessed.map((r) => r.customerId),
            assessed.map((r) => r.version),
          ],
        );
      }
      return { advanced: advanced.map((r) => keyOf(r.companyId, r.customerId)) };
    });
  }

  async findOne(companyId: string, customerId: string): Promise<CustomerExposureRow | null> {
    const db = await this.connected();
    return db.getRepository(CustomerExposureRow).findOneBy({ companyId, customerId });
  }
}
