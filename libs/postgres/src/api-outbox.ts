import { DataSource, EntityManager } from 'typeorm';
import { MessagePublisher, OutboundMessage } from '@credit/kafka';

/**
 * Namespaces (first key) of the outbox's advisory locks, so they never meet
 * another feature's: a message key's queue (second key: hashtext of
 * `<companyId>:<customerId>`), and the relay's turn (second key 0).
 */
const KEY_QUEUE_LOCKS = 0x0a0b0c;
const RELAY_TURN_LOCK = 0x0a0b0d;

/** Takes the queue locks of the keys in $1 (text[]), in one order everywhere so two writers never deadlock. */
const LOCK_KEYS = (keys: string) =>
  `SELECT count(pg_advisory_xact_lock(${KEY_QUEUE_LOCKS}, h)) AS locked
     FROM (SELECT DISTINCT hashtext(k) AS h FROM unnest(${keys}) k WHERE k IS NOT NULL ORDER BY 1) q`;

/**
 * The API's transactional outbox: an event is written in the same Postgres
 * transaction as the change it announces (a limit set, a hold decided), so a
 * crash can never keep one without the other. A relay publishes and marks it.
 *
 * Order of one customer's events, also with several API instances:
 * - a writer takes its messages' key locks (advisory, transaction-scoped) when
 *   it queues them, so a later decision on the same customer waits until the
 *   earlier one commits: one key's ids follow the order of commits, and a
 *   committed row never has an earlier row of its key still uncommitted;
 * - one relay at a time publishes (a transaction-scoped advisory lock: the
 *   other instances' turns find it taken and wait for the next), in id order.
 *   A relay that dies releases it with its connection, so another instance
 *   takes over on its next turn.
 */
export class ApiOutbox {
  constructor(private readonly db: DataSource) {}

  /** Queues messages inside the caller's transaction. */
  async enqueue(manager: EntityManager, messages: OutboundMessage[]): Promise<void> {
    if (messages.length === 0) return;
    await manager.query(LOCK_KEYS('$1::text[]'), [messages.map((m) => m.key?.toString() ?? null)]);
    const { values, params } = rowsOf(messages);
    await manager.query(`INSERT INTO api_outbox (topic, key, value, headers) VALUES ${values}`, params);
  }

  /**
   * For many requests in one statement (one round trip, one commit, atomic
   * without a transaction): queues each request's message unless its guard
   * finds rows (a request without a message only asks the guard). The
   * requests are the relation `request (i, <columns>)`, i numbering them from
   * 0; `guardSql` selects from it and must return `i`. Returns the guard's
   * rows of each request, in the requests' order. The queued messages' key
   * locks are taken before they are inserted (see the class).
   */
  async enqueueEachUnless<Row extends { i: number }>(
    manager: EntityManager,
    columns: { name: string; type: string }[],
    guardSql: string,
    requests: { values: unknown[]; message: OutboundMessage | null }[],
  ): Promise<Omit<Row, 'i'>[][]> {
    const params: unknown[] = [];
    const types = ['int', ...columns.map((c) => c.type), 'text', 'text', 'text', 'jsonb'];
    const rows = requests.map(({ values, message }, i) => {
      const row = [i, ...values, ...(message === null ? [null, null, null, null] : messageColumns(message))];
      params.push(...row);
      const first = params.length - row.length + 1;
      return `(${types.map((type, k) => `$${first + k}::${type}`).join(', ')})`;
    });
    const found: Row[] = await manager.query(
      `WITH request (i, ${columns.map((c) => c.name).join(', ')}, topic, key, value, headers) AS (
         VALUES ${rows.join(', ')}),
       guard AS (${guardSql}),
       locks AS (${LOCK_KEYS('(SELECT array_agg(key) FROM request WHERE topic IS NOT NULL)')}),
       queued AS (INSERT INTO api_outbox (topic, key, value, headers)
         SELECT topic, key, value, headers FROM request r
          WHERE (SELECT locked FROM locks) >= 0
            AND r.topic IS NOT NULL AND NOT EXISTS (SELECT 1 FROM guard g WHERE g.i = r.i) ORDER BY r.i)
       SELECT * FROM guard`,
      params,
    );
    const byRequest = requests.map((): Omit<Row, 'i'>[] => []);
    for (const { i, ...row } of found) byRequest[i].push(row);
    return byRequest;
  }

  /**
   * Publishes the oldest unpublished messages, in id order, and marks them;
   * returns how many (0 as well when another instance's relay holds the turn).
   */
  async relay(publisher: MessagePublisher, limit = 500): Promise<number> {
    return this.db.transaction(async (manager) => {
      const [turn]: { leader: boolean }[] = await manager.query(
        `SELECT pg_try_advisory_xact_lock(${RELAY_TURN_LOCK}, 0) AS leader`,
      );
      if (!turn.leader) return 0;
      const rows: {
        id: string;
        topic: string;
        key: string | null;
        value: string;
        headers: Record<string, string>;
      }[] = await manager.query(
        `SELECT id, topic, key, value, headers FROM api_outbox WHERE published_at IS NULL
           ORDER BY id LIMIT $1`,
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

  /** How many queued messages wait to be published (the api_outbox_backlog metric). */
  async backlog(): Promise<number> {
    const [row]: { n: number }[] = await this.db.query(
      'SELECT count(*)::int AS n FROM api_outbox WHERE published_at IS NULL',
    );
    return row.n;
  }
}

/** The api_outbox columns topic, key, value and headers of a message. */
const messageColumns = (m: OutboundMessage): unknown[] => [
  m.topic,
  m.key === null ? null : m.key.toString(),
  m.value.toString(),
  JSON.stringify(m.headers ?? {}),
];

/** VALUES rows of messages and their parameters. */
function rowsOf(messages: OutboundMessage[]): { values: string; params: unknown[] } {
  const params: unknown[] = [];
  const rows = messages.map((m) => {
    params.push(...messageColumns(m));
    const n = params.length;
    return `($${n - 3}::text, $${n - 2}::text, $${n - 1}::text, $${n}::jsonb)`;
  });
  return { values: rows.join(', '), params };
}
