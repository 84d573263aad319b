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
    const params: unknown[] = [];
    const rows = messages.map((m) => {
      params.push(
        m.topic,
        m.key === null ? null : m.key.toString(),
        m.value.toString(),
        JSON.stringify(m.headers ?? {}),
      );
      const n = params.length;
      return `($${n - 3}, $${n - 2}, $${n - 1}, $${n}::jsonb)`;
    });
    await manager.query(
      `INSERT INTO api_outbox (topic, key, value, headers) VALUES ${rows.join(', ')}`,
      params,
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
