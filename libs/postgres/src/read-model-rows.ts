import {
  CompanyParameters,
  COMPONENTS,
  CustomerRecord,
  dishonouredBills,
  exposureBreakdown,
  formatMoney,
  openItems,
  parseMoney,
  settlementHistory,
} from '@credit/domain';
import { HistoryEntry } from '@credit/contracts';
import { HOLD_REASONS } from './holds.repository';

/*
 * Every read-model row, derived from a customer's record (its state as the
 * engine stored it) and its history entries (the events published for it).
 * Pure: no database, no clock (the projection time is given); the projection
 * (exposure-projection.ts) only writes what this module derives.
 */

/** A value bound to a column: money as a decimal string, dates as ISO strings. */
export type ColumnValue = string | number | boolean | Date | string[] | null;

/** A row of a table with these columns. */
export type RowOf<C extends readonly string[]> = { [K in C[number]]: ColumnValue };

export const EXPOSURE_COLUMNS = [
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
export const DOCUMENT_COLUMNS = [
  'company_id',
  'customer_id',
  'component',
  'document_id',
  'amount',
  'details',
  'state_version',
] as const;
export const OPEN_ITEM_COLUMNS = [
  'company_id',
  'customer_id',
  'open_item_id',
  'amount',
  'due_date',
  'settled',
  'residual',
  'state_version',
] as const;
export const SETTLEMENT_COLUMNS = [
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
export const DISHONOURED_COLUMNS = [
  'company_id',
  'customer_id',
  'bill_id',
  'amount',
  'dishonoured_on',
  'due_date',
  'instrument',
  'state_version',
] as const;
export const EVENT_COLUMNS = [
  'event_id',
  'company_id',
  'customer_id',
  'type',
  'sequence',
  'causation_id',
  'occurred_at',
  'data',
] as const;
export const HOLD_COLUMNS = [
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

export type ProjectedExposureRow = RowOf<typeof EXPOSURE_COLUMNS>;
export type ProjectedDocumentRow = RowOf<typeof DOCUMENT_COLUMNS>;
export type ProjectedOpenItemRow = RowOf<typeof OPEN_ITEM_COLUMNS>;
export type ProjectedSettlementRow = RowOf<typeof SETTLEMENT_COLUMNS>;
export type ProjectedDishonouredRow = RowOf<typeof DISHONOURED_COLUMNS>;
export type ProjectedEventRow = RowOf<typeof EVENT_COLUMNS>;
export type ProjectedHoldRow = RowOf<typeof HOLD_COLUMNS>;

const moneyOrNull = (cents: bigint | null | undefined): string | null =>
  cents == null ? null : formatMoney(cents);

/** The customer_exposure row of an assessed record, projected at `asOf`. */
export function exposureRow(record: CustomerRecord, asOf: Date): ProjectedExposureRow {
  const a = record.assessment;
  if (a === null) throw new Error(`customer ${record.companyId}:${record.customerId} has no assessment`);
  const profile = record.documents.profile;
  // The open collection case (spec 12); all null while there is none.
  const c = a.collection ?? null;
  const p = c?.promise ?? null;
  return {
    company_id: record.companyId,
    customer_id: record.customerId,
    orders: formatMoney(a.components.orders),
    deliveries: formatMoney(a.components.deliveries),
    unposted_invoices: formatMoney(a.components.unpostedInvoices),
    receivables: formatMoney(a.components.receivables),
    bills: formatMoney(a.components.bills),
    total: formatMoney(a.total),
    overdue_amount: formatMoney(a.overdueAmount),
    oldest_overdue_days: a.oldestOverdueDays,
    limit_amount: a.limit === null ? null : formatMoney(a.limit.amount),
    limit_mode: a.limit?.mode ?? null,
    attention_threshold_pct: a.limit?.attentionThresholdPct ?? null,
    valid_until: a.limit?.validUntil ?? null,
    status: a.status,
    utilization_pct: a.utilizationPct,
    blocked: a.blocked,
    block_reasons: a.blockReasons,
    risk_class: a.riskClass,
    avg_days_late: a.avgDaysLate,
    dishonoured_bills_12m: a.dishonouredBills12m,
    business_date: a.businessDate,
    state_version: record.version,
    as_of: asOf,
    customer_name: profile?.name ?? null,
    vat_number: profile?.vatNumber ?? null,
    sales_agent_id: profile?.salesAgentId ?? null,
    customer_email: profile?.email ?? null,
    limit_temporary_amount: moneyOrNull(a.limit?.temporaryAmount),
    limit_temporary_until: a.limit?.temporaryUntil ?? null,
    limit_effective_amount: moneyOrNull(a.limitAmount),
    credit_class: a.creditClass?.code ?? null,
    max_payment_terms_days: a.creditClass?.maxPaymentTermsDays ?? null,
    max_document_amount: moneyOrNull(a.creditClass?.maxDocumentAmount),
    manual_block_reason: a.manualBlock?.reason ?? null,
    manual_block_until: a.manualBlock?.until ?? null,
    review_due_on: a.reviewDueOn ?? null,
    collection_case_id: c?.caseId ?? null,
    collection_stage: c?.stage ?? null,
    dunning_level: c?.level ?? null,
    dunning_action: c?.action ?? null,
    dunning_level_reached_on: c?.levelReachedOn ?? null,
    collection_overdue_amount: moneyOrNull(c?.overdueAmount),
    collection_oldest_due_date: c?.oldestDueDate ?? null,
    collection_assignee: c?.assignee ?? null,
    promise_id: p?.promiseId ?? null,
    promise_amount: moneyOrNull(p?.amount),
    promise_date: p?.date ?? null,
    promise_status: p?.status ?? null,
    promise_broken_on: p?.brokenOn ?? null,
  };
}

/** The rows behind a customer's exposure, replaced whenever its customer_exposure row moves forward. */
export interface DetailRows {
  documents: ProjectedDocumentRow[];
  openItems: ProjectedOpenItemRow[];
  settlements: ProjectedSettlementRow[];
  dishonoured: ProjectedDishonouredRow[];
}

/** JSON for the details column: money (bigint cents) as decimal strings with two decimals. */
const detailsJson = (details: unknown): string =>
  JSON.stringify(details, (_key, value: unknown) => (typeof value === 'bigint' ? formatMoney(value) : value));

/**
 * The documents behind each component, the open items, the settlements and the
 * dishonoured bills of an assessed record, under the parameters it was
 * assessed with (bills at risk depend on billRiskDays).
 */
export function detailRows(record: CustomerRecord, params: CompanyParameters): DetailRows {
  const { companyId, customerId, documents: docs, version } = record;
  if (record.assessment === null) throw new Error(`customer ${companyId}:${customerId} has no assessment`);
  // The record's own business date: the rows are a function of the stored state only.
  const breakdown = exposureBreakdown(docs, record.assessment.businessDate, params);
  const of = { company_id: companyId, customer_id: customerId };
  return {
    documents: COMPONENTS.flatMap((component) =>
      breakdown[component].map((row) => ({
        ...of,
        component,
        document_id: row.documentId,
        amount: formatMoney(row.amount),
        details: detailsJson(row.details),
        state_version: version,
      })),
    ),
    openItems: [...openItems(docs).values()].map((item) => ({
      ...of,
      open_item_id: item.openItemId,
      amount: formatMoney(item.amount),
      due_date: item.dueDate,
      settled: formatMoney(item.settled),
      residual: formatMoney(item.residual),
      state_version: version,
    })),
    settlements: settlementHistory(docs).map((s) => ({
      ...of,
      entry_id: s.entryId,
      open_item_id: s.openItemId,
      amount: formatMoney(s.amount),
      settlement_date: s.settlementDate,
      due_date: s.dueDate,
      days_late: s.daysLate,
      state_version: version,
    })),
    dishonoured: dishonouredBills(docs).map((bill) => ({
      ...of,
      bill_id: bill.billId,
      amount: formatMoney(bill.amount),
      dishonoured_on: bill.dishonouredOn,
      due_date: bill.dueDate,
      instrument: bill.instrument,
      state_version: version,
    })),
  };
}

const byId = <T>(rows: Map<string, T>): T[] =>
  [...rows.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, row]) => row);

/** The history entries as exposure_event rows, each eventId once, sorted by it (a stable lock order). */
export function eventRows(entries: readonly HistoryEntry[]): ProjectedEventRow[] {
  const rows = new Map<string, ProjectedEventRow>();
  for (const e of entries) {
    rows.set(e.eventId, {
      event_id: e.eventId,
      company_id: e.companyId,
      customer_id: e.customerId,
      type: e.type,
      sequence: e.sequence,
      causation_id: e.causationId,
      occurred_at: e.occurredAt,
      data: JSON.stringify(e.data),
    });
  }
  return byId(rows);
}

const HOLD_REASON_SET: ReadonlySet<string> = new Set(HOLD_REASONS);

/**
 * A hold row (source 'event') for each document.held the engine published for
 * a fresh decision of an asynchronous credit check, each holdId once, sorted by
 * it (a stable lock order). A document.held that names the document's pending
 * hold carries no figures: that hold is recorded already, by whichever check
 * created it.
 */
export function holdRows(entries: readonly HistoryEntry[]): ProjectedHoldRow[] {
  const rows = new Map<string, ProjectedHoldRow>();
  for (const e of entries) {
    if (e.type !== 'document.held') continue;
    const d = e.data;
    if (d.exposureBefore === undefined || d.exposureAfter === undefined || d.limit === undefined) continue;
    const excess = d.limit === null ? 0n : parseMoney(d.exposureAfter) - parseMoney(d.limit);
    rows.set(d.holdId, {
      hold_id: d.holdId,
      company_id: e.companyId,
      customer_id: e.customerId,
      document_type: d.documentType,
      document_id: d.documentId,
      amount: d.amount,
      exposure_before: d.exposureBefore,
      exposure_after: d.exposureAfter,
      limit_amount: d.limit,
      excess: formatMoney(excess > 0n ? excess : 0n),
      reasons: (d.reasons ?? []).filter((r) => HOLD_REASON_SET.has(r)),
      requested_by: d.requestedBy ?? null,
      source: 'event',
      causation_id: e.causationId,
      created_at: e.occurredAt,
    });
  }
  return byId(rows);
}

/** A row's values in its table's column order, for a multi-row INSERT. */
export const bindValues = <C extends readonly string[]>(columns: C, row: RowOf<C>): ColumnValue[] =>
  columns.map((column: C[number]) => row[column]);
