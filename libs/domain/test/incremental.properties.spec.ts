/**
 * Property tests of the incremental fold (LiveFigures, CustomerDraft) and of
 * archiving (spec 4.1), on dated histories of sales cycles: orders (amended,
 * closed), deliveries and invoices (some cancelled), postings opening open
 * items, payments settling them in full or in part, reversals, bills
 * collected or dishonoured, a credit limit. Each topic is in its own
 * occurredAt order; the topics are merged in any interleaving; some events
 * are delivered twice, and some are re-sent later with a new eventId.
 *
 * - the figures maintained by deltas equal the full computation (assess,
 *   openItems, LiveFigures.of) on the same documents, before and after
 *   archiving, at every step;
 * - archiving changes no figure: a fold that archives quiet documents and
 *   one that never archives assess alike on every date, whenever no fact was
 *   refused as a change to an archived document;
 * - the pure applyFact equals the batch draft.
 */
import fc from 'fast-check';
import {
  assess,
  assessLive,
  CompanyParameters,
  CustomerDocuments,
  CustomerDraft,
  DEFAULT_PARAMETERS,
  emptyDocuments,
  encodeState,
  Fact,
  FactData,
  LiveFigures,
  DocumentMaps,
  openItems,
  applyFact,
  documentRefOf,
  FoldOutcome,
  proposeCreditLimit,
} from '../src';

const DAY_MS = 86_400_000;
const BASE = Date.UTC(2026, 0, 1);
const dateOf = (day: number): string => new Date(BASE + day * DAY_MS).toISOString().slice(0, 10);
const instantOf = (day: number, minute: number): string =>
  new Date(BASE + day * DAY_MS + minute * 60_000).toISOString();

type Topic = 'documents' | 'journal' | 'bills' | 'limits';
interface Dated {
  topic: Topic;
  day: number;
  data: FactData;
}

const cycleArb = fc.record({
  gap: fc.integer({ min: 0, max: 12 }),
  amount: fc.integer({ min: 1, max: 5000 }),
  amend: fc.option(fc.integer({ min: 0, max: 6000 }), { freq: 4 }),
  deliveredPct: fc.constantFrom(0, 50, 100, 100, 100, 120),
  cancelDelivery: fc.integer({ min: 0, max: 3 }).map((n) => n === 0),
  invoicedPct: fc.constantFrom(0, 100, 100, 100, 60),
  cancelInvoice: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
  close: fc.constantFrom<null | 'completed' | 'cancelled'>(null, null, 'completed', 'cancelled'),
  post: fc.integer({ min: 0, max: 9 }).map((n) => n > 0),
  postDelay: fc.integer({ min: 0, max: 8 }),
  terms: fc.integer({ min: 0, max: 40 }),
  paidPct: fc.constantFrom(0, 40, 100, 100, 100, 110),
  payDelay: fc.integer({ min: 0, max: 70 }),
  reverse: fc.constantFrom<null | 'posting' | 'payment'>(
    null,
    null,
    null,
    null,
    null,
    null,
    'posting',
    'payment',
  ),
  reverseDelay: fc.integer({ min: 0, max: 20 }),
  bill: fc.constantFrom<null | 'collected' | 'dishonoured' | 'open'>(
    null,
    null,
    'collected',
    'dishonoured',
    'open',
  ),
});
type Cycle = typeof cycleArb extends fc.Arbitrary<infer T> ? T : never;

const scenarioArb = fc.record({
  cycles: fc.array(cycleArb, { minLength: 1, maxLength: 25 }),
  merge: fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 300 }),
  /** Events delivered again right away (at-least-once delivery) or re-sent later with a new eventId. */
  repeats: fc.array(
    fc.record({ at: fc.nat(), later: fc.integer({ min: 0, max: 30 }), newId: fc.boolean() }),
    {
      maxLength: 8,
    },
  ),
  /** Facts after which a batch ends (the engine archives once per batch). */
  batchEnds: fc.array(fc.nat(), { maxLength: 40 }),
  windowDays: fc.constantFrom(3, 10, 35),
  /** How long final documents stay live before archiving (by default the window). */
  quietDays: fc.option(fc.constantFrom(1, 5, 10, 20), { nil: undefined }),
  billRiskDays: fc.constantFrom(0, 15),
});
type Scenario = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;

const cents = (n: number) => BigInt(n) * 100n;

