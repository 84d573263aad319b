import { EntityManager } from 'typeorm';
import { OutboundMessage } from '@credit/kafka';
import { ApiOutbox } from './api-outbox';

/**
 * SQL of collections (spec section 12, migrations 1765000001000 and
 * 1765000001100): the collection actions recorded through the API, the case
 * the engine projected onto customer_exposure, and the day's worklist built
 * from the projection and the pending holds. Every method takes the caller's
 * EntityManager, so that a service records an action and queues its event in
 * one transaction. Rows come back plain: money as numeric strings with two
 * decimals, dates as YYYY-MM-DD strings.
 */

export type CollectionActionType = 'call' | 'note' | 'promise' | 'stage' | 'assign';
export type CollectionStage = 'dunning' | 'legal' | 'written-off';
export type WorklistKind =
  'level-reached' | 'promise-due' | 'promise-broken' | 'review-due' | 'hold-waiting' | 'legal';

export interface CollectionActionRow {
  action_id: string;
  company_id: string;
  customer_id: string;
  case_id: string | null;
  action_type: CollectionActionType;
  text: string;
  promise_amount: string | null;
  promise_date: string | null;
  stage: 'legal' | 'written-off' | null;
  assignee: string | null;
  recorded_by: string;
  recorded_at: Date;
}

/** The customer's open case as the engine projected it (customer_exposure). */
export interface CollectionCaseRow {
  customer_id: string;
  customer_name: string | null;
  case_id: string;
  stage: CollectionStage;
  dunning_level: number | null;
  dunning_action: string | null;
  level_reached_on: string | null;
  overdue_amount: string | null;
  oldest_due_date: string | null;
  assignee: string | null;
  promise_id: string | null;
  promise_amount: string | null;
  promise_date: string | null;
  promise_status: 'pending' | 'kept' | 'broken' | null;
  promise_broken_on: string | null;
  blocked: boolean;
  block_reasons: string[];
}

/** One intervention of the day: what to do about one customer (or one held document). */
export interface WorklistRow {
  kind: WorklistKind;
  customer_id: string;
  customer_name: string | null;
  /** Money at stake: the case's overdue residual, the exposure under review, the held document. */
  amount: string;
  days_overdue: number;
  case_id: string | null;
  assignee: string | null;
  dunning_level: number | null;
  dunning_action: string | null;
  level_reached_on: string | null;
  promise_amount: string | null;
  promise_date: string | null;
  promise_broken_on: string | null;
  review_due_on: string | null;
  hold_id: string | null;
  document_type: string | null;
  document_id: string | null;
}

export interface WorklistQuery {
  /** The business date of the worklist (YYYY-MM-DD). */
  date: string;
  assignee: string | null;
  limit: number;
  offset: number;
}

const DATE = (column: string) => `to_char(${column}, 'YYYY-MM-DD')`;

const ACTION_COLUMNS = `action_id, company_id, customer_id, case_id, action_type, text,
  promise_amount::text AS promise_amount, ${DATE('promise_date')} AS promise_date, stage, assignee,
  recorded_by, recorded_at`;

const CASE_COLUMNS = `customer_id, customer_name, collection_case_id AS case_id, collection_stage AS stage,
  dunning_level, dunning_action, ${DATE('dunning_level_reached_on')} AS level_reached_on,
  collection_overdue_amount::text AS overdue_amount, ${DATE('collection_oldest_due_date')} AS oldest_due_date,
  collection_assignee AS assignee, promise_id, promise_amount::text AS promise_amount,
  ${DATE('promise_date')} AS promise_date, promise_status, ${DATE('promise_broken_on')} AS promise_broken_on,
  blocked, block_reasons`;

/**
 * The worklist's interventions ($1 company, $2 date, $3 assignee or NULL), one
 * relation with the columns of WorklistRow. A case gives one item, by
 * precedence: legal, a broken promise, a promise due (its date reached), a
 * dunning level reached; a case waiting for a promised date not yet reached
 * gives none, nor does a written-off one. Days overdue count from the case's
 * oldest due date to the worklist's date. Reviews due and pending holds are
 * items of their own.
 */
