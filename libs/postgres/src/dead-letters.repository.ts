import { DataSource } from 'typeorm';
import { storableText } from '@credit/contracts';
import { OutboundMessage } from '@credit/kafka';
import { ApiOutbox } from './api-outbox';

/**
 * SQL of the dead letters (migration 1765000001500): the projection of the
 * dead-letter topic and the trail of re-drives. Rows come back plain.
 */

/** A dead letter as read from the dead-letter topic (its headers and the original bytes). */
export interface NewDeadLetter {
  eventId: string;
  reason: string;
  field: string | null;
  message: string;
  sourceTopic: string;
  sourcePartition: number;
  sourceOffset: string;
  sourceKey: Buffer | null;
  sourceTimestamp: string | null;
  /** The original value; null for a tombstone. */
  original: Buffer | null;
  /** Read from the original JSON when it has them (a dead letter may not even be JSON). */
  companyId: string | null;
  customerId: string | null;
  eventType: string | null;
  occurredAt: string;
}

export interface DeadLetterRow {
  event_id: string;
  reason: string;
  field: string | null;
  message: string;
  source_topic: string;
  source_partition: number;
  source_offset: string;
  source_key: Buffer | null;
  source_timestamp: string | null;
  original: Buffer | null;
  company_id: string | null;
  customer_id: string | null;
  event_type: string | null;
  occurred_at: Date;
  recorded_at: Date;
  /** The re-drive, when there was one. */
  new_event_id: string | null;
  redriven_by: string | null;
  redriven_at: Date | null;
}

export interface DeadLetterRedriveRow {
  dead_letter_event_id: string;
  new_event_id: string;
  topic: string;
  message_key: string;
  value: string;
  reason: string;
  redriven_by: string;
  redriven_at: Date;
}

export interface DeadLetterFilter {
  reason?: string;
  topic?: string;
  /** Only not yet re-driven (true), only re-driven (false), or both (undefined). */
  pending?: boolean;
  /** The caller's companies; a dead letter without a company is seen only with '*'. */
  companies: string[] | '*';
}

export interface DeadLetterReasonCount {
  reason: string;
  total: number;
  pending: number;
}

const COLUMNS = `d.event_id, d.reason, d.field, d.message, d.source_topic, d.source_partition,
  d.source_offset::text AS source_offset, d.source_key, d.source_timestamp, d.original, d.company_id,
  d.customer_id, d.event_type, d.occurred_at, d.recorded_at, r.new_event_id, r.redriven_by, r.redriven_at`;
const FROM = `dead_letter d LEFT JOIN dead_letter_redrive r ON r.dead_letter_event_id = d.event_id`;

/** WHERE of a filter, its parameters numbered from 1. */
function whereOf(filter: DeadLetterFilter): { where: string; params: unknown[] } {
  const params: unknown[] = [];
  const clauses: string[] = [];
  if (filter.companies !== '*') {
    params.push(filter.companies);
    clauses.push(`d.company_id = ANY($${params.length}::text[])`);
  }
  if (filter.reason !== undefined) {
    params.push(filter.reason);
    clauses.push(`d.reason = $${params.length}`);
  }
  if (filter.topic !== undefined) {
    params.push(filter.topic);
    clauses.push(`d.source_topic = $${params.length}`);
  }
  if (filter.pending !== undefined)
    clauses.push(filter.pending ? 'r.new_event_id IS NULL' : 'r.new_event_id IS NOT NULL');
  return { where: clauses.length === 0 ? '' : `WHERE ${clauses.join(' AND ')}`, params };
}

const cut = (text: string | null, max: number): string | null =>
  text === null ? null : storableText(text.length > max ? text.slice(0, max) : text);

export class DeadLettersRepository {
  constructor(
    private readonly db: DataSource,
    private readonly outbox: ApiOutbox,
  ) {}

  private async connected(): Promise<DataSource> {
    if (!this.db.isInitialized) await this.db.initialize();
    return this.db;
  }