function cycleEvents(c: Cycle, k: number, base: number): Dated[] {
  const out: Dated[] = [];
  const push = (topic: Topic, day: number, data: FactData) => out.push({ topic, day, data });
  const order = `O${k}`;
  const delivery = `D${k}`;
  const invoice = `I${k}`;
  const item = `P${k}`;
  const amount = c.amend ?? c.amount;
  push('documents', base, { type: 'order.confirmed', orderId: order, amount: cents(c.amount) });
  if (c.amend !== null)
    push('documents', base + 1, { type: 'order.confirmed', orderId: order, amount: cents(c.amend) });
  const delivered = Math.floor((amount * c.deliveredPct) / 100);
  if (c.deliveredPct > 0)
    push('documents', base + 2, {
      type: 'delivery.issued',
      deliveryId: delivery,
      amount: cents(delivered),
      orderRefs: [{ orderId: order, amount: cents(delivered) }],
    });
  if (c.cancelDelivery) push('documents', base + 3, { type: 'delivery.cancelled', deliveryId: delivery });
  const invoiced = Math.floor((delivered * c.invoicedPct) / 100);
  if (c.invoicedPct > 0)
    push('documents', base + 3, {
      type: 'invoice.issued',
      invoiceId: invoice,
      kind: 'invoice',
      amount: cents(invoiced),
      invoiceDate: dateOf(base + 3),
      deliveryRefs: c.deliveredPct > 0 ? [{ deliveryId: delivery, amount: cents(invoiced) }] : [],
      orderRefs: c.deliveredPct > 0 ? [] : [{ orderId: order, amount: cents(invoiced) }],
    });
  if (c.cancelInvoice) push('documents', base + 4, { type: 'invoice.cancelled', invoiceId: invoice });
  if (c.close !== null)
    push('documents', base + 4, { type: 'order.closed', orderId: order, reason: c.close });
  const posted = base + 4 + c.postDelay;
  if (c.post && invoiced > 0) {
    push('journal', posted, {
      type: 'journal.posted',
      entryId: `J${k}`,
      postingDate: dateOf(posted),
      lines: [
        {
          lineId: '1',
          side: 'debit',
          amount: cents(invoiced),
          invoiceRef: invoice,
          openItemId: item,
          dueDate: dateOf(posted + c.terms),
        },
      ],
    });
    const paid = Math.floor((invoiced * c.paidPct) / 100);
    const payDay = posted + c.payDelay;
    if (paid > 0)
      push('journal', payDay, {
        type: 'journal.posted',
        entryId: `PAY${k}`,
        postingDate: dateOf(payDay),
        lines: [
          {
            lineId: '1',
            side: 'credit',
            amount: cents(paid),
            settles: [{ openItemId: item, amount: cents(paid) }],
          },
        ],
      });
    if (c.reverse !== null)
      push('journal', (c.reverse === 'posting' ? posted : payDay) + c.reverseDelay, {
        type: 'journal.reversed',
        entryId: c.reverse === 'posting' ? `J${k}` : `PAY${k}`,
      });
  }
  if (c.bill !== null) {
    const billId = `B${k}`;
    push('bills', posted, {
      type: 'bill.issued',
      billId,
      amount: cents(Math.max(1, invoiced)),
      dueDate: dateOf(posted + c.terms),
      instrument: 'riba',
    });
    if (c.bill === 'collected')
      push('bills', posted + c.terms + 1, {
        type: 'bill.collected',
        billId,
        collectedAt: instantOf(posted + c.terms + 1, 0),
      });
    if (c.bill === 'dishonoured')
      push('bills', posted + c.terms + 2, {
        type: 'bill.dishonoured',
        billId,
        dishonouredAt: instantOf(posted + c.terms + 2, 0),
      });
  }
  return out;
}

const TOPICS: Topic[] = ['documents', 'journal', 'bills', 'limits'];

