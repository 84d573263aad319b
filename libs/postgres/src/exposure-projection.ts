import { DataSource, EntityManager } from 'typeorm';
import { CompanyParameters, CustomerRecord, DEFAULT_PARAMETERS } from '@credit/domain';
import { customerKey, HistoryEntry, storableText } from '@credit/contracts';
import {
  bindValues,
  DetailRows,
  detailRows,
  DISHONOURED_COLUMNS,
  DOCUMENT_COLUMNS,
  EVENT_COLUMNS,
  eventRows,
  EXPOSURE_COLUMNS,
  exposureRow,
  HOLD_COLUMNS,
  holdRows,
  OPEN_ITEM_COLUMNS,
  RowOf,
  SETTLEMENT_COLUMNS,
} from './read-model-rows';

/** Postgres refuses a statement with more bind parameters than this. */
const MAX_PARAMETERS = 65_535;

/** The tables replaced per customer when its customer_exposure row moves forward. */
const DETAIL_TABLES = ['exposure_document', 'open_item', 'settlement', 'dishonoured_bill'] as const;

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

/** Rows built from the stored state; a state they cannot be built from is unstorable, not a crash. */
function built<T>(what: string, build: () => T): T {
  try {
    return build();
  } catch (error) {
    throw new UnstorableValueError(`${what}: cannot be built from the stored state: ${String(error)}`, error);
  }
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
async function insertRows<C extends readonly string[]>(
  db: EntityManager,
  table: string,
  columns: C,
  rows: readonly RowOf<C>[],
  tail = '',
): Promise<Record<string, unknown>[]> {
  const perStatement = Math.floor(MAX_PARAMETERS / columns.length);
  const returned: Record<string, unknown>[] = [];
  for (let start = 0; start < rows.length; start += perStatement) {
    const chunk = rows.slice(start, start + perStatement);
    const params: unknown[] = [];
    const tuples = chunk.map((row) => {
      const values = bindValues(columns, row);
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
  /** The history entries (events published for these customers): appended to the history. */
  events?: readonly HistoryEntry[];
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
      const key = customerKey(record.companyId, record.customerId);
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
      const updates = EXPOSURE_COLUMNS.slice(2)
        .map((c) => `${c} = EXCLUDED.${c}`)
        .join(', ');
      // ON CONFLICT ... WHERE locks the existing row even when it is not updated,
      // so the detail rows of one customer have one writer at a time.
      const moved = await insertRows(
        tx,
        'customer_exposure',
        EXPOSURE_COLUMNS,
        built('customer_exposure', () => assessed.map((record) => exposureRow(record, asOf))),
        `ON CONFLICT (company_id, customer_id) DO UPDATE SET ${updates}
         WHERE customer_exposure.state_version < EXCLUDED.state_version
         RETURNING company_id, customer_id`,
      );
      const advancedKeys = new Set(
        moved.map((r) => customerKey(String(r.company_id), String(r.customer_id))),
      );
      const advanced = assessed.filter((r) => advancedKeys.has(customerKey(r.companyId, r.customerId)));

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
          for (const record of advanced) {
            const own = detailRows(record, parametersOf(record.companyId));
            rows.documents.push(...own.documents);
            rows.openItems.push(...own.openItems);
            rows.settlements.push(...own.settlements);
            rows.dishonoured.push(...own.dishonoured);
          }
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
      return { advanced: advanced.map((r) => customerKey(r.companyId, r.customerId)) };
    });
  }
}
