import { DataSource, EntityManager } from 'typeorm';
import { OutboundMessage } from '@credit/kafka';
import { ApiOutbox } from './api-outbox';
import { recordAlertChange } from './alerts.repository';

export type DeliveryStatus = 'queued' | 'digested' | 'pending' | 'delivered' | 'failed';
export type DeliveryChannel = 'email' | 'webhook' | 'inbox';

/** One delivery of one output event (or of one daily digest) to one subscription. */
export interface DeliveryRow {
  deliveryId: string;
  companyId: string;
  subscriptionId: string;
  /** The output event's eventId, or `digest:<date>:<hash of the recipient>` for a digest. */
  eventId: string;
  customerId: string | null;
  customerName: string | null;
  eventType: string;
  channel: DeliveryChannel;
  /** Where it goes: the resolved e-mail address, the webhook URL, or the inbox's user subject. */
  recipient: string;
  status: DeliveryStatus;
  digestDate: string | null;
  digestId: string | null;
  /** The output event's JSON exactly as it was read from Kafka ('' for a digest). */
  payload: string;
  createdAt: Date;
  nextAttemptAt: Date | null;
  retryUntil: Date | null;
  attemptCount: number;
  lastError: string | null;
  deliveredAt: Date | null;
  readAt: Date | null;
}

export interface AttemptRow {
  deliveryId: string;
  attemptNo: number;
  attemptedAt: Date;
  outcome: 'delivered' | 'error';
  detail: string | null;
}

export type NewDelivery = Pick<
  DeliveryRow,
  | 'companyId'
  | 'subscriptionId'
  | 'eventId'
  | 'customerId'
  | 'customerName'
  | 'eventType'
  | 'channel'
  | 'recipient'
  | 'status'
  | 'digestDate'
  | 'payload'
  | 'createdAt'
  | 'nextAttemptAt'
  | 'lastError'
  | 'deliveredAt'
>;

const COLUMNS = [
  'company_id',
  'subscription_id',
  'event_id',
  'customer_id',
  'customer_name',
  'event_type',
  'channel',
  'recipient',
  'status',
  'digest_date',
  'payload',
  'created_at',
  'next_attempt_at',
  'last_error',
  'delivered_at',
] as const;
const TYPES = [
  'text',
  'text',
  'text',
  'text',
  'text',
  'text',
  'text',
  'text',
  'text',
  'date',
  'text',
  'timestamptz',
  'timestamptz',
  'text',
  'timestamptz',
];
/** Rows per INSERT, far below Postgres' 65,535 parameters. */
const INSERT_CHUNK = 1000;

interface RawDelivery {
  delivery_id: string;
  company_id: string;
  subscription_id: string;
  event_id: string;
  customer_id: string | null;
  customer_name: string | null;
  event_type: string;
  channel: DeliveryChannel;
  recipient: string;
  status: DeliveryStatus;
  digest_date: string | null;
  digest_id: string | null;
  payload: string;
  created_at: Date;
  next_attempt_at: Date | null;
  retry_until: Date | null;
  attempt_count: number;
  last_error: string | null;
  delivered_at: Date | null;
  read_at: Date | null;
}

const deliveryRow = (r: RawDelivery): DeliveryRow => ({
  deliveryId: String(r.delivery_id),
  companyId: r.company_id,
  subscriptionId: r.subscription_id,
  eventId: r.event_id,
  customerId: r.customer_id,
  customerName: r.customer_name,
  eventType: r.event_type,
  channel: r.channel,
  recipient: r.recipient,
  status: r.status,
  digestDate: r.digest_date,
  digestId: r.digest_id === null ? null : String(r.digest_id),
  payload: r.payload,
  createdAt: r.created_at,
  nextAttemptAt: r.next_attempt_at,
  retryUntil: r.retry_until,
  attemptCount: r.attempt_count,
  lastError: r.last_error,
  deliveredAt: r.delivered_at,
  readAt: r.read_at,
});

/** Dates as text: node-postgres would turn a `date` into a local midnight. */
const SELECT = `SELECT d.*, to_char(d.digest_date, 'YYYY-MM-DD') AS digest_date FROM notification_delivery d`;

export interface DeliveryQuery {
  status?: DeliveryStatus;
  subscriptionId?: string;
  limit: number;
  offset: number;
}

/**
 * The notifier's deliveries. The consumer creates them together with its
 * position in the output topics; the dispatcher claims due ones with a lease,
 * sends, and records each attempt; every final outcome is queued for
 * risk.notifications in the same transaction (the transactional outbox).
 */
export class NotificationsRepository {
  private readonly outbox: ApiOutbox;