const WORKLIST = `
  WITH cases AS (
    SELECT e.*,
      CASE
        WHEN e.collection_stage = 'legal' THEN 'legal'
        WHEN e.promise_status = 'broken' AND e.promise_broken_on <= $2::date THEN 'promise-broken'
        WHEN e.promise_status = 'pending' AND e.promise_date <= $2::date THEN 'promise-due'
        WHEN e.promise_status = 'pending' THEN NULL
        WHEN e.dunning_level >= 1 AND e.dunning_level_reached_on <= $2::date THEN 'level-reached'
      END AS kind
      FROM customer_exposure e
     WHERE e.company_id = $1 AND e.collection_case_id IS NOT NULL
       AND e.collection_stage IN ('dunning', 'legal')
  ), items AS (
    SELECT c.kind, c.customer_id, c.customer_name, c.collection_overdue_amount AS amount,
           GREATEST(0, $2::date - c.collection_oldest_due_date) AS days_overdue,
           c.collection_case_id AS case_id, c.collection_assignee AS assignee, c.dunning_level, c.dunning_action,
           c.dunning_level_reached_on AS level_reached_on, c.promise_amount, c.promise_date, c.promise_broken_on,
           NULL::date AS review_due_on, NULL::uuid AS hold_id, NULL::text AS document_type,
           NULL::text AS document_id
      FROM cases c WHERE c.kind IS NOT NULL
    UNION ALL
    SELECT 'review-due', e.customer_id, e.customer_name, e.total, e.oldest_overdue_days,
           e.collection_case_id, e.collection_assignee, NULL, NULL, NULL, NULL, NULL, NULL,
           e.review_due_on, NULL, NULL, NULL
      FROM customer_exposure e
     WHERE e.company_id = $1 AND e.review_due_on <= $2::date
    UNION ALL
    SELECT 'hold-waiting', h.customer_id, e.customer_name, h.amount, COALESCE(e.oldest_overdue_days, 0),
           e.collection_case_id, e.collection_assignee, NULL, NULL, NULL, NULL, NULL, NULL,
           NULL, h.hold_id, h.document_type, h.document_id
      FROM hold h LEFT JOIN customer_exposure e
        ON e.company_id = h.company_id AND e.customer_id = h.customer_id
     WHERE h.company_id = $1 AND h.status = 'pending'
  )
  SELECT * FROM items WHERE $3::text IS NULL OR assignee = $3::text`;

export class CollectionsRepository {
  constructor(private readonly outbox: ApiOutbox) {}

  /** One action on a customer's case at a time, inside the caller's transaction. */
  async lock(m: EntityManager, companyId: string, customerId: string): Promise<void> {
    await m.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
      `collections:${companyId}:${customerId}`,
    ]);
  }

  enqueue(m: EntityManager, messages: OutboundMessage[]): Promise<void> {
    return this.outbox.enqueue(m, messages);
  }

  /** The customer's open case (dunning, legal or written-off), or undefined when it has none. */
  async findCase(
    m: EntityManager,
    companyId: string,
    customerId: string,
  ): Promise<CollectionCaseRow | undefined> {
    const [row]: CollectionCaseRow[] = await m.query(
      `SELECT ${CASE_COLUMNS} FROM customer_exposure
        WHERE company_id = $1 AND customer_id = $2 AND collection_case_id IS NOT NULL`,
      [companyId, customerId],
    );
    return row;
  }

  async insertAction(m: EntityManager, row: CollectionActionRow): Promise<void> {
    await m.query(
      `INSERT INTO collection_action (action_id, company_id, customer_id, case_id, action_type, text,
         promise_amount, promise_date, stage, assignee, recorded_by, recorded_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7::numeric, $8::date, $9, $10, $11, $12)`,
      [
        row.action_id,
        row.company_id,
        row.customer_id,
        row.case_id,
        row.action_type,
        row.text,
        row.promise_amount,
        row.promise_date,
        row.stage,
        row.assignee,
        row.recorded_by,
        row.recorded_at,
      ],
    );
  }

  /** The customer's actions, newest first. */
  async listActions(
    m: EntityManager,
    companyId: string,
    customerId: string,
    limit: number,
    offset: number,
  ): Promise<{ rows: CollectionActionRow[]; total: number }> {
    const [{ total }]: { total: number }[] = await m.query(
      `SELECT count(*)::int AS total FROM collection_action WHERE company_id = $1 AND customer_id = $2`,
      [companyId, customerId],
    );
    const rows: CollectionActionRow[] = await m.query(
      `SELECT ${ACTION_COLUMNS} FROM collection_action WHERE company_id = $1 AND customer_id = $2
        ORDER BY seq DESC LIMIT $3 OFFSET $4`,
      [companyId, customerId, limit, offset],
    );
    return { rows, total };
  }

  /**
   * The day's interventions ranked by amount x days overdue (largest first),
   * then customer id, kind and hold id: one order, whatever the replays.
   */
  async worklist(
    m: EntityManager,
    companyId: string,
    query: WorklistQuery,
  ): Promise<{ rows: WorklistRow[]; total: number }> {
    const params = [companyId, query.date, query.assignee];
    const [{ total }]: { total: number }[] = await m.query(
      `SELECT count(*)::int AS total FROM (${WORKLIST}) w`,
      params,
    );
    const rows: WorklistRow[] = await m.query(
      `SELECT w.kind, w.customer_id, w.customer_name, w.amount::text AS amount, w.days_overdue::int AS days_overdue,
              w.case_id, w.assignee, w.dunning_level, w.dunning_action,
              ${DATE('w.level_reached_on')} AS level_reached_on, w.promise_amount::text AS promise_amount,
              ${DATE('w.promise_date')} AS promise_date, ${DATE('w.promise_broken_on')} AS promise_broken_on,
              ${DATE('w.review_due_on')} AS review_due_on, w.hold_id, w.document_type, w.document_id
         FROM (${WORKLIST}) w
        ORDER BY w.amount * w.days_overdue DESC, w.customer_id, w.kind, w.hold_id
        LIMIT $4 OFFSET $5`,
      [...params, query.limit, query.offset],
    );
    return { rows, total };
  }
}