/** The facts of a scenario in one merge of its topics, with repeats. */
function history(s: Scenario): Fact[] {
  const dated: Dated[] = [
    {
      topic: 'limits',
      day: 0,
      data: {
        type: 'creditLimit.set',
        amount: cents(20_000),
        mode: 'block',
        attentionThresholdPct: 80,
        blockOnOverdue: true,
        overdueToleranceDays: 5,
        setBy: 'controller',
      },
    },
  ];
  let base = 0;
  s.cycles.forEach((c, k) => {
    base += c.gap;
    dated.push(...cycleEvents(c, k, base));
  });
  const topics = new Map<Topic, Fact[]>();
  for (const topic of TOPICS) {
    const mine = dated.filter((d) => d.topic === topic).sort((a, b) => a.day - b.day);
    topics.set(
      topic,
      mine.map((d, n) => ({
        ...d.data,
        eventId: `${topic}-${n}`,
        occurredAt: instantOf(d.day, n % 600),
        companyId: 'IT01',
        customerId: 'C1',
      })) as Fact[],
    );
  }
  // Repeats stay in their topic: delivered again, or re-sent later (new eventId, same occurredAt).
  for (const r of s.repeats) {
    const topic = topics.get(TOPICS[r.at % 2])!;
    if (topic.length === 0) continue;
    const i = r.at % topic.length;
    const copy = r.newId ? { ...topic[i], eventId: `${topic[i].eventId}-resent` } : topic[i];
    topic.splice(Math.min(topic.length, i + 1 + r.later), 0, copy);
  }
  const cursors = TOPICS.map(() => 0);
  const queues = TOPICS.map((t) => topics.get(t)!);
  const merged: Fact[] = [];
  let c = 0;
  while (queues.some((q, i) => cursors[i] < q.length)) {
    let t = c < s.merge.length ? s.merge[c] : 0;
    c += 1;
    while (cursors[t] >= queues[t].length) t = (t + 1) % 4;
    merged.push(queues[t][cursors[t]++]);
  }
  return merged;
}

const paramsOf = (s: Scenario): CompanyParameters => ({
  ...DEFAULT_PARAMETERS,
  billRiskDays: s.billRiskDays,
});

const sorted = <V>(map: Map<string, V>): [string, V][] => [...map].sort(([a], [b]) => (a < b ? -1 : 1));

/** The figures a draft maintains, in a comparable form. */
const figureSnapshot = (f: LiveFigures) => ({
  orders: f.orders,
  deliveries: f.deliveries,
  unposted: f.unposted,
  balance: f.balance,
  items: sorted(f.openItems()),
});

const mustEqual = <T>(actual: T, expected: T): void => {
  if (encodeState(actual) !== encodeState(expected)) expect(actual).toEqual(expected);
};

interface Folded {
  docs: CustomerDocuments;
  outcomes: FoldOutcome[];
  archived: number;
  /** Facts applied to a document archived before, once its tombstone had expired: a new document then. */
  pastTombstone: number;
}

/** The documents and open items a fact is about or refers to, as tombstone keys. */
function refsOf(fact: Fact): string[] {
  const refs: string[] = [];
  const own = documentRefOf(fact);
  if (own !== null) refs.push(own);
  if (fact.type === 'journal.posted')
    for (const line of fact.lines) {
      if (line.openItemId !== undefined) refs.push(`p:${line.openItemId}`);
      for (const settlement of line.settles ?? []) refs.push(`p:${settlement.openItemId}`);
    }
  return refs;
}

/** Folds like the engine: one draft per batch, archiving at the end of each batch when asked to. */
function fold(
  facts: Fact[],
  s: Scenario,
  archiving: boolean,
  check?: (draft: CustomerDraft) => void,
  /** `take`: drafts take the documents over, as the engine's do; `every-pass`: archiving looks at every document. */
  mode: 'copy' | 'take' | 'every-pass' = 'copy',
): Folded {
  const ends = new Set(s.batchEnds.map((n) => n % Math.max(1, facts.length)));
  const open = (docs: CustomerDocuments) =>
    mode === 'take'
      ? CustomerDraft.take(docs, s.windowDays, s.quietDays)
      : CustomerDraft.open(docs, s.windowDays, s.quietDays);
  let docs = emptyDocuments();
  let draft = open(docs);
  const outcomes: FoldOutcome[] = [];
  let archived = 0;
  let pastTombstone = 0;
  const everArchived = new Set<string>();
  let latest = 0;
  facts.forEach((fact, i) => {
    latest = Math.max(latest, Date.parse(fact.occurredAt));
    const outcome = draft.apply(fact);
    outcomes.push(outcome);
    if (outcome.kind === 'applied' && refsOf(fact).some((ref) => everArchived.has(ref))) pastTombstone += 1;
    check?.(draft);
    if (ends.has(i) || i === facts.length - 1) {
      if (archiving) {
        // Like the engine: the case open on the date of the latest event keeps what it was paid with.
        const today = dateOf(Math.floor((latest - BASE) / DAY_MS));
        if (mode === 'every-pass') draft.figures.archiving = null;
        const refs = draft.archiveQuiet(assess(draft.documents, today, paramsOf(s)).collection?.openedOn);
        archived += refs.length;
        for (const ref of refs) everArchived.add(ref);
      }
      check?.(draft);
      docs = draft.finish();
      draft = open(docs);
    }
  });
  return { docs, outcomes, archived, pastTombstone };
}