  constructor(private readonly db: DataSource) {
    this.outbox = new ApiOutbox(db);
  }

  /** Where the notifier resumes reading a partition: the offset after the last one it recorded. */
  async nextOffset(groupId: string, topic: string, partition: number): Promise<bigint | null> {
    const [row]: { next_offset: string }[] = await this.db.query(
      `SELECT next_offset FROM notifier_offset WHERE group_id = $1 AND topic = $2 AND partition = $3`,
      [groupId, topic, partition],
    );
    return row === undefined ? null : BigInt(row.next_offset);
  }

  /**
   * Creates the deliveries of a batch and moves the partition's position past it,
   * in one transaction. A delivery that exists already (the same event replayed
   * or re-published) is left alone. `outcomes` turns the rows created now into
   * the messages to publish (those created already final: inbox entries,
   * deliveries that cannot be made).
   */
  async recordBatch(
    position: { groupId: string; topic: string; partition: number; nextOffset: bigint },
    deliveries: NewDelivery[],
    outcomes: (created: DeliveryRow[]) => OutboundMessage[],
  ): Promise<DeliveryRow[]> {
    return this.db.transaction(async (m) => {
      const created: DeliveryRow[] = [];
      for (let i = 0; i < deliveries.length; i += INSERT_CHUNK) {
        created.push(...(await this.insert(m, deliveries.slice(i, i + INSERT_CHUNK))));
      }
      await m.query(
        `INSERT INTO notifier_offset (group_id, topic, partition, next_offset) VALUES ($1, $2, $3, $4)
           ON CONFLICT (group_id, topic, partition)
           DO UPDATE SET next_offset = GREATEST(notifier_offset.next_offset, EXCLUDED.next_offset)`,
        [position.groupId, position.topic, position.partition, position.nextOffset.toString()],
      );
      await this.outbox.enqueue(m, outcomes(created));
      return created;
    });
  }

  private async insert(m: EntityManager, rows: NewDelivery[]): Promise<DeliveryRow[]> {
    if (rows.length === 0) return [];
    const params: unknown[] = [];
    const values = rows.map((row) => {
      const first = params.length + 1;
      params.push(
        row.companyId,
        row.subscriptionId,
        row.eventId,
        row.customerId,
        row.customerName,
        row.eventType,
        row.channel,
        row.recipient,
        row.status,
        row.digestDate,
        row.payload,
        row.createdAt,
        row.nextAttemptAt,
        row.lastError,
        row.deliveredAt,
      );
      return `(${TYPES.map((type, k) => `$${first + k}::${type}`).join(', ')})`;
    });
    const inserted: RawDelivery[] = await m.query(
      `INSERT INTO notification_delivery (${COLUMNS.join(', ')}) VALUES ${values.join(', ')}
         ON CONFLICT (subscription_id, company_id, event_id) DO NOTHING
         RETURNING *, to_char(digest_date, 'YYYY-MM-DD') AS digest_date`,
      params,
    );
    return inserted.map(deliveryRow);
  }

  /**
   * Claims up to `limit` deliveries due at `now` for `leaseMs`: another
   * dispatcher (or this one after a crash) takes them again only once the lease
   * has run out, which is what makes a send at least once in transport.
   */
  async claimDue(now: Date, leaseMs: number, limit: number): Promise<DeliveryRow[]> {
    // TypeORM answers an UPDATE … RETURNING with [rows, affected]
    const [rows]: [RawDelivery[], number] = await this.db.query(
      `UPDATE notification_delivery d SET lease_until = $1::timestamptz + make_interval(secs => $2::float8 / 1000)
         WHERE delivery_id IN (
           SELECT delivery_id FROM notification_delivery
            WHERE status = 'pending' AND next_attempt_at <= $1 AND (lease_until IS NULL OR lease_until <= $1)
            ORDER BY next_attempt_at LIMIT $3 FOR UPDATE SKIP LOCKED)
         RETURNING d.*, to_char(d.digest_date, 'YYYY-MM-DD') AS digest_date`,
      [now, leaseMs, limit],
    );
    return rows.map(deliveryRow).sort((a, b) => Number(a.deliveryId) - Number(b.deliveryId));
  }

  /** The events a digest delivery gathers, oldest first. */
  async digestItems(digestId: string): Promise<DeliveryRow[]> {
    const rows: RawDelivery[] = await this.db.query(
      `${SELECT} WHERE d.digest_id = $1 ORDER BY d.delivery_id`,
      [digestId],
    );
    return rows.map(deliveryRow);
  }

