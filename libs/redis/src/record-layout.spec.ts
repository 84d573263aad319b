import fc from 'fast-check';
import {
  Archive,
  BillState,
  CustomerDocuments,
  CustomerRecord,
  DeliveryState,
  DocumentChanges,
  DocumentKind,
  encodeState,
  InvoiceState,
  JournalEntryState,
  JournalLine,
  LETTER_OF_KIND,
  newCustomerRecord,
  OrderState,
} from '@credit/domain';
import { decodeArchive, decodeDocument, encodeArchive, encodeDocument } from './document-codec';
import { documentFields, PAGE_DOCUMENTS, PageLayout, recordFromFields, recordHeader } from './record-layout';

// Values at the edges of the stored form: money past 2^53 and negative, dates that are not their day number's,
// ids that JSON must escape, instants absent (states stored before them).
const moneyArb = fc.oneof(
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }),
  fc.bigInt({ min: -1000n, max: 10_000_000n }),
);
const dateArb = fc.oneof(
  fc
    .date({ min: new Date('1900-01-01'), max: new Date('2200-12-31'), noInvalidDate: true })
    .map((d) => d.toISOString().slice(0, 10)),
  fc.constantFrom('2026-02-30', '0000-01-01', 'not-a-date'),
);
const idArb = fc.string({ unit: 'binary', minLength: 1, maxLength: 12 });
const atArb = fc.option(fc.integer({ min: 0, max: 4_102_444_800_000 }), { nil: undefined });
const withAt = <T extends object>(state: T, at: number | undefined): T =>
  at === undefined ? state : { ...state, at };

const orderArb = fc
  .tuple(moneyArb, fc.constantFrom(null, 'cancelled', 'completed', 'short-closed'), atArb)
  .map(([amount, closed, at]) => withAt<OrderState>({ amount, closed: closed as OrderState['closed'] }, at));
const orderRefsArb = fc.array(fc.record({ orderId: idArb, amount: moneyArb }, { noNullPrototype: true }), {
  maxLength: 3,
});
const deliveryArb = fc
  .tuple(moneyArb, fc.boolean(), orderRefsArb, atArb)
  .map(([amount, cancelled, orderRefs, at]) => withAt<DeliveryState>({ amount, cancelled, orderRefs }, at));
const invoiceArb = fc
  .tuple(
    moneyArb,
    fc.constantFrom('invoice', 'credit-note'),
    fc.option(dateArb, { nil: undefined }),
    fc.boolean(),
    fc.array(fc.record({ deliveryId: idArb, amount: moneyArb }, { noNullPrototype: true }), { maxLength: 3 }),
    orderRefsArb,
    atArb,
  )
  .map(([amount, kind, invoiceDate, cancelled, deliveryRefs, orderRefs, at]) => {
    const state: InvoiceState = {
      kind: kind as InvoiceState['kind'],
      amount,
      cancelled,
      deliveryRefs,
      orderRefs,
    };
    if (invoiceDate !== undefined) state.invoiceDate = invoiceDate;
    return withAt(state, at);
  });
const lineArb = fc
  .record(
    {
      lineId: idArb,
      side: fc.constantFrom('debit', 'credit'),
      amount: moneyArb,
      invoiceRef: idArb,
      openItemId: idArb,
      dueDate: dateArb,
      settles: fc.array(fc.record({ openItemId: idArb, amount: moneyArb }, { noNullPrototype: true }), {
        maxLength: 3,
      }),
    },
    { requiredKeys: ['lineId', 'side', 'amount'], noNullPrototype: true },
  )
  .map((line) => line as JournalLine);
const entryArb = fc
  .tuple(fc.option(dateArb, { nil: null }), fc.array(lineArb, { maxLength: 4 }), fc.boolean(), atArb)
  .map(([postingDate, lines, reversed, at]) =>
    withAt<JournalEntryState>({ postingDate, lines, reversed }, at),
  );
const billArb = fc
  .tuple(
    moneyArb,
    fc.option(dateArb, { nil: null }),
    fc.constantFrom(null, 'riba', 'sdd'),
    fc.constantFrom('issued', 'presented', 'collected', 'dishonoured', 'cancelled'),
    fc.option(dateArb, { nil: null }),
    atArb,
  )
  .map(([amount, dueDate, instrument, status, statusDate, at]) =>
    withAt<BillState>(
      {
        amount,
        dueDate,
        instrument: instrument as BillState['instrument'],
        status: status as BillState['status'],
        statusDate,
      },
      at,
    ),
  );
