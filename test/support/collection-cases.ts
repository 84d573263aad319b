import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';

/**
 * Seeds customer_exposure rows carrying a collection case as the engine's
 * projector writes them (migration 1765000001000), for tests of what reads
 * the projection (worklist, case view, desk) without driving the engine.
 */
export interface SeededCase {
  customerId: string;
  name?: string | null;
  total?: string;
  oldestOverdueDays?: number;
  caseId?: string | null;
  stage?: 'dunning' | 'legal' | 'written-off' | null;
  level?: number | null;
  action?: string | null;
  levelReachedOn?: string | null;
  overdueAmount?: string | null;
  oldestDueDate?: string | null;
  assignee?: string | null;
  promiseId?: string | null;
  promiseAmount?: string | null;
  promiseDate?: string | null;
  promiseStatus?: 'pending' | 'kept' | 'broken' | null;
  promiseBrokenOn?: string | null;
  reviewDueOn?: string | null;
  blocked?: boolean;
  blockReasons?: string[];
}

export async function seedExposureRow(db: DataSource, companyId: string, c: SeededCase): Promise<void> {
  const hasCase = c.caseId !== null && c.stage !== null;
  await db.query(
    `INSERT INTO customer_exposure (company_id, customer_id, orders, deliveries, unposted_invoices, receivables,
       bills, total, overdue_amount, oldest_overdue_days, limit_amount, limit_mode, attention_threshold_pct,
       valid_until, status, utilization_pct, blocked, block_reasons, risk_class, avg_days_late,
       dishonoured_bills_12m, business_date, state_version, as_of, customer_name,
       collection_case_id, collection_stage, dunning_level, dunning_action, dunning_level_reached_on,
       collection_overdue_amount, collection_oldest_due_date, collection_assignee, promise_id, promise_amount,
       promise_date, promise_status, promise_broken_on, review_due_on)
     VALUES ($1, $2, 0, 0, 0, $3, 0, $3, $4, $5, NULL, NULL, NULL, NULL, 'NO_LIMIT', NULL, $6, $7, 'A', 0, 0,
       '2026-03-01', 1, now(), $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22)`,
    [
      companyId,
      c.customerId,
      c.total ?? c.overdueAmount ?? '0.00',
      c.overdueAmount ?? '0.00',
      c.oldestOverdueDays ?? 0,
      c.blocked ?? false,
      c.blockReasons ?? [],
      c.name === undefined ? `Customer ${c.customerId}` : c.name,
      hasCase ? (c.caseId ?? `case-${c.customerId}`) : null,
      hasCase ? (c.stage ?? 'dunning') : null,
      c.level ?? null,
      c.action ?? null,
      c.levelReachedOn ?? null,
      hasCase ? (c.overdueAmount ?? null) : null,
      hasCase ? (c.oldestDueDate ?? null) : null,
      c.assignee ?? null,
      c.promiseId ?? (c.promiseStatus ? `promise-${c.customerId}` : null),
      c.promiseAmount ?? null,
      c.promiseDate ?? null,
      c.promiseStatus ?? null,
      c.promiseBrokenOn ?? null,
      c.reviewDueOn ?? null,
    ],
  );
}

/** A pending hold of a document of the customer; returns its id. */
export async function seedPendingHold(
  db: DataSource,
  companyId: string,
  customerId: string,
  amount: string,
  documentId = `ORD-${customerId}`,
): Promise<string> {
  const holdId = randomUUID();
  await db.query(
    `INSERT INTO hold (hold_id, company_id, customer_id, document_type, document_id, amount, exposure_before,
       exposure_after, limit_amount, excess, reasons, source, causation_id)
     VALUES ($1::uuid, $2, $3, 'order', $4, $5, 0, $5, 0, $5, '{LIMIT_EXCEEDED}', 'event', $1::text)`,
    [holdId, companyId, customerId, documentId, amount],
  );
  return holdId;
}