const lastDay = (facts: Fact[]) =>
  Math.max(0, ...facts.map((f) => (Date.parse(f.occurredAt) - BASE) / DAY_MS));
const datesFor = (facts: Fact[]) => {
  const end = Math.floor(lastDay(facts));
  // A business date is never before the events it receives: archived sums older than a year before them are gone.
  return [dateOf(end), dateOf(end + 20), dateOf(end + 200), dateOf(end + 400)];
};

const RUNS = Number(process.env.DOMAIN_PROPERTY_RUNS ?? 300);

const mustBe = <T>(actual: T, expected: T): void => {
  if (!Object.is(actual, expected)) expect(actual).toBe(expected);
};

/** The invoiced turnover of the limit proposal, live and archived invoices together. */
const turnover = (docs: CustomerDocuments, businessDate: string) =>
  proposeCreditLimit({
    invoices: docs.invoices.values(),
    archivedTurnover: docs.archive?.turnover,
    businessDate,
    paymentTermsDays: 30,
    termsSource: 'customer',
    avgDaysLate: '0.00',
    riskClass: 'A',
    factors: DEFAULT_PARAMETERS.limitProposalFactors,
  }).turnover12m;

describe('incremental figures', () => {
  it('equal the full computation at every step, before and after archiving', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const facts = history(s);
        const params = paramsOf(s);
        const dates = datesFor(facts);
        let step = 0;
        fold(facts, s, true, (draft) => {
          step += 1;
          const docs = draft.documents;
          mustEqual(
            figureSnapshot(draft.figures),
            figureSnapshot(LiveFigures.of(docs as unknown as DocumentMaps)),
          );
          mustEqual(sorted(draft.figures.openItems()), sorted(openItems(docs)));
          // On one date at every step (the walks that depend on it are reused while nothing they read
          // changed), and on other dates now and then.
          mustEqual(
            assessLive(docs, draft.figures, dates[0], params).assessment,
            assess(docs, dates[0], params),
          );
          if (step % 7 === 0) {
            const date = step % 2 === 0 ? dates[step % dates.length] : dateOf(step % 300);
            mustEqual(assessLive(docs, draft.figures, date, params).assessment, assess(docs, date, params));
          }
        });
      }),
      { numRuns: RUNS },
    );
  });

  it('the pure applyFact folds as the batch draft does', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const facts = history(s);
        const byFact = facts.reduce((docs, fact) => applyFact(docs, fact), emptyDocuments());
        const { docs } = fold(facts, { ...s, windowDays: 35 }, false);
        mustEqual(byFact, docs);
      }),
      { numRuns: Math.ceil(RUNS / 3) },
    );
  });
});