  /** Keeps the dead letters not kept yet (by eventId); returns how many were new. */
  async record(letters: NewDeadLetter[]): Promise<number> {
    if (letters.length === 0) return 0;
    const db = await this.connected();
    const params: unknown[] = [];
    const rows = letters.map((l) => {
      params.push(
        l.eventId,
        cut(l.reason, 32),
        cut(l.field, 10_000),
        cut(l.message, 10_000),
        l.sourceTopic,
        l.sourcePartition,
        l.sourceOffset,
        l.sourceKey,
        cut(l.sourceTimestamp, 20),
        l.original,
        cut(l.companyId, 32),
        cut(l.customerId, 64),
        cut(l.eventType, 64),
        l.occurredAt,
      );
      const n = params.length - 14;
      return `(${Array.from({ length: 14 }, (_, i) => `$${n + i + 1}`).join(', ')})`;
    });
    const inserted: unknown[] = await db.query(
      `INSERT INTO dead_letter (event_id, reason, field, message, source_topic, source_partition, source_offset,
         source_key, source_timestamp, original, company_id, customer_id, event_type, occurred_at)
       VALUES ${rows.join(', ')}
       ON CONFLICT (event_id) DO NOTHING RETURNING event_id`,
      params,
    );
    return inserted.length;
  }

  /** The dead letters of a filter, newest first. */
  async list(
    filter: DeadLetterFilter,
    page: { limit: number; offset: number },
  ): Promise<{ items: DeadLetterRow[]; total: number }> {
    const db = await this.connected();
    const { where, params } = whereOf(filter);
    const items: DeadLetterRow[] = await db.query(
      `SELECT ${COLUMNS} FROM ${FROM} ${where}
        ORDER BY d.occurred_at DESC, d.event_id
        LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, page.limit, page.offset],
    );
    const [{ n }]: { n: number }[] = await db.query(
      `SELECT count(*)::int AS n FROM ${FROM} ${where}`,
      params,
    );
    return { items, total: n };
  }

  /** How many dead letters there are per reason, and how many of them wait for a re-drive. */
  async countsByReason(
    filter: Pick<DeadLetterFilter, 'companies' | 'topic'>,
  ): Promise<DeadLetterReasonCount[]> {
    const db = await this.connected();
    const { where, params } = whereOf(filter);
    return db.query(
      `SELECT d.reason, count(*)::int AS total, count(*) FILTER (WHERE r.new_event_id IS NULL)::int AS pending
         FROM ${FROM} ${where} GROUP BY d.reason ORDER BY total DESC, d.reason`,
      params,
    );
  }

  async get(eventId: string): Promise<DeadLetterRow | null> {
    const db = await this.connected();
    const rows: DeadLetterRow[] = await db.query(`SELECT ${COLUMNS} FROM ${FROM} WHERE d.event_id = $1`, [
      eventId,
    ]);
    return rows[0] ?? null;
  }

  async redriveOf(eventId: string): Promise<DeadLetterRedriveRow | null> {
    const db = await this.connected();
    const rows: DeadLetterRedriveRow[] = await db.query(
      `SELECT * FROM dead_letter_redrive WHERE dead_letter_event_id = $1`,
      [eventId],
    );
    return rows[0] ?? null;
  }

  /**
   * Records the re-drive and queues the corrected message in one transaction;
   * null (and nothing queued) when the dead letter was already re-driven.
   */
  async redrive(
    trail: Omit<DeadLetterRedriveRow, 'redriven_at'>,
    message: OutboundMessage,
    at: Date,
  ): Promise<DeadLetterRedriveRow | null> {
    const db = await this.connected();
    return db.transaction(async (manager) => {
      const rows: DeadLetterRedriveRow[] = await manager.query(
        `INSERT INTO dead_letter_redrive
           (dead_letter_event_id, new_event_id, topic, message_key, value, reason, redriven_by, redriven_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (dead_letter_event_id) DO NOTHING RETURNING *`,
        [
          trail.dead_letter_event_id,
          trail.new_event_id,
          trail.topic,
          trail.message_key,
          trail.value,
          storableText(trail.reason),
          storableText(trail.redriven_by),
          at,
        ],
      );
      if (rows.length === 0) return null;
      await this.outbox.enqueue(manager, [message]);
      return rows[0];
    });
  }
}