  /**
   * Records one send attempt of a claimed delivery and what comes next
   * (pending again at `nextAttemptAt`, delivered, or failed), with the
   * outcome messages, in one transaction. False when the delivery moved on
   * meanwhile (another dispatcher, a retry), in which case nothing is written.
   */
  async recordAttempt(
    claimed: DeliveryRow,
    attempt: { at: Date; outcome: 'delivered' | 'error'; detail: string | null },
    next: { status: 'pending' | 'delivered' | 'failed'; nextAttemptAt: Date | null; retryUntil: Date },
    outcomes: (attempts: number) => OutboundMessage[],
  ): Promise<boolean> {
    return this.db.transaction(async (m) => {
      const [[updated]]: [{ attempt_count: number }[], number] = await m.query(
        `UPDATE notification_delivery SET attempt_count = attempt_count + 1, status = $3::text,
            next_attempt_at = $4, retry_until = $5, lease_until = NULL, last_error = $6,
            delivered_at = CASE WHEN $3::text = 'delivered' THEN $7::timestamptz ELSE delivered_at END
          WHERE delivery_id = $1 AND status = 'pending' AND attempt_count = $2
          RETURNING attempt_count`,
        [
          claimed.deliveryId,
          claimed.attemptCount,
          next.status,
          next.nextAttemptAt,
          next.retryUntil,
          attempt.outcome === 'error' ? attempt.detail : null,
          attempt.at,
        ],
      );
      if (updated === undefined) return false;
      await m.query(
        `INSERT INTO notification_attempt (delivery_id, attempt_no, attempted_at, outcome, detail)
           VALUES ($1, $2, $3, $4, $5)`,
        [claimed.deliveryId, updated.attempt_count, attempt.at, attempt.outcome, attempt.detail],
      );
      await this.outbox.enqueue(m, outcomes(updated.attempt_count));
      return true;
    });
  }

  /**
   * Gathers the queued events of every day before `today` into one digest
   * delivery per subscription, recipient and day, pending at once, in one
   * statement. The digest's eventId names its day and its first event, so two
   * notifiers closing the same day create it once, and an event recorded for a
   * day whose digest has gone already starts a digest of its own. Returns how
   * many digests it created.
   */
  async closeDigests(today: string, now: Date): Promise<number> {
    const [rows]: [{ delivery_id: string }[], number] = await this.db.query(
      `WITH day AS (
         SELECT company_id, subscription_id, channel, recipient, digest_date, min(delivery_id) AS first_id
           FROM notification_delivery WHERE status = 'queued' AND digest_date < $1::date
          GROUP BY company_id, subscription_id, channel, recipient, digest_date),
       digest AS (
         INSERT INTO notification_delivery (company_id, subscription_id, event_id, event_type, channel, recipient,
             status, digest_date, payload, created_at, next_attempt_at)
         SELECT company_id, subscription_id, 'digest:' || digest_date || ':' || first_id, 'notification.digest',
                channel, recipient, 'pending', digest_date, '', $2, $2
           FROM day
         ON CONFLICT (subscription_id, company_id, event_id) DO NOTHING
         RETURNING delivery_id, company_id, subscription_id, recipient, digest_date)
       UPDATE notification_delivery item SET status = 'digested', digest_id = digest.delivery_id
         FROM digest
        WHERE item.status = 'queued' AND item.company_id = digest.company_id
          AND item.subscription_id = digest.subscription_id AND item.recipient = digest.recipient
          AND item.digest_date = digest.digest_date
       RETURNING digest.delivery_id`,
      [today, now],
    );
    return new Set(rows.map((r) => r.delivery_id)).size;
  }

  // ---- API side --------------------------------------------------------------------------