describe('archiving', () => {
  it('changes no figure on any date, unless a late change to an archived document was refused or came past its tombstone', () => {
    let archivedRuns = 0;
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const facts = history(s);
        const params = paramsOf(s);
        const archived = fold(facts, s, true);
        const kept = fold(facts, s, false);
        // A refused change differs by design; so does a fact about a document archived so long ago that its
        // tombstone expired (quiet period + window after its group's last change): it starts a new document.
        if (archived.outcomes.some((o) => o.kind === 'rejected') || archived.pastTombstone > 0) return;
        if (archived.archived > 0) archivedRuns += 1;
        expect(kept.docs.orders.size + kept.docs.journal.size).toBeGreaterThanOrEqual(
          archived.docs.orders.size + archived.docs.journal.size,
        );
        for (const date of datesFor(facts)) {
          // Which case closed last is told when it closes (collection.closed); archiving may forget it later.
          mustEqual(
            { ...assess(archived.docs, date, params), lastClosedCase: null },
            { ...assess(kept.docs, date, params), lastClosedCase: null },
          );
          mustBe(turnover(archived.docs, date), turnover(kept.docs, date));
        }
      }),
      { numRuns: RUNS },
    );
    expect(archivedRuns).toBeGreaterThan(RUNS / 5);
  });

  it('archives, in drafts that take their documents over, what passes over every document archive', () => {
    let archivedRuns = 0;
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const facts = history(s);
        const watched = fold(facts, s, true, undefined, 'take');
        const everyPass = fold(facts, s, true, undefined, 'every-pass');
        if (everyPass.archived > 0) archivedRuns += 1;
        mustBe(watched.archived, everyPass.archived);
        mustEqual(watched.outcomes, everyPass.outcomes);
        mustBe(encodeState(watched.docs), encodeState(everyPass.docs));
      }),
      { numRuns: RUNS },
    );
    expect(archivedRuns).toBeGreaterThan(RUNS / 5);
  });

  it('keeps the live state to what is open: a long settled history leaves few documents', () => {
    const s: Scenario = {
      cycles: Array.from({ length: 400 }, () => ({
        gap: 2,
        amount: 100,
        amend: null,
        deliveredPct: 100,
        cancelDelivery: false,
        invoicedPct: 100,
        cancelInvoice: false,
        close: null,
        post: true,
        postDelay: 1,
        terms: 30,
        paidPct: 100,
        payDelay: 35,
        reverse: null,
        reverseDelay: 0,
        bill: null,
      })),
      merge: [],
      repeats: [],
      batchEnds: Array.from({ length: 40 }, (_, i) => i * 50),
      windowDays: 35,
      quietDays: undefined,
      billRiskDays: 15,
    };
    const facts = history(s);
    const { docs } = fold(facts, s, true);
    const { docs: kept } = fold(facts, s, false);
    // About (window + payment delay) / gap cycles stay live, not 400.
    expect(docs.orders.size).toBeLessThan(60);
    expect(docs.journal.size).toBeLessThan(120);
    expect(docs.archive!.tombstones.size).toBeLessThan(300);
    expect(encodeState(docs).length).toBeLessThan(encodeState(kept).length / 3);
    for (const date of datesFor(facts))
      mustEqual(assess(docs, date, paramsOf(s)), assess(kept, date, paramsOf(s)));
  });

  it('refuses a change to an archived entry, ignores its re-sends and what is older than the horizon', () => {
    const s: Scenario = {
      cycles: [
        { ...baseCycle, gap: 0 },
        { ...baseCycle, gap: 30 },
      ],
      merge: [],
      repeats: [],
      batchEnds: [],
      windowDays: 35,
      quietDays: 10,
      billRiskDays: 15,
    };
    // Window 35 days, quiet period 10: cycle 0 (last change on day 15) is archived once both streams pass day 25.
    const draft = CustomerDraft.open(emptyDocuments(), 35, 10);
    for (const fact of history(s)) draft.apply(fact);
    const archived = draft.archiveQuiet();
    expect(archived).toEqual(expect.arrayContaining(['o:O0', 'd:D0', 'i:I0', 'j:J0', 'j:PAY0', 'p:P0']));
    expect(archived.some((ref) => ref.endsWith('1'))).toBe(false);
    const late = (data: FactData, day: number): Fact =>
      ({
        ...data,
        eventId: `late-${day}`,
        occurredAt: instantOf(day, 0),
        companyId: 'IT01',
        customerId: 'C1',
      }) as Fact;
    // A reversal of the payment (last changed on day 15), sent on day 45: a change, refused.
    expect(draft.apply(late({ type: 'journal.reversed', entryId: 'PAY0' }, 45))).toMatchObject({
      kind: 'rejected',
      reason: 'DOCUMENT_ARCHIVED',
    });
    // A payment settling the archived item: refused as well.
    expect(
      draft.apply(
        late(
          {
            type: 'journal.posted',
            entryId: 'PAY9',
            postingDate: dateOf(45),
            lines: [{ lineId: '1', side: 'credit', amount: 1n, settles: [{ openItemId: 'P0', amount: 1n }] }],
          },
          45,
        ),
      ),
    ).toMatchObject({ kind: 'rejected', reason: 'DOCUMENT_ARCHIVED' });
    // Not newer than its last change: a re-send.
    expect(draft.apply(late({ type: 'journal.reversed', entryId: 'PAY0' }, 12))).toEqual({
      kind: 'ignored',
      reason: 'superseded',
    });
    // Older than the journal's latest (day 45) minus the window.
    expect(draft.apply(late({ type: 'journal.reversed', entryId: 'J0' }, 9))).toEqual({
      kind: 'ignored',
      reason: 'beyond-horizon',
    });
    // Closing an archived order changes nothing.
    expect(draft.apply(late({ type: 'order.closed', orderId: 'O0', reason: 'completed' }, 34))).toEqual({
      kind: 'ignored',
      reason: 'archived',
    });
  });
});

const baseCycle: Cycle = {
  gap: 0,
  amount: 100,
  amend: null,
  deliveredPct: 100,
  cancelDelivery: false,
  invoicedPct: 100,
  cancelInvoice: false,
  close: null,
  post: true,
  postDelay: 1,
  terms: 0,
  paidPct: 100,
  payDelay: 10,
  reverse: null,
  reverseDelay: 0,
  bill: null,
};
