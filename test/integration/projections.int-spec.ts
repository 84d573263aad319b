import Redis from 'ioredis';
import { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  applyFacts,
  CustomerRecord,
  DEFAULT_PARAMETERS,
  emptyDocuments,
  Fact,
  newCustomerRecord,
  reassess,
} from '@credit/domain';
import { decodeHistoryEntry } from '@credit/contracts';
import { ExposureProjection } from '@credit/postgres';
import { RedisExposureStore, redisKeysOf } from '@credit/redis';
import { waitUntilFolded } from '../support/folding';
import { isolatedStack, IsolatedStack } from '../support/isolated-stack';
import { RawEvent, TestProducer, TopicRecorder, eventually } from '../support/kafka-io';
import { startApi, startEngine, TestClock } from '../support/running-apps';

const COMPANY = 'IT01';
const CUSTOMER = 'C-DRILL';
const KEY = `${COMPANY}:${CUSTOMER}`;

/**
 * A small known history for one customer, folded by the real engine, then the
 * reporting projections read straight from Postgres: every amount of
 * customer_exposure can be drilled down to the rows that make it up.
 */
describe('reporting projections: from each amount to its documents', () => {
  let stack: IsolatedStack;
  let engine: INestApplication;
  let api: INestApplication;
  let producer: TestProducer;
  let recorder: TopicRecorder;
  let pg: DataSource;
  // Business date 2026-03-20 in Europe/Rome.
  const clock = new TestClock(new Date('2026-03-20T09:00:00Z'));

  const event = (eventId: string, type: string, data: Record<string, unknown>): RawEvent => ({
    companyId: COMPANY,
    customerId: CUSTOMER,
    eventId,
    type,
    data,
  });
  const rows = (sql: string) => pg.query(sql, [COMPANY, CUSTOMER]) as Promise<Record<string, unknown>[]>;

  beforeAll(async () => {
    stack = await isolatedStack();
    const t = stack.engine.kafka.topics;
    recorder = new TopicRecorder(stack.kafka, [t.breaches, t.blocks, t.collections], `rec-${stack.id}`);
    await recorder.start();
    producer = new TestProducer(stack.kafka);
    await producer.connect();
    api = await startApi(stack); // runs the migrations
    engine = await startEngine(stack, clock);
    pg = new DataSource({ type: 'postgres', url: stack.api.postgres.url });
    await pg.initialize();
  });

  afterAll(async () => {
    await pg?.destroy();
    await producer?.disconnect();
    await recorder?.stop();
    await engine?.close();
    await api?.close();
    await stack?.cleanup();
  });

  it('projects the documents, open items, settlements, dishonoured bills and event history of a customer', async () => {
    const t = stack.engine.kafka.topics;
    // Phase by phase, so that the events published do not depend on how topics interleave.
    await producer.events(t.creditLimits, [
      event('lim-1', 'creditLimit.set', {
        amount: '5000.00',
        mode: 'block',
        attentionThresholdPct: 80,
        setBy: 'maria',
      }),
    ]);
    await waitUntilFolded(stack);
    await producer.events(t.documents, [
      event('o-1', 'order.confirmed', { orderId: 'SO-1', amount: '1000.00' }),
      event('o-2', 'order.confirmed', { orderId: 'SO-2', amount: '500.00' }),
      event('d-1', 'delivery.issued', {
        deliveryId: 'DN-1',
        amount: '600.00',
        orderRefs: [{ orderId: 'SO-1', amount: '600.00' }],
      }),
      event('d-2', 'delivery.issued', {
        deliveryId: 'DN-2',
        amount: '200.00',
        orderRefs: [{ orderId: 'SO-2', amount: '200.00' }],
      }),
      event('i-1', 'invoice.issued', {
        invoiceId: 'INV-1',
        kind: 'invoice',
        amount: '600.00',
        deliveryRefs: [{ deliveryId: 'DN-1', amount: '600.00' }],
      }),
      event('cn-1', 'invoice.issued', { invoiceId: 'CN-1', kind: 'credit-note', amount: '50.00' }),
    ]);
    await waitUntilFolded(stack);
    // INV-1 posted in two instalments; the first falls overdue on 2026-03-01.
    await producer.events(t.journalEntries, [
      event('je-1', 'journal.posted', {
        entryId: 'JE-1',
        postingDate: '2026-02-01',
        lines: [
          {
            lineId: 'L1',
            side: 'debit',
            amount: '300.00',
            invoiceRef: 'INV-1',
            openItemId: 'OI-1',
            dueDate: '2026-02-28',
          },
          {
            lineId: 'L2',
            side: 'debit',
            amount: '300.00',
            invoiceRef: 'INV-1',
            openItemId: 'OI-2',
            dueDate: '2026-03-31',
          },
        ],
      }),
    ]);
    await waitUntilFolded(stack);
    // A partial payment of OI-1, 10 days late.
    await producer.events(t.journalEntries, [
      event('je-2', 'journal.posted', {
        entryId: 'JE-2',
        postingDate: '2026-03-10',
        lines: [
          {
            lineId: 'L1',
            side: 'credit',
            amount: '200.00',
            settles: [{ openItemId: 'OI-1', amount: '200.00' }],
          },
        ],
      }),
    ]);
    await waitUntilFolded(stack);
    // A RiBa comes back unpaid and the ERP re-debits it (a debit with no open item); another bill is at risk.
    await producer.events(t.billPortfolio, [
      event('b-1', 'bill.issued', {
        billId: 'RB-1',
        amount: '250.00',
        dueDate: '2026-03-05',
        instrument: 'riba',
      }),
      event('b-2', 'bill.dishonoured', { billId: 'RB-1', dishonouredAt: '2026-03-12T10:00:00+01:00' }),
      event('b-3', 'bill.issued', {
        billId: 'RB-2',
        amount: '150.00',
        dueDate: '2026-04-15',
        instrument: 'sdd',
      }),
    ]);
    await producer.events(t.journalEntries, [
      event('je-3', 'journal.posted', {
        entryId: 'JE-3',
        postingDate: '2026-03-13',
        lines: [{ lineId: 'L1', side: 'debit', amount: '250.00' }],
      }),
    ]);
    await waitUntilFolded(stack);

    // customer_exposure, the amounts to drill down from
    const [exposure] = await rows(
      `SELECT orders::text, deliveries::text, unposted_invoices::text, receivables::text, bills::text,
              total::text, overdue_amount::text, oldest_overdue_days, blocked, state_version::text
         FROM customer_exposure WHERE company_id = $1 AND customer_id = $2`,
    );
    expect(exposure).toMatchObject({
      orders: '700.00',
      deliveries: '200.00',
      unposted_invoices: '-50.00',
      receivables: '650.00',
      bills: '150.00',
      total: '1650.00',
      overdue_amount: '100.00',
      oldest_overdue_days: 20,
      blocked: true,
    });

    // The documents behind each component add up to it exactly (numeric arithmetic in SQL).
    const mismatches = await rows(
      `SELECT c.component, c.amount::text AS component_amount, coalesce(sum(d.amount), 0)::text AS rows_sum
         FROM customer_exposure e
         CROSS JOIN LATERAL (VALUES ('orders', e.orders), ('deliveries', e.deliveries),
              ('unpostedInvoices', e.unposted_invoices), ('receivables', e.receivables), ('bills', e.bills))
              AS c(component, amount)
         LEFT JOIN exposure_document d ON d.company_id = e.company_id AND d.customer_id = e.customer_id
              AND d.component = c.component
        WHERE e.company_id = $1 AND e.customer_id = $2
        GROUP BY c.component, c.amount
       HAVING c.amount <> coalesce(sum(d.amount), 0)`,
    );
    expect(mismatches).toEqual([]);

    const documents = await rows(
      `SELECT component, document_id, amount::text, details, state_version::text
         FROM exposure_document WHERE company_id = $1 AND customer_id = $2 ORDER BY component, document_id`,
    );
    expect(documents.map((d) => [d.component, d.document_id, d.amount])).toEqual([
      ['bills', 'RB-2', '150.00'],
      ['deliveries', 'DN-1', '0.00'],
      ['deliveries', 'DN-2', '200.00'],
      ['orders', 'SO-1', '400.00'],
      ['orders', 'SO-2', '300.00'],
      ['receivables', '(unallocated ledger balance)', '250.00'],
      ['receivables', 'OI-1', '100.00'],
      ['receivables', 'OI-2', '300.00'],
      ['unpostedInvoices', 'CN-1', '-50.00'],
    ]);
    expect(documents.every((d) => d.state_version === exposure.state_version)).toBe(true);
    const detailsOf = (id: string) => documents.find((d) => d.document_id === id)!.details;
    expect(detailsOf('SO-1')).toEqual({ kind: 'order', orderAmount: '1000.00', consumed: '600.00' });
    expect(detailsOf('DN-1')).toMatchObject({
      kind: 'delivery',
      deliveryAmount: '600.00',
      invoiced: '600.00',
    });
    expect(detailsOf('CN-1')).toMatchObject({ kind: 'credit-note', invoiceAmount: '50.00' });
    expect(detailsOf('OI-1')).toEqual({
      kind: 'open-item',
      dueDate: '2026-02-28',
      itemAmount: '300.00',
      settled: '200.00',
      daysOverdue: 20,
    });
    expect(detailsOf('(unallocated ledger balance)')).toEqual({
      kind: 'unallocated',
      ledgerBalance: '650.00',
      openItemResiduals: '400.00',
    });
    expect(detailsOf('RB-2')).toEqual({
      kind: 'bill',
      instrument: 'sdd',
      status: 'issued',
      dueDate: '2026-04-15',
      atRiskUntil: '2026-04-30',
    });

    expect(
      await rows(
        `SELECT open_item_id, amount::text, due_date::text, settled::text, residual::text
           FROM open_item WHERE company_id = $1 AND customer_id = $2 ORDER BY open_item_id`,
      ),
    ).toEqual([
      {
        open_item_id: 'OI-1',
        amount: '300.00',
        due_date: '2026-02-28',
        settled: '200.00',
        residual: '100.00',
      },
      { open_item_id: 'OI-2', amount: '300.00', due_date: '2026-03-31', settled: '0.00', residual: '300.00' },
    ]);
    expect(
      await rows(
        `SELECT entry_id, open_item_id, amount::text, settlement_date::text, due_date::text, days_late
           FROM settlement WHERE company_id = $1 AND customer_id = $2`,
      ),
    ).toEqual([
      {
        entry_id: 'JE-2',
        open_item_id: 'OI-1',
        amount: '200.00',
        settlement_date: '2026-03-10',
        due_date: '2026-02-28',
        days_late: 10,
      },
    ]);
    expect(
      await rows(
        `SELECT bill_id, amount::text, dishonoured_on::text, due_date::text, instrument
           FROM dishonoured_bill WHERE company_id = $1 AND customer_id = $2`,
      ),
    ).toEqual([
      {
        bill_id: 'RB-1',
        amount: '250.00',
        dishonoured_on: '2026-03-12',
        due_date: '2026-03-05',
        instrument: 'riba',
      },
    ]);

    // The event history holds exactly what was published on risk.breaches, risk.blocks and risk.collections.
    const published = await eventually(
      () => [...recorder.json(t.breaches), ...recorder.json(t.blocks), ...recorder.json(t.collections)],
      (list) => list.length >= 5,
    );
    const byId = new Map(published.map((e) => [e.eventId as string, e]));
    const expectedHistory = [...byId.values()]
      .map((e) => ({
        event_id: e.eventId,
        type: e.type,
        sequence: e.sequence,
        causation_id: e.causationId,
        occurred_at: new Date(e.occurredAt as string).toISOString(),
        data: e.data,
      }))
      .sort((a, b) => Number(a.sequence) - Number(b.sequence));
    const history = (
      await rows(
        `SELECT event_id, type, sequence::int, causation_id, occurred_at, data
           FROM exposure_event WHERE company_id = $1 AND customer_id = $2 ORDER BY sequence`,
      )
    ).map((r) => ({
      event_id: r.event_id,
      type: r.type,
      sequence: r.sequence as number,
      causation_id: r.causation_id,
      occurred_at: (r.occurred_at as Date).toISOString(),
      data: r.data,
    }));
    expect(history).toEqual(expectedHistory);
    expect(history.map((e) => [e.sequence, e.type, e.causation_id])).toEqual([
      [1, 'exposure.statusChanged', 'lim-1'],
      [2, 'overdue.changed', 'je-1'],
      [3, 'customer.blocked', 'je-1'],
      // Its oldest item is 20 days overdue: a collection case at level 1 (spec 12).
      [4, 'dunning.levelReached', 'je-1'],
      [5, 'overdue.changed', 'je-2'],
    ]);
    expect(history[0].data).toMatchObject({ from: 'NO_LIMIT', to: 'OK' });
    expect(history[4].data).toEqual({ overdue: true, overdueAmount: '100.00', oldestOverdueDays: 20 });

    // Idempotent and rebuildable: projecting the same state again changes nothing, and
    // after wiping the projections the same input writes the same rows again.
    const redis = new Redis(stack.engine.redis.url);
    const projectionDb = new DataSource({ type: 'postgres', url: stack.api.postgres.url });
    try {
      const store = new RedisExposureStore(redis, redisKeysOf(stack.engine));
      const record: CustomerRecord = (await store.records([KEY])).get(KEY)!;
      expect(String(record.version)).toBe(exposure.state_version);
      const projection = new ExposureProjection(projectionDb);
      // What was published reads back as history entries, as the projector reads its queue.
      const entries = published.map((e) => {
        const decoded = decodeHistoryEntry(e);
        if (!decoded.ok) throw new Error(`${decoded.field}: ${decoded.message}`);
        return decoded.entry;
      });
      const options = { events: entries, parameters: () => DEFAULT_PARAMETERS };
      const before = await snapshot();

      expect(await projection.upsert([record], clock.now(), options)).toEqual({ advanced: [] });
      expect(await snapshot()).toEqual(before);

      // Events arrive with a queue entry older than the row (the projector reads the latest
      // state): they are kept although the customer does not move.
      await pg.query(`DELETE FROM exposure_event`);
      expect(await projection.upsert([record], clock.now(), options)).toEqual({ advanced: [] });
      expect(await snapshot()).toEqual(before);

      // An older version arriving late never overwrites the newer rows.
      const older = {
        ...record,
        version: record.version - 1,
        documents: { ...record.documents, orders: new Map() },
      };
      expect(await projection.upsert([older], clock.now(), options)).toEqual({ advanced: [] });
      expect(await snapshot()).toEqual(before);

      for (const table of [
        'customer_exposure',
        'exposure_document',
        'open_item',
        'settlement',
        'dishonoured_bill',
        'exposure_event',
      ]) {
        await pg.query(`DELETE FROM ${table}`);
      }
      expect(await projection.upsert([record], clock.now(), options)).toEqual({ advanced: [KEY] });
      expect(await projection.upsert([record], clock.now(), options)).toEqual({ advanced: [] });
      expect(await snapshot()).toEqual(before);
    } finally {
      redis.disconnect();
      if (projectionDb.isInitialized) await projectionDb.destroy();
    }
  });

  it('writes batches larger than one statement can bind, in one transaction', async () => {
    const db = new DataSource({ type: 'postgres', url: stack.api.postgres.url });
    const projection = new ExposureProjection(db);
    try {
      const base = { eventId: 'e', occurredAt: '2026-03-01T10:00:00+01:00', companyId: 'BULK' };
      // 1500 customers x 10 orders: 15000 exposure_document rows, more than 65535 parameters.
      const records = Array.from({ length: 1500 }, (_, c) => {
        const customerId = `C${c}`;
        const facts: Fact[] = Array.from({ length: 10 }, (_, o) => ({
          ...base,
          customerId,
          type: 'order.confirmed',
          orderId: `SO-${o}`,
          amount: BigInt(100 * (o + 1) + c),
        }));
        const docs = applyFacts(emptyDocuments(), facts);
        return reassess(newCustomerRecord('BULK', customerId), docs, '2026-03-20', DEFAULT_PARAMETERS).record;
      });
      const first = await projection.upsert(records, clock.now());
      expect(first.advanced).toHaveLength(1500);
      expect(await projection.upsert(records, clock.now())).toEqual({ advanced: [] });
      const [count] = await pg.query(
        `SELECT count(*)::int AS n FROM exposure_document WHERE company_id = 'BULK'`,
      );
      expect(count.n).toBe(15000);
      const mismatches = await pg.query(
        `SELECT e.customer_id FROM customer_exposure e
           JOIN exposure_document d USING (company_id, customer_id)
          WHERE e.company_id = 'BULK' AND d.component = 'orders'
          GROUP BY e.customer_id, e.orders HAVING e.orders <> sum(d.amount)`,
      );
      expect(mismatches).toEqual([]);
    } finally {
      if (db.isInitialized) await db.destroy();
    }
  });

  /** Every projection table of the customer as text (as_of, the time of writing, left out). */
  async function snapshot(): Promise<Record<string, unknown>> {
    const dump = async (table: string, order: string, exclude: string[] = []) => {
      const result = await rows(
        `SELECT to_jsonb(t) AS row FROM ${table} t WHERE company_id = $1 AND customer_id = $2 ORDER BY ${order}`,
      );
      return result.map((r) => {
        const row = { ...(r.row as Record<string, unknown>) };
        for (const column of exclude) delete row[column];
        return row;
      });
    };
    return {
      exposure: await dump('customer_exposure', 'company_id', ['as_of']),
      documents: await dump('exposure_document', 'component, document_id'),
      openItems: await dump('open_item', 'open_item_id'),
      settlements: await dump('settlement', 'entry_id, open_item_id'),
      dishonoured: await dump('dishonoured_bill', 'bill_id'),
      events: await dump('exposure_event', 'sequence'),
    };
  }
});