const STATES = {
  orders: orderArb,
  deliveries: deliveryArb,
  invoices: invoiceArb,
  journal: entryArb,
  bills: billArb,
} as const;
const KINDS = Object.keys(STATES) as DocumentKind[];

const archiveArb: fc.Arbitrary<Archive> = fc
  .record({
    balance: moneyArb,
    payments: fc.array(fc.tuple(dateArb, moneyArb, moneyArb), { maxLength: 5 }),
    dishonoured: fc.array(fc.tuple(dateArb, fc.nat()), { maxLength: 3 }),
    turnover: fc.array(fc.tuple(dateArb, moneyArb), { maxLength: 5 }),
    tombstones: fc.array(
      fc.tuple(
        idArb,
        atArb.map((a) => a ?? 0),
        atArb.map((a) => a ?? 0),
      ),
      { maxLength: 5 },
    ),
  })
  .map((a) => ({
    balance: a.balance,
    payments: new Map(a.payments.map(([day, late, weight]) => [day, [late, weight] as const])),
    dishonoured: new Map(a.dishonoured),
    turnover: new Map(a.turnover),
    tombstones: new Map(a.tombstones.map(([node, at, group]) => [node, [at, group] as const])),
  }));

/** One batch: documents set (new or changed) and removed, by small ids so that batches meet the same ones. */
const batchArb = fc.record({
  sets: fc.array(
    fc
      .constantFrom(...KINDS)
      .chain((kind) =>
        fc.tuple(
          fc.constant(kind),
          fc.integer({ min: 0, max: 30 }).map(String),
          STATES[kind] as fc.Arbitrary<unknown>,
        ),
      ),
    { maxLength: 12 },
  ),
  removes: fc.array(fc.tuple(fc.constantFrom(...KINDS), fc.integer({ min: 0, max: 30 }).map(String)), {
    maxLength: 8,
  }),
  archive: fc.option(archiveArb, { nil: undefined }),
  /** The writer has no layout of the stored version (another instance wrote it, or it was evicted). */
  forgetLayout: fc.integer({ min: 0, max: 5 }).map((n) => n === 0),
});

/** The commit script's handling of a customer's hash (commit-script.ts), on a Map. */
function applyWrite(
  hash: Map<string, string>,
  record: CustomerRecord,
  fields: ReturnType<typeof documentFields>,
) {
  if (fields.whole) hash.clear();
  hash.set('v', String(record.version));
  hash.set('s', recordHeader(record));
  for (let i = 0; i < fields.set.length; i += 2) hash.set(fields.set[i], fields.set[i + 1]);
  for (const field of fields.del) hash.delete(field);
}

