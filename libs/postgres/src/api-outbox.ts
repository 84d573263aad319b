import { DataSource, EntityManager } from 'typeorm';
import { MessagePublisher, OutboundMessage } from '@credit/kafka';

/**
 * The API's transactional outbox: an event is written in the same Postgres
 * transaction as the change it announces (a limit set, a hold decided), so a
 * crash can never keep one without the other. A relay publishes and marks it.
 */
export class ApiOutbox {
  constructor(private readonly db: DataSource) {}

  /** Queues messages inside the caller's transaction. */
  async enqueue(manager: EntityManager, messages: OutboundMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const { values, params } = rowsOf(messages, 0);
    await manager.query(`INSERT INTO api_outbox (topic, key, value, headers) VALUES ${values}`, params);
  }

  /**
   * Queues messages unless `guard` (a SELECT) finds rows, in one statement and
   * so one round trip, atomic without a transaction; returns the guard's rows.
   */
  async enqueueUnless<Row>(
    manager: EntityManager,
    guard: { sql: string; params: unknown[] },
    messages: OutboundMessage[],
  ): Promise<Row[]> {
    const { values, params } = rowsOf(messages, guard.params.length);
    return manager.query(
      `WITH guard AS (${guard.sql}),
       queued AS (INSERT INTO api_outbox (topic, key, value, headers)
         SELECT * FROM (VALUES ${values}) AS m WHERE NOT EXISTS (SELECT 1 FROM guard))
       SELECT * FROM guard`,
      [...guard.params, ...params],
    );
  }

  /**
   * Publishes the oldest unpublished messages, in order; returns how many. Row
   * locks keep two API instances from publishing the same rows at once.
   */
  async relay(publisher: MessagePublisher, limit = 500): Promise<number> {
    return this.db.transaction(async (manager) => {
      const rows: {
        id: string;
        topic: string;
        key: string | null;
        value: string;
        headers: Record<string, string>;
      }[] = await manager.query(
        `SELECT id, topic, key, value, headers FROM api_outbox WHERE published_at IS NULL
           ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [limit],
      );
      if (rows.length === 0) return 0;
      await publisher.publish(
        rows.map((r) => ({ topic: r.topic, key: r.key, value: r.value, headers: r.headers })),
      );
      await manager.query(`UPDATE api_outbox SET published_at = now() WHERE id = ANY($1::bigint[])`, [
        rows.map((r) => r.id),
      ]);
      return rows.length;
    });
  }
}

/** VALUES rows of messages, numbering parameters after the first `offset`. */
function rowsOf(messages: OutboundMessage[], offset: number): { values: string; params: unknown[] } {
  const params: unknown[] = [];
  const rows = messages.map((m) => {
    params.push(
      m.topic,
      m.key === null ? null : m.key.toString(),
      m.value.toString(),
      JSON.stringify(m.headers ?? {}),
    );
    const n = offset + params.length;
    return `($${n - 3}::text, $${n - 2}::text, $${n - 1}::text, $${n}::jsonb)`;
  });
  return { values: rows.join(', '), params };
}