  async list(
    companyId: string,
    query: DeliveryQuery,
  ): Promise<{ rows: DeliveryRow[]; attempts: AttemptRow[]; total: number }> {
    const params: unknown[] = [companyId];
    let where = 'd.company_id = $1';
    if (query.status !== undefined) {
      params.push(query.status);
      where += ` AND d.status = $${params.length}`;
    }
    if (query.subscriptionId !== undefined) {
      params.push(query.subscriptionId);
      where += ` AND d.subscription_id = $${params.length}`;
    }
    const [{ total }] = await this.db.query(
      `SELECT count(*)::int AS total FROM notification_delivery d WHERE ${where}`,
      params,
    );
    const rows: RawDelivery[] = await this.db.query(
      `${SELECT} WHERE ${where} ORDER BY d.delivery_id DESC LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, query.limit, query.offset],
    );
    return {
      rows: rows.map(deliveryRow),
      attempts: await this.attemptsOf(rows.map((r) => r.delivery_id)),
      total,
    };
  }

  async delivery(companyId: string, deliveryId: string): Promise<DeliveryRow | undefined> {
    const [row]: RawDelivery[] = await this.db.query(
      `${SELECT} WHERE d.company_id = $1 AND d.delivery_id = $2::bigint`,
      [companyId, deliveryId],
    );
    return row && deliveryRow(row);
  }

  async attemptsOf(deliveryIds: string[]): Promise<AttemptRow[]> {
    if (deliveryIds.length === 0) return [];
    const rows: {
      delivery_id: string;
      attempt_no: number;
      attempted_at: Date;
      outcome: 'delivered' | 'error';
      detail: string | null;
    }[] = await this.db.query(
      `SELECT * FROM notification_attempt WHERE delivery_id = ANY($1::bigint[]) ORDER BY delivery_id, attempt_no`,
      [deliveryIds],
    );
    return rows.map((r) => ({
      deliveryId: String(r.delivery_id),
      attemptNo: r.attempt_no,
      attemptedAt: r.attempted_at,
      outcome: r.outcome,
      detail: r.detail,
    }));
  }

  /**
   * Puts a failed delivery back to pending, due now, with a fresh retry period
   * (the notifier starts it at the next attempt), audited. The row as it is
   * after, or why not: 'not-found' or 'not-failed'.
   */
  async retry(
    companyId: string,
    deliveryId: string,
    actor: string,
  ): Promise<DeliveryRow | 'not-found' | 'not-failed'> {
    return this.db.transaction(async (m) => {
      const [[row]]: [RawDelivery[], number] = await m.query(
        `UPDATE notification_delivery SET status = 'pending', next_attempt_at = now(), retry_until = NULL,
            lease_until = NULL
          WHERE company_id = $1 AND delivery_id = $2::bigint AND status = 'failed'
          RETURNING *, to_char(digest_date, 'YYYY-MM-DD') AS digest_date`,
        [companyId, deliveryId],
      );
      if (row === undefined) {
        const [existing]: { status: string }[] = await m.query(
          `SELECT status FROM notification_delivery WHERE company_id = $1 AND delivery_id = $2::bigint`,
          [companyId, deliveryId],
        );
        return existing === undefined ? 'not-found' : 'not-failed';
      }
      await recordAlertChange(m, {
        companyId,
        actor,
        action: 'notification.retried',
        subjectId: deliveryId,
        before: { status: 'failed', attempts: row.attempt_count, lastError: row.last_error },
        after: { status: 'pending' },
      });
      return deliveryRow(row);
    });
  }

  /** The inbox of a user: its inbox deliveries in the companies it may see ('*' = all), newest first. */
  async inbox(
    subject: string,
    companies: string[] | '*',
    query: { unread?: boolean; limit: number; offset: number },
  ): Promise<{ rows: DeliveryRow[]; total: number; unread: number }> {
    const params: unknown[] = [subject];
    let where = `d.channel = 'inbox' AND d.recipient = $1 AND d.status = 'delivered'`;
    if (companies !== '*') {
      params.push(companies);
      where += ` AND d.company_id = ANY($${params.length})`;
    }
    const readState =
      query.unread === undefined ? 'true' : query.unread ? 'd.read_at IS NULL' : 'd.read_at IS NOT NULL';
    const [{ total, unread }] = await this.db.query(
      `SELECT count(*) FILTER (WHERE ${readState})::int AS total,
              count(*) FILTER (WHERE d.read_at IS NULL)::int AS unread
         FROM notification_delivery d WHERE ${where}`,
      params,
    );
    const rows: RawDelivery[] = await this.db.query(
      `${SELECT} WHERE ${where} AND ${readState}
        ORDER BY d.delivery_id DESC LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, query.limit, query.offset],
    );
    return { rows: rows.map(deliveryRow), total, unread };
  }

  /** Marks an inbox entry of this user read (idempotent); undefined when it is not the user's. */
  async markRead(
    subject: string,
    companies: string[] | '*',
    deliveryId: string,
  ): Promise<DeliveryRow | undefined> {
    const params: unknown[] = [subject, deliveryId];
    let where = `channel = 'inbox' AND recipient = $1 AND delivery_id = $2::bigint AND status = 'delivered'`;
    if (companies !== '*') {
      params.push(companies);
      where += ` AND company_id = ANY($${params.length})`;
    }
    const [[row]]: [RawDelivery[], number] = await this.db.query(
      `UPDATE notification_delivery SET read_at = COALESCE(read_at, now()) WHERE ${where}
         RETURNING *, to_char(digest_date, 'YYYY-MM-DD') AS digest_date`,
      params,
    );
    return row && deliveryRow(row);
  }
}