describe('document codec', () => {
  it('gives back every document and archive as it was', () => {
    fc.assert(
      fc.property(
        fc
          .constantFrom(...KINDS)
          .chain((kind) => fc.tuple(fc.constant(kind), STATES[kind] as fc.Arbitrary<unknown>)),
        archiveArb,
        ([kind, state], archive) => {
          const text = encodeDocument(kind, state as never);
          expect(decodeDocument(kind, JSON.parse(text))).toStrictEqual(state);
          expect(decodeArchive(JSON.parse(encodeArchive(archive)))).toStrictEqual(archive);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('stores a document in less than half of its JSON object', () => {
    const entry: JournalEntryState = {
      postingDate: '2026-08-24',
      lines: [
        {
          lineId: '1',
          side: 'debit',
          amount: 11_783_200n,
          invoiceRef: 'IH0001-1928',
          openItemId: 'OIH0001-1928',
          dueDate: '2026-09-23',
        },
      ],
      reversed: false,
      at: 1_787_628_032_000,
    };
    expect(encodeDocument('journal', entry).length * 2).toBeLessThan(encodeState(entry).length);
  });
});

describe('record layout', () => {
  it('stores what the record holds, in pages of at most PAGE_DOCUMENTS, through any sequence of writes', () => {
    fc.assert(
      fc.property(fc.array(batchArb, { minLength: 1, maxLength: 12 }), (batches) => {
        const hash = new Map<string, string>();
        const live = Object.fromEntries(KINDS.map((kind) => [kind, new Map<string, unknown>()])) as Record<
          DocumentKind,
          Map<string, unknown>
        >;
        let archive: Archive | undefined;
        let layout: PageLayout | undefined;
        let version = 0;
        batches.forEach((batch, index) => {
          const changed = new Set<string>();
          const removed = new Set<string>();
          for (const [kind, id, state] of batch.sets) {
            live[kind].set(id, state);
            changed.add(`${LETTER_OF_KIND[kind]}:${id}`);
            removed.delete(`${LETTER_OF_KIND[kind]}:${id}`);
          }
          for (const [kind, id] of batch.removes) {
            if (!live[kind].delete(id)) continue;
            removed.add(`${LETTER_OF_KIND[kind]}:${id}`);
            changed.delete(`${LETTER_OF_KIND[kind]}:${id}`);
          }
          if (batch.archive !== undefined) archive = batch.archive;
          const documents = {
            ...newCustomerRecord('IT01', 'C1').documents,
            ...live,
            archive,
          } as CustomerDocuments;
          const record: CustomerRecord = {
            ...newCustomerRecord('IT01', 'C1'),
            version: ++version,
            documents,
          };
          const changes: DocumentChanges = { changed, removed, archive: batch.archive !== undefined };
          const fields = documentFields(
            record,
            index === 0 ? 'all' : changes,
            batch.forgetLayout ? undefined : layout,
          );
          applyWrite(hash, record, fields);

          const read = recordFromFields([...hash].flat())!;
          for (const kind of KINDS) expect(read.record.documents[kind]).toStrictEqual(live[kind]);
          expect(read.record.documents.archive).toStrictEqual(archive);
          expect(read.record.version).toBe(version);
          for (const [field, value] of hash) {
            if (field.startsWith('p:')) {
              expect((JSON.parse(value) as unknown[]).length).toBeGreaterThan(0);
              expect((JSON.parse(value) as unknown[]).length).toBeLessThanOrEqual(2 * PAGE_DOCUMENTS);
            }
          }
          // The next writer holds either the layout it wrote or the one read back.
          layout = index % 2 === 0 ? fields.layout : read.layout;
        });
      }),
      { numRuns: 300 },
    );
  });

  it('writes only the pages of the documents a batch changed', () => {
    const orders = new Map<string, OrderState>();
    for (let i = 0; i < 100; i++) orders.set(`O${i}`, { amount: BigInt(i), closed: null, at: i });
    const record = (): CustomerRecord => ({
      ...newCustomerRecord('IT01', 'C1'),
      documents: { ...newCustomerRecord('IT01', 'C1').documents, orders: new Map(orders) },
    });
    const first = documentFields(record(), 'all', undefined);
    expect(first.set.length / 2).toBe(Math.ceil(100 / PAGE_DOCUMENTS));
    orders.set('O5', { amount: 7n, closed: 'completed', at: 200 });
    orders.delete('O99');
    orders.delete('O98');
    orders.delete('O97');
    orders.delete('O96');
    const next = documentFields(
      record(),
      { changed: new Set(['o:O5']), removed: new Set(['o:O99', 'o:O98', 'o:O97', 'o:O96']), archive: false },
      first.layout,
    );
    expect(next.whole).toBe(false);
    expect(next.set.filter((_, i) => i % 2 === 0)).toEqual(['p:0']);
    expect(next.del).toEqual(['p:c']);
  });

  it('reads states stored one field per document, and replaces those fields at the next write', () => {
    const order: OrderState = { amount: 12_000n, closed: null, at: 5 };
    const archive: Archive = {
      balance: 3n,
      payments: new Map([['2026-01-02', [4n, 5n]]]),
      dishonoured: new Map(),
      turnover: new Map(),
      tombstones: new Map([['j:E1', [1, 2]]]),
    };
    const earlier = newCustomerRecord('IT01', 'C1');
    const flat = [
      'v',
      '3',
      's',
      recordHeader(earlier),
      'd:o:O1',
      encodeState(order),
      'a',
      encodeState(archive),
    ];
    const read = recordFromFields(flat)!;
    expect(read.record.documents.orders.get('O1')).toStrictEqual(order);
    expect(read.record.documents.archive).toStrictEqual(archive);
    const fields = documentFields(
      read.record,
      { changed: new Set(), removed: new Set(), archive: false },
      read.layout,
    );
    expect(fields.whole).toBe(true);
    expect(fields.set).toContain('p:0');
  });
});
