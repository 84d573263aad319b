import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import {
  ApiOutbox,
  createDataSource,
  DeadLettersRepository,
  NewDeadLetter,
  runMigrations,
} from '@credit/postgres';

/** The dead letters' SQL against a real Postgres, without Kafka: its own database, dropped at the end. */
describe('DeadLettersRepository', () => {
  const url = `postgres://postgres@127.0.0.1:5432/ce_test_dlq_${randomBytes(4).toString('hex')}`;
  let db: DataSource;
  let repository: DeadLettersRepository;

  const letter = (n: number, over: Partial<NewDeadLetter> = {}): NewDeadLetter => ({
    eventId: `00000000-0000-5000-8000-${String(n).padStart(12, '0')}`,
    reason: 'VALIDATION_FAILED',
    field: 'data.amount',
    message: 'data.amount must be a money string',
    sourceTopic: 'erp.documents',
    sourcePartition: 1,
    sourceOffset: String(100 + n),
    sourceKey: Buffer.from('IT01:C1'),
    sourceTimestamp: '1772356500000',
    original: Buffer.from(`{"n":${n}}`),
    companyId: 'IT01',
    customerId: 'C1',
    eventType: 'order.confirmed',
    occurredAt: `2026-03-01T10:0${n}:00.000Z`,
    ...over,
  });

  beforeAll(async () => {
    await runMigrations({ url });
    db = createDataSource({ url }, 2);
    await db.initialize();
    repository = new DeadLettersRepository(db, new ApiOutbox(db));
  });

  afterAll(async () => {
    await db?.destroy();
    const admin = new DataSource({ type: 'postgres', url: 'postgres://postgres@127.0.0.1:5432/postgres' });
    await admin.initialize();
    await admin.query(`DROP DATABASE IF EXISTS "${new URL(url).pathname.slice(1)}" WITH (FORCE)`);
    await admin.destroy();
  });

  it('keeps each dead letter once, however often the topic is read', async () => {
    expect(
      await repository.record([
        letter(1),
        letter(2, { reason: 'NOT_JSON', field: null, companyId: null, customerId: null, eventType: null }),
        letter(3, { sourceTopic: 'erp.customers', companyId: 'DE01' }),
      ]),
    ).toBe(3);
    expect(await repository.record([letter(1), letter(2)])).toBe(0);
    const stored = await repository.get(letter(1).eventId);
    expect(stored).toMatchObject({
      source_offset: '101',
      original: Buffer.from('{"n":1}'),
      new_event_id: null,
    });
  });

  it('filters by reason, topic and the caller companies; counts by reason', async () => {
    const all = await repository.list({ companies: '*' }, { limit: 10, offset: 0 });
    expect(all.total).toBe(3);
    // Newest first.
    expect(all.items.map((r) => r.source_offset)).toEqual(['103', '102', '101']);
    const it01 = await repository.list({ companies: ['IT01'] }, { limit: 10, offset: 0 });
    expect(it01.items.map((r) => r.source_offset)).toEqual(['101']); // no company: only with '*'
    const notJson = await repository.list({ companies: '*', reason: 'NOT_JSON' }, { limit: 10, offset: 0 });
    expect(notJson.items.map((r) => r.source_offset)).toEqual(['102']);
    const customers = await repository.list(
      { companies: '*', topic: 'erp.customers' },
      { limit: 10, offset: 0 },
    );
    expect(customers.total).toBe(1);
    expect(await repository.countsByReason({ companies: '*' })).toEqual([
      { reason: 'VALIDATION_FAILED', total: 2, pending: 2 },
      { reason: 'NOT_JSON', total: 1, pending: 1 },
    ]);
  });

  it('records a re-drive with its message in one transaction, once', async () => {
    const trail = {
      dead_letter_event_id: letter(1).eventId,
      new_event_id: 'aaaaaaaa-0000-5000-8000-000000000001',
      topic: 'erp.documents',
      message_key: 'IT01:C1',
      value: '{"fixed":true}',
      reason: 'amount corrected',
      redriven_by: 'ops.anna',
    };
    const message = { topic: 'erp.documents', key: 'IT01:C1', value: '{"fixed":true}' };
    const at = new Date('2026-03-02T09:00:00Z');
    expect(await repository.redrive(trail, message, at)).toMatchObject({ ...trail, redriven_at: at });
    expect(await repository.redrive({ ...trail, new_event_id: 'other' }, message, at)).toBeNull();
    const queued: { topic: string; value: string }[] = await db.query(
      'SELECT topic, value FROM api_outbox ORDER BY id',
    );
    expect(queued).toEqual([{ topic: 'erp.documents', value: '{"fixed":true}' }]);
    expect(await repository.get(letter(1).eventId)).toMatchObject({
      new_event_id: trail.new_event_id,
      redriven_by: 'ops.anna',
    });
    const pending = await repository.list({ companies: '*', pending: true }, { limit: 10, offset: 0 });
    expect(pending.items.map((r) => r.source_offset)).toEqual(['103', '102']);
  });
});
