/**
 * Property tests of the exposure fold (spec §3-§5, §7, §8) against an
 * independent reference model.
 *
 * The reference model never calls the domain's component, open-item, limit,
 * behaviour or assessment code: it groups the events by document ("document
 * histories"), takes the latest version of each document, and evaluates the
 * definitions of the spec literally, with its own date and rounding arithmetic.
 *
 * Generated customer histories: orders with amendments and closes; deliveries
 * fulfilling orders (partially, exactly, or over-delivering), sometimes
 * referencing orders that never arrive; invoices and credit notes referencing
 * deliveries and/or orders, or none (immediate invoices); cancellations, some of
 * them arriving before the document; journal entries posting invoices in
 * instalments (debit lines with openItemId/dueDate) or credit notes, payments
 * with partial settlements (also of items not opened yet), manual debits and
 * credits; reversals (after, and sometimes before, the posting) with reposts;
 * bills issued, presented, collected / dishonoured / cancelled or left to be
 * presumed collected; credit limits set, changed, removed or expiring. Each
 * topic's events come in that topic's own order, with unique eventIds.
 */
import fc from 'fast-check';
import {
  applyFact,
  applyFacts,
  assess,
  Assessed,
  assessFrom,
  Assessment,
  BillInstrument,
  CompanyParameters,
  ComponentName,
  CustomerDocuments,
  CustomerRecord,
  decodeState,
  DEFAULT_PARAMETERS,
  emptyDocuments,
  encodeState,
  Fact,
  FactData,
  FactOf,
  formatMoney,
  InvoiceKind,
  JournalLine,
  LimitMode,
  newCustomerRecord,
  nextReviewDate,
  Notification,
  openItems,
  OrderCloseReason,
  reassess,
  total,
  viewOf,
} from '../src';

// ---------------------------------------------------------------------------
// Reference model
// ---------------------------------------------------------------------------

const DAY_MS = 86_400_000;
const dayNumber = (date: string): number =>
  Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / DAY_MS;
const dateOfDay = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);
const BASE_DAY = dayNumber('2026-01-01');
const dateFrom = (offset: number): string => dateOfDay(BASE_DAY + offset);

const NAMES: ComponentName[] = ['orders', 'deliveries', 'unpostedInvoices', 'receivables', 'bills'];
const sumOf = (amounts: bigint[]): bigint => amounts.reduce((a, b) => a + b, 0n);
const notNegative = (x: bigint): bigint => (x > 0n ? x : 0n);

/** n / d (d > 0) rounded half away from zero, as a decimal with two places. */
function hundredths(n: bigint, d: bigint): string {
  const negative = n < 0n;
  const magnitude = negative ? -n : n;
  let q = magnitude / d;
  if (2n * (magnitude % d) >= d) q += 1n;
  const digits = q.toString().padStart(3, '0');
  const text = `${digits.slice(0, -2)}.${digits.slice(-2)}`;
  return negative && q !== 0n ? `-${text}` : text;
}

interface ModelResult {
  components: Record<ComponentName, bigint>;
  /** Residual of each open item (not part of the assessment: compared with openItems()). */
  residuals?: Record<string, bigint>;
  total: bigint;
  overdueAmount: bigint;
  oldestOverdueDays: number;
  overdueBreach: boolean;
  limitAmount: bigint | null;
  status: string;
  utilizationPct: string | null;
  blockReasons: string[];
  blocked: boolean;
  avgDaysLate: string;
  dishonouredBills12m: number;
  riskClass: string;
}

/** The latest version of each document: the last event per id wins. */
function latestById<T>(events: T[], id: (e: T) => string): Map<string, T> {
  const latest = new Map<string, T>();
  for (const e of events) latest.set(id(e), e);
  return latest;
}

function referenceModel(events: readonly Fact[], businessDate: string, p: CompanyParameters): ModelResult {
  const today = dayNumber(businessDate);
  const ofType = <T extends Fact['type']>(type: T) => events.filter((e): e is FactOf<T> => e.type === type);

  // documents: a closed or cancelled document stays so whatever arrives later
  const closedOrders = new Set(ofType('order.closed').map((e) => e.orderId));
  const cancelledDeliveries = new Set(ofType('delivery.cancelled').map((e) => e.deliveryId));
  const cancelledInvoices = new Set(ofType('invoice.cancelled').map((e) => e.invoiceId));
  const orders = [...latestById(ofType('order.confirmed'), (e) => e.orderId).values()];
  const deliveries = [...latestById(ofType('delivery.issued'), (e) => e.deliveryId).values()].filter(
    (d) => !cancelledDeliveries.has(d.deliveryId),
  );
  const invoices = [...latestById(ofType('invoice.issued'), (e) => e.invoiceId).values()].filter(
    (i) => !cancelledInvoices.has(i.invoiceId),
  );
  const orderRefs = [...deliveries.flatMap((d) => d.orderRefs), ...invoices.flatMap((i) => i.orderRefs)];
  const deliveryRefs = invoices.flatMap((i) => i.deliveryRefs);
  const ordersPart = sumOf(
    orders
      .filter((o) => !closedOrders.has(o.orderId))
      .map((o) =>
        notNegative(o.amount - sumOf(orderRefs.filter((r) => r.orderId === o.orderId).map((r) => r.amount))),
      ),
  );
  const deliveriesPart = sumOf(
    deliveries.map((d) =>
      notNegative(
        d.amount - sumOf(deliveryRefs.filter((r) => r.deliveryId === d.deliveryId).map((r) => r.amount)),
      ),
    ),
  );

  // journal: a reversed entry has no effect at all
  const reversedEntries = new Set(ofType('journal.reversed').map((e) => e.entryId));
  const liveEntries = [...latestById(ofType('journal.posted'), (e) => e.entryId).values()].filter(
    (e) => !reversedEntries.has(e.entryId),
  );
  const lines = liveEntries.flatMap((e) => e.lines.map((line) => ({ line, day: dayNumber(e.postingDate) })));
  const postedInvoices = new Set(lines.map(({ line }) => line.invoiceRef));
  const unpostedPart = sumOf(
    invoices
      .filter((i) => !postedInvoices.has(i.invoiceId))
      .map((i) => (i.kind === 'credit-note' ? -i.amount : i.amount)),
  );
  const receivablesPart = sumOf(
    lines.map(({ line }) => (line.side === 'debit' ? line.amount : -line.amount)),
  );

  // bills: at risk from issue until the last of collected / dishonoured / cancelled, or presumed collected
  const billEnds = latestById(
    events.filter(
      (e): e is FactOf<'bill.collected' | 'bill.dishonoured' | 'bill.cancelled'> =>
        e.type === 'bill.collected' || e.type === 'bill.dishonoured' || e.type === 'bill.cancelled',
    ),
    (e) => e.billId,
  );
  const billsPart = sumOf(
    [...latestById(ofType('bill.issued'), (e) => e.billId).values()]
      .filter((b) => !billEnds.has(b.billId) && today <= dayNumber(b.dueDate) + p.billRiskDays)
      .map((b) => b.amount),
  );

  const components: Record<ComponentName, bigint> = {
    orders: ordersPart,
    deliveries: deliveriesPart,
    unpostedInvoices: unpostedPart,
    receivables: receivablesPart,
    bills: billsPart,
  };
  const exposure = sumOf(NAMES.filter((n) => p.includedComponents[n]).map((n) => components[n]));

  // the limit: the last set or removal
  const limitEvents = events.filter((e) => e.type === 'creditLimit.set' || e.type === 'creditLimit.removed');
  const lastLimit = limitEvents[limitEvents.length - 1];
  type Effective = {
    amount: bigint;
    mode: LimitMode;
    pct: number;
    blockOnOverdue: boolean;
    tolerance: number;
    expired: boolean;
  };
  let limit: Effective | null;
  if (lastLimit?.type === 'creditLimit.set') {
    const expired = lastLimit.validUntil !== undefined && dayNumber(lastLimit.validUntil) < today;
    limit = {
      amount: expired ? 0n : lastLimit.amount,
      mode: lastLimit.mode,
      pct: lastLimit.attentionThresholdPct,
      blockOnOverdue: lastLimit.blockOnOverdue,
      tolerance: lastLimit.overdueToleranceDays,
      expired,
    };
  } else if (p.missingLimit === 'no-limit') {
    limit = null;
  } else {
    // the project's decision for a missing limit treated as zero: block on overdue, no tolerance
    limit = {
      amount: 0n,
      mode: p.missingLimit === 'zero-block' ? 'block' : 'warn',
      pct: 100,
      blockOnOverdue: true,
      tolerance: 0,
      expired: false,
    };
  }

  // open items: debit lines with openItemId and dueDate; settlements dated by their posting date
  const items = lines
    .filter(
      ({ line }) => line.side === 'debit' && line.openItemId !== undefined && line.dueDate !== undefined,
    )
    .map(({ line }) => ({ id: line.openItemId!, amount: line.amount, due: dayNumber(line.dueDate!) }));
  const paid = lines.flatMap(({ line, day }) =>
    (line.settles ?? []).map((s) => ({ id: s.openItemId, amount: s.amount, day })),
  );
  const withResidual = items.map((item) => ({
    ...item,
    residual: notNegative(item.amount - sumOf(paid.filter((s) => s.id === item.id).map((s) => s.amount))),
  }));
  const overdue = withResidual.filter((i) => i.residual > 0n && i.due < today);
  const tolerance = limit?.tolerance ?? 0;
  const overdueBreach = overdue.some((i) => today - i.due > tolerance);

  let status: string;
  if (limit === null) status = 'NO_LIMIT';
  else if (exposure > limit.amount) status = 'EXCEEDED';
  else if (exposure * 100n >= limit.amount * BigInt(limit.pct)) status = 'WARNING';
  else status = 'OK';
  const reasons: string[] = [];
  if (limit?.mode === 'block') {
    if (status === 'EXCEEDED') reasons.push('LIMIT_EXCEEDED');
    if (limit.expired) reasons.push('LIMIT_EXPIRED');
    if (limit.blockOnOverdue && overdueBreach) reasons.push('OVERDUE');
  }

  // payment behaviour over the 365 days ending today
  const inWindow = (day: number) => day <= today && day > today - 365;
  const dueOf = new Map(items.map((i) => [i.id, i.due]));
  const counted = paid.filter((s) => dueOf.has(s.id) && inWindow(s.day));
  // Section 8: settlements of the window, plus the unpaid overdue residuals late until today.
  const lateDays =
    sumOf(counted.map((s) => s.amount * BigInt(Math.max(0, s.day - dueOf.get(s.id)!)))) +
    sumOf(overdue.map((i) => i.residual * BigInt(today - i.due)));
  const settled = sumOf(counted.map((s) => s.amount)) + sumOf(overdue.map((i) => i.residual));
  const dishonoured = [...billEnds.values()].filter(
    (e) => e.type === 'bill.dishonoured' && inWindow(dayNumber(e.dishonouredAt.slice(0, 10))),
  ).length;
  const classOf = (['A', 'B', 'C'] as const).find((name) => {
    const bound = p.riskClasses[name];
    return (
      (settled === 0n || lateDays <= settled * BigInt(bound.maxAvgDaysLate)) &&
      dishonoured <= bound.maxDishonouredBills
    );
  });

  return {
    components,
    residuals: Object.fromEntries(withResidual.map((i) => [i.id, i.residual])),
    total: exposure,
    overdueAmount: sumOf(overdue.map((i) => i.residual)),
    oldestOverdueDays: Math.max(0, ...overdue.map((i) => today - i.due)),
    overdueBreach,
    limitAmount: limit?.amount ?? null,
    status,
    utilizationPct: limit !== null && limit.amount > 0n ? hundredths(exposure * 10000n, limit.amount) : null,
    blockReasons: reasons,
    blocked: reasons.length > 0,
    avgDaysLate: settled === 0n ? '0.00' : hundredths(lateDays * 100n, settled),
    dishonouredBills12m: dishonoured,
    riskClass: classOf ?? 'D',
  };
}

const project = (a: Assessment): ModelResult => ({
  components: { ...a.components },
  total: a.total,
  overdueAmount: a.overdueAmount,
  oldestOverdueDays: a.oldestOverdueDays,
  overdueBreach: a.overdueBreach,
  limitAmount: a.limitAmount,
  status: a.status,
  utilizationPct: a.utilizationPct,
  blockReasons: [...a.blockReasons],
  blocked: a.blocked,
  avgDaysLate: a.avgDaysLate,
  dishonouredBills12m: a.dishonouredBills12m,
  riskClass: a.riskClass,
});

/** The events the spec asks for when going from what was published to `next`. */
function expectedNotifications(previous: ReturnType<typeof viewOf>, next: ModelResult): string[] {
  const types: string[] = [];
  if (previous.status !== next.status) types.push('exposure.statusChanged');
  if (previous.overdue !== next.overdueBreach || previous.overdueAmount !== next.overdueAmount)
    types.push('overdue.changed');
  const sameReasons = previous.blockReasons.join() === next.blockReasons.join();
  if (next.blocked && !sameReasons) types.push('customer.blocked');
  if (!next.blocked && previous.blockReasons.length > 0) types.push('customer.unblocked');
  return types;
}

// ---------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------

type Topic = 'documents' | 'journal' | 'bills' | 'limits';
const TOPICS: Topic[] = ['documents', 'journal', 'bills', 'limits'];

/** One document's events, in order, with sorted priorities that place them within the topic. */
interface History {
  events: FactData[];
  prios: number[];
}

const amountArb: fc.Arbitrary<bigint> = fc.oneof(
  { weight: 6, arbitrary: fc.bigInt({ min: 0n, max: 100_000n }) },
  { weight: 2, arbitrary: fc.constantFrom(0n, 1n, 10_000n, 50_000n) },
  { weight: 1, arbitrary: fc.bigInt({ min: 0n, max: 999_999_999_999_999n }) }, // 13 digits
);
const positiveArb = amountArb.map((a) => (a === 0n ? 1n : a));
const offsetArb = fc.integer({ min: -400, max: 400 });
const priosArb = fc
  .array(fc.nat(1000), { minLength: 8, maxLength: 8 })
  .map((a) => [...a].sort((x, y) => x - y));
const refsArb = fc.array(fc.record({ target: fc.nat(5), amount: amountArb }), { maxLength: 2 });
/** Where a close/cancel/reversal goes in its document's history: usually last, sometimes earlier. */
const placeArb = fc.oneof({ weight: 3, arbitrary: fc.constant(99) }, { weight: 1, arbitrary: fc.nat(3) });
const reversalArb = fc.constantFrom<'none' | 'after' | 'before'>('none', 'none', 'after', 'after', 'before');

const orderArb = fc.record({
  versions: fc.array(amountArb, { minLength: 1, maxLength: 3 }),
  close: fc.option(fc.constantFrom<OrderCloseReason>('cancelled', 'completed', 'short-closed'), {
    nil: null,
    freq: 3,
  }),
  closeAt: placeArb,
  prios: priosArb,
});
const deliveryArb = fc.record({
  versions: fc.array(fc.record({ amount: amountArb, refs: refsArb }), { minLength: 1, maxLength: 2 }),
  cancel: fc.boolean(),
  cancelAt: placeArb,
  prios: priosArb,
});
const invoiceArb = fc.record({
  kind: fc.constantFrom<InvoiceKind>('invoice', 'invoice', 'invoice', 'credit-note'),
  versions: fc.array(fc.record({ amount: amountArb, deliveryRefs: refsArb, orderRefs: refsArb }), {
    minLength: 1,
    maxLength: 2,
  }),
  cancel: fc.boolean(),
  cancelAt: placeArb,
  prios: priosArb,
});
const entryArb = fc.oneof(
  fc.record({
    kind: fc.constant('invoice' as const),
    invoice: fc.nat(6),
    instalments: fc.array(fc.record({ amount: positiveArb, due: offsetArb }), { minLength: 1, maxLength: 3 }),
    posting: offsetArb,
    reversal: reversalArb,
    repost: fc.boolean(),
    resend: fc.boolean(),
    prios: priosArb,
  }),
  fc.record({
    kind: fc.constant('payment' as const),
    posting: offsetArb,
    lines: fc.array(
      fc.record({
        amount: positiveArb,
        settles: fc.array(fc.record({ item: fc.nat(20), amount: positiveArb }), { maxLength: 2 }),
      }),
      { minLength: 1, maxLength: 2 },
    ),
    reversal: reversalArb,
    prios: priosArb,
  }),
  fc.record({
    kind: fc.constant('other' as const),
    posting: offsetArb,
    side: fc.constantFrom<'debit' | 'credit'>('debit', 'credit'),
    amount: positiveArb,
    due: fc.option(offsetArb, { nil: null }),
    reversal: reversalArb,
    prios: priosArb,
  }),
);
const billArb = fc.record({
  versions: fc.array(positiveArb, { minLength: 1, maxLength: 2 }),
  due: offsetArb,
  instrument: fc.constantFrom<BillInstrument>('riba', 'bill-of-exchange', 'sdd', 'other'),
  presented: fc.boolean(),
  /** a presentation that arrives after the bill was already settled: it must not revive it */
  presentedLate: fc.boolean(),
  outcomes: fc.array(
    fc.record({ type: fc.constantFrom('collected', 'dishonoured', 'cancelled'), at: offsetArb }),
    { maxLength: 2 },
  ),
  prios: priosArb,
});
const limitOpArb = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant('set' as const),
      amount: fc.oneof(amountArb, fc.bigInt({ min: 0n, max: 500_000n })),
      mode: fc.constantFrom<LimitMode>('warn', 'block'),
      pct: fc.oneof(fc.constant(80), fc.integer({ min: 1, max: 100 })),
      validUntil: fc.option(offsetArb, { nil: null }),
      blockOnOverdue: fc.boolean(),
      tolerance: fc.oneof(fc.constant(0), fc.nat(30)),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('removed' as const) }) },
);

const scenarioArb = fc.record({
  orders: fc.array(orderArb, { maxLength: 5 }),
  deliveries: fc.array(deliveryArb, { maxLength: 4 }),
  invoices: fc.array(invoiceArb, { maxLength: 5 }),
  entries: fc.array(entryArb, { maxLength: 7 }),
  bills: fc.array(billArb, { maxLength: 4 }),
  limits: fc.array(limitOpArb, { maxLength: 3 }),
});
type Scenario = typeof scenarioArb extends fc.Arbitrary<infer S> ? S : never;

const insertAt = (events: FactData[], at: number, event: FactData) =>
  events.splice(Math.min(at, events.length), 0, event);

/** The four per-topic event sequences of a scenario, each in its topic's own order. */
function buildTopics(s: Scenario): Record<Topic, Fact[]> {
  const orderId = (i: number) => `O${i}`;
  const deliveryId = (i: number) => `D${i}`;
  const invoiceId = (i: number) => `I${i}`;
  const documents: History[] = [];

  s.orders.forEach((o, i) => {
    const events: FactData[] = o.versions.map((amount) => ({
      type: 'order.confirmed',
      orderId: orderId(i),
      amount,
    }));
    if (o.close !== null)
      insertAt(events, o.closeAt, { type: 'order.closed', orderId: orderId(i), reason: o.close });
    documents.push({ events, prios: o.prios });
  });
  s.deliveries.forEach((d, i) => {
    const events: FactData[] = d.versions.map((v) => ({
      type: 'delivery.issued',
      deliveryId: deliveryId(i),
      amount: v.amount,
      deliveryDate: '2026-01-01',
      orderRefs: v.refs.map((r) => ({ orderId: orderId(r.target), amount: r.amount })),
    }));
    if (d.cancel) insertAt(events, d.cancelAt, { type: 'delivery.cancelled', deliveryId: deliveryId(i) });
    documents.push({ events, prios: d.prios });
  });
  s.invoices.forEach((inv, i) => {
    const events: FactData[] = inv.versions.map((v) => ({
      type: 'invoice.issued',
      invoiceId: invoiceId(i),
      kind: inv.kind,
      amount: v.amount,
      deliveryRefs: v.deliveryRefs.map((r) => ({ deliveryId: deliveryId(r.target), amount: r.amount })),
      orderRefs: v.orderRefs.map((r) => ({ orderId: orderId(r.target), amount: r.amount })),
    }));
    if (inv.cancel) insertAt(events, inv.cancelAt, { type: 'invoice.cancelled', invoiceId: invoiceId(i) });
    documents.push({ events, prios: inv.prios });
  });

  // journal: open item ids first, so that payments can settle them (or ids that never open)
  const itemIds = s.entries.flatMap((e, i) =>
    e.kind === 'invoice'
      ? e.instalments.map((_, k) => `E${i}/${k}`)
      : e.kind === 'other' && e.due !== null
        ? [`E${i}/0`]
        : [],
  );
  const journal: History[] = s.entries.map((e, i) => {
    const entryId = `E${i}`;
    let lines: JournalLine[];
    if (e.kind === 'invoice') {
      const target = e.invoice < s.invoices.length ? e.invoice : 99; // I99: a posting of an invoice never seen
      const creditNote = s.invoices[target]?.kind === 'credit-note';
      lines = e.instalments.map((inst, k) =>
        creditNote
          ? { lineId: `${k}`, side: 'credit', amount: inst.amount, invoiceRef: invoiceId(target) }
          : {
              lineId: `${k}`,
              side: 'debit',
              amount: inst.amount,
              invoiceRef: invoiceId(target),
              openItemId: `${entryId}/${k}`,
              dueDate: dateFrom(inst.due),
            },
      );
    } else if (e.kind === 'payment') {
      lines = e.lines.map((l, k) => {
        const settles = l.settles.map((st) => ({
          // mostly items that some entry opens (maybe later, maybe reversed), sometimes one that never opens
          openItemId:
            st.item % 5 === 4 || itemIds.length === 0
              ? `ghost/${st.item}`
              : itemIds[st.item % itemIds.length],
          amount: st.amount,
        }));
        // a payment allocates its amount to the items it settles; without settles it is on account
        const amount = settles.length > 0 ? sumOf(settles.map((st) => st.amount)) : l.amount;
        return { lineId: `${k}`, side: 'credit', amount, settles };
      });
    } else {
      lines = [
        e.side === 'debit' && e.due !== null
          ? {
              lineId: '0',
              side: 'debit',
              amount: e.amount,
              openItemId: `${entryId}/0`,
              dueDate: dateFrom(e.due),
            }
          : { lineId: '0', side: e.side, amount: e.amount },
      ];
    }
    const posted: FactData = { type: 'journal.posted', entryId, postingDate: dateFrom(e.posting), lines };
    const reversed: FactData = { type: 'journal.reversed', entryId };
    const events: FactData[] =
      e.reversal === 'after' ? [posted, reversed] : e.reversal === 'before' ? [reversed, posted] : [posted];
    if (e.kind === 'invoice' && e.resend) events.splice(1, 0, posted); // the same state under a new eventId
    if (e.kind === 'invoice' && e.repost && e.reversal !== 'none') {
      // reversed and posted again, with the same open items
      events.push({
        type: 'journal.posted',
        entryId: `${entryId}R`,
        postingDate: dateFrom(e.posting + 1),
        lines,
      });
    }
    return { events, prios: e.prios };
  });

  const bills: History[] = s.bills.map((b, i) => {
    const billId = `B${i}`;
    const events: FactData[] = b.versions.map((amount) => ({
      type: 'bill.issued',
      billId,
      amount,
      dueDate: dateFrom(b.due),
      instrument: b.instrument,
    }));
    if (b.presented)
      events.push({ type: 'bill.presented', billId, presentedAt: `${dateFrom(b.due - 20)}T09:00:00+01:00` });
    for (const o of b.outcomes) {
      const at = `${dateFrom(o.at)}T09:00:00+01:00`;
      if (o.type === 'collected') events.push({ type: 'bill.collected', billId, collectedAt: at });
      else if (o.type === 'dishonoured') events.push({ type: 'bill.dishonoured', billId, dishonouredAt: at });
      else events.push({ type: 'bill.cancelled', billId });
    }
    if (b.presentedLate && b.outcomes.length > 0) {
      events.push({ type: 'bill.presented', billId, presentedAt: `${dateFrom(b.due)}T09:00:00+01:00` });
    }
    return { events, prios: b.prios };
  });

  const limits: History[] = [
    {
      events: s.limits.map((l): FactData =>
        l.op === 'removed'
          ? { type: 'creditLimit.removed', removedBy: 'controller' }
          : {
              type: 'creditLimit.set',
              amount: l.amount,
              mode: l.mode,
              attentionThresholdPct: l.pct,
              ...(l.validUntil === null ? {} : { validUntil: dateFrom(l.validUntil) }),
              blockOnOverdue: l.blockOnOverdue,
              overdueToleranceDays: l.tolerance,
              setBy: 'controller',
            },
      ),
      prios: [],
    },
  ];

  const sequence = (topic: Topic, histories: History[]): Fact[] => {
    const placed = histories.flatMap((h, hi) =>
      h.events.map((data, pos) => ({ data, key: [h.prios[pos] ?? 1000 + pos, hi, pos] as const })),
    );
    placed.sort((a, b) => a.key[0] - b.key[0] || a.key[1] - b.key[1] || a.key[2] - b.key[2]);
    return placed.map(({ data }, n) => ({
      ...data,
      eventId: `${topic}-${n}`,
      occurredAt: '2026-01-01T09:00:00+01:00',
      companyId: 'IT01',
      customerId: 'C000123',
    })) as Fact[];
  };
  return {
    documents: sequence('documents', documents),
    journal: sequence('journal', journal),
    bills: sequence('bills', bills),
    limits: sequence('limits', limits),
  };
}

const inTopicOrder = (topics: Record<Topic, Fact[]>): Fact[] => TOPICS.flatMap((t) => topics[t]);

/** Choices for a merge of the four topics: the next event comes from the chosen topic when it has one. */
const mergeArb = fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 150 });

function merge(topics: Record<Topic, Fact[]>, choices: number[]): Fact[] {
  const cursors = [0, 0, 0, 0];
  const queues = TOPICS.map((t) => topics[t]);
  const out: Fact[] = [];
  const remaining = () => queues.some((q, i) => cursors[i] < q.length);
  let c = 0;
  while (remaining()) {
    let topic = c < choices.length ? choices[c] : 0;
    c += 1;
    while (cursors[topic] >= queues[topic].length) topic = (topic + 1) % 4;
    out.push(queues[topic][cursors[topic]++]);
  }
  return out;
}

const paramsArb: fc.Arbitrary<CompanyParameters> = fc
  .record({
    includedComponents: fc.oneof(
      { weight: 2, arbitrary: fc.constant(DEFAULT_PARAMETERS.includedComponents) },
      {
        weight: 1,
        arbitrary: fc.record({
          orders: fc.boolean(),
          deliveries: fc.boolean(),
          unpostedInvoices: fc.boolean(),
          receivables: fc.boolean(),
          bills: fc.boolean(),
        }),
      },
    ),
    billRiskDays: fc.oneof(fc.constant(15), fc.nat(40)),
    missingLimit: fc.constantFrom<CompanyParameters['missingLimit']>('no-limit', 'zero-warn', 'zero-block'),
    riskClasses: fc.oneof(
      fc.constant(DEFAULT_PARAMETERS.riskClasses),
      fc.record({
        A: fc.record({ maxAvgDaysLate: fc.nat(10), maxDishonouredBills: fc.nat(1) }),
        B: fc.record({ maxAvgDaysLate: fc.nat(40), maxDishonouredBills: fc.nat(2) }),
        C: fc.record({ maxAvgDaysLate: fc.nat(100), maxDishonouredBills: fc.nat(4) }),
      }),
    ),
  })
  // The model covers the exposure's events; collection cases have their own reference (collections.spec.ts).
  .map((r) => ({ ...DEFAULT_PARAMETERS, ...r, dunning: { levels: [], minAmount: 0n } }));

/** Dates where something flips (due dates, risk and validity ends, window edges) and their neighbours. */
function interestingDates(events: readonly Fact[], p: CompanyParameters): string[] {
  const days = new Set<number>();
  const near = (day: number) => [day - 1, day, day + 1].forEach((d) => days.add(d));
  for (const e of events) {
    if (e.type === 'journal.posted') {
      near(dayNumber(e.postingDate));
      near(dayNumber(e.postingDate) + 365);
      for (const line of e.lines) if (line.dueDate !== undefined) near(dayNumber(line.dueDate));
    }
    if (e.type === 'bill.issued') near(dayNumber(e.dueDate) + p.billRiskDays);
    if (e.type === 'bill.dishonoured') near(dayNumber(e.dishonouredAt.slice(0, 10)) + 365);
    if (e.type === 'creditLimit.set') {
      if (e.validUntil !== undefined) near(dayNumber(e.validUntil));
      for (const line of events.flatMap((x) => (x.type === 'journal.posted' ? x.lines : [])))
        if (line.dueDate !== undefined) near(dayNumber(line.dueDate) + e.overdueToleranceDays);
    }
  }
  return [...days].sort((a, b) => a - b).map(dateOfDay);
}

const datesArb = fc.record({
  plain: fc.array(fc.integer({ min: -60, max: 900 }), { minLength: 1, maxLength: 3 }),
  picks: fc.array(fc.nat(), { minLength: 1, maxLength: 3 }),
});
const chooseDates = (
  events: readonly Fact[],
  p: CompanyParameters,
  d: { plain: number[]; picks: number[] },
) => {
  const candidates = interestingDates(events, p);
  return [
    ...d.plain.map(dateFrom),
    ...(candidates.length === 0 ? [] : d.picks.map((i) => candidates[i % candidates.length])),
  ];
};

// ---------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------

/** expect(actual).toBe(expected), entering jest only on a mismatch: these checks run tens of thousands of times. */
const mustBe = <T>(actual: T, expected: T): void => {
  if (!Object.is(actual, expected)) expect(actual).toBe(expected);
};

/** expect(actual).toEqual(expected), entering jest only when the encodings differ. */
const mustEqual = <T>(actual: T, expected: T): void => {
  if (encodeState(actual) !== encodeState(expected)) expect(actual).toEqual(expected);
};

const RUNS = Number(process.env.DOMAIN_PROPERTY_RUNS ?? 700);

describe('generated histories', () => {
  it('keep each topic in its own order, with unique eventIds, in any merge', () => {
    fc.assert(
      fc.property(scenarioArb, mergeArb, (s, choices) => {
        const topics = buildTopics(s);
        const merged = merge(topics, choices);
        expect(new Set(merged.map((e) => e.eventId)).size).toBe(merged.length);
        for (const t of TOPICS)
          expect(merged.filter((e) => e.eventId.startsWith(`${t}-`))).toEqual(topics[t]);
      }),
      { numRuns: 50 },
    );
  });
});

describe('(a) the exposure does not depend on how topics interleave, and matches the reference model', () => {
  it('for any two merges and several business dates', () => {
    fc.assert(
      fc.property(scenarioArb, paramsArb, mergeArb, mergeArb, datesArb, (s, p, m1, m2, d) => {
        const topics = buildTopics(s);
        const first = merge(topics, m1);
        const second = merge(topics, m2);
        const docs1 = applyFacts(emptyDocuments(), first);
        const docs2 = applyFacts(emptyDocuments(), second);
        const lastLimit = topics.limits[topics.limits.length - 1];
        for (const date of chooseDates(first, p, d)) {
          const a1 = assess(docs1, date, p);
          mustEqual(assess(docs2, date, p), a1);
          const { residuals, ...expected } = referenceModel(first, date, p);
          mustEqual(project(a1), expected);
          const items = Object.fromEntries([...openItems(docs1)].map(([id, item]) => [id, item.residual]));
          mustEqual(items, residuals);
          // the limit as set, for display
          if (lastLimit?.type === 'creditLimit.set') {
            expect(a1.limit).toMatchObject({
              amount: lastLimit.amount,
              mode: lastLimit.mode,
              attentionThresholdPct: lastLimit.attentionThresholdPct,
              validUntil: lastLimit.validUntil ?? null,
            });
          } else {
            expect(a1.limit).toBeNull();
          }
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('also with the topics one after the other, in either order', () => {
    fc.assert(
      fc.property(scenarioArb, paramsArb, datesArb, (s, p, d) => {
        const topics = buildTopics(s);
        const forward = TOPICS.flatMap((t) => topics[t]);
        const backward = [...TOPICS].reverse().flatMap((t) => topics[t]);
        const docsF = applyFacts(emptyDocuments(), forward);
        const docsB = applyFacts(emptyDocuments(), backward);
        for (const date of chooseDates(forward, p, d)) {
          const a = assess(docsF, date, p);
          mustEqual(assess(docsB, date, p), a);
          const { residuals, ...expected } = referenceModel(forward, date, p);
          mustEqual(project(a), expected);
          mustEqual(
            Object.fromEntries([...openItems(docsB)].map(([id, item]) => [id, item.residual])),
            residuals,
          );
        }
      }),
      { numRuns: Math.ceil(RUNS / 3) },
    );
  });
});

describe('(b) upserts are idempotent', () => {
  it('re-applying a fact right after itself changes nothing', () => {
    fc.assert(
      fc.property(scenarioArb, mergeArb, (s, choices) => {
        let docs: CustomerDocuments = emptyDocuments();
        for (const fact of merge(buildTopics(s), choices)) {
          const once = applyFact(docs, fact);
          const twice = applyFact(once, fact);
          mustBe(encodeState(twice), encodeState(once));
          docs = once;
        }
      }),
      { numRuns: RUNS },
    );
  });
});

describe('(c) money sums are exact', () => {
  it('the total is the sum of the included components, whatever the company includes', () => {
    fc.assert(
      fc.property(scenarioArb, paramsArb, datesArb, (s, p, d) => {
        const facts = inTopicOrder(buildTopics(s));
        const docs = applyFacts(emptyDocuments(), facts);
        for (const date of chooseDates(facts, p, d)) {
          const a = assess(docs, date, p);
          const included = NAMES.filter((n) => p.includedComponents[n]);
          mustBe(a.total, sumOf(included.map((n) => a.components[n])));
          mustBe(total(a.components, p), a.total);
          const all = { ...p, includedComponents: DEFAULT_PARAMETERS.includedComponents };
          mustBe(total(a.components, all), sumOf(NAMES.map((n) => a.components[n])));
          // the output strings carry the exact cents, with two decimals
          for (const value of [a.total, a.overdueAmount, ...Object.values(a.components)]) {
            const text = formatMoney(value);
            mustBe(/^-?[0-9]+\.[0-9]{2}$/.test(text), true);
            mustBe(BigInt(text.replace('.', '')), value);
          }
          // amounts that never go negative
          for (const n of ['orders', 'deliveries', 'bills'] as const) mustBe(a.components[n] >= 0n, true);
          mustBe(a.overdueAmount >= 0n, true);
        }
      }),
      { numRuns: RUNS },
    );
  });
});

describe('(d) notifications folded event by event', () => {
  it('leave the published view equal to the final assessment, with consistent transitions', () => {
    fc.assert(
      fc.property(
        scenarioArb,
        paramsArb,
        mergeArb,
        fc.integer({ min: -60, max: 200 }),
        fc.array(fc.oneof(fc.constant(0), fc.nat(20)), { maxLength: 120 }),
        (s, p, choices, start, steps) => {
          const facts = merge(buildTopics(s), choices);
          let record: CustomerRecord = newCustomerRecord('IT01', 'C000123');
          let docs: CustomerDocuments = emptyDocuments();
          let day = start;
          let published = 0;
          let lastTo = 'NO_LIMIT';
          let blocked = false;
          let prefix: Fact[] = [];

          const step = (date: string, expected: ModelResult) => {
            const before = record.published;
            const result = reassess(record, docs, date, p);
            const types = result.notifications.map((n) => n.type);
            mustEqual(types, expectedNotifications(before, expected));
            for (const n of result.notifications) check(n, before, expected);
            published += result.notifications.length;
            // the engine stores the record as JSON between events
            record = decodeState<CustomerRecord>(encodeState(result.record));
            mustEqual(record.published, {
              status: expected.status,
              blockReasons: expected.blockReasons,
              overdue: expected.overdueBreach,
              overdueAmount: expected.overdueAmount,
            } as CustomerRecord['published']);
          };
          const check = (n: Notification, before: CustomerRecord['published'], expected: ModelResult) => {
            switch (n.type) {
              case 'exposure.statusChanged':
                mustBe(n.from, lastTo);
                mustBe(n.to, expected.status);
                mustBe(n.total, expected.total);
                mustBe(n.limit, expected.limitAmount);
                mustBe(n.utilizationPct, expected.utilizationPct);
                lastTo = n.to;
                break;
              case 'overdue.changed':
                mustEqual(n, {
                  type: 'overdue.changed',
                  overdue: expected.overdueBreach,
                  overdueAmount: expected.overdueAmount,
                  oldestOverdueDays: expected.oldestOverdueDays,
                });
                break;
              case 'customer.blocked':
                mustEqual(n.reasons, expected.blockReasons);
                expect(n.reasons.length).toBeGreaterThan(0);
                blocked = true;
                break;
              case 'customer.unblocked':
                mustBe(blocked, true);
                mustEqual(n.previousReasons, before.blockReasons);
                blocked = false;
                break;
            }
          };

          facts.forEach((fact, i) => {
            day += steps[i] ?? 0;
            docs = applyFact(docs, fact);
            prefix = [...prefix, fact];
            const date = dateFrom(day);
            step(date, referenceModel(prefix, date, p));
          });
          // then time passes with no event
          for (const gap of [1, 1, 30, 400]) {
            day += gap;
            const date = dateFrom(day);
            step(date, referenceModel(prefix, date, p));
          }

          const finalDate = dateFrom(day);
          mustEqual(record.published, viewOf(assess(docs, finalDate, p)));
          mustEqual(record.assessment, assess(docs, finalDate, p));
          mustBe(record.version, facts.length + 4);
          mustBe(record.sequence, published);
          mustBe(lastTo, record.published.status);
          mustBe(blocked, record.published.blockReasons.length > 0);
        },
      ),
      { numRuns: Math.ceil(RUNS / 2) },
    );
  });
});

describe('(f) an assessment from the previous one', () => {
  it('equals the assessment from scratch, fact by fact, as days pass and parameters change', () => {
    // Per step: 0 the same day and parameters, 1 days pass, 2 other parameters, 3 equal parameters in a new object.
    const stepArb = fc.array(fc.record({ move: fc.nat(3), days: fc.nat(40), refact: fc.boolean() }), {
      maxLength: 150,
    });
    fc.assert(
      fc.property(scenarioArb, paramsArb, paramsArb, mergeArb, stepArb, (s, p1, p2, choices, steps) => {
        const facts = merge(buildTopics(s), choices);
        let docs: CustomerDocuments = emptyDocuments();
        let previous: Assessed | null = null;
        let day = -30;
        let params = p1;
        const check = (date: string) => {
          const next = assessFrom(previous, docs, date, params);
          mustEqual(next.assessment, assess(docs, date, params));
          previous = next;
        };
        facts.forEach((fact, i) => {
          const step = steps[i] ?? { move: 0, days: 0, refact: false };
          if (step.move === 1) day += step.days;
          if (step.move === 2) params = params === p1 ? p2 : p1;
          if (step.move === 3) params = { ...params };
          docs = applyFact(docs, fact);
          check(dateFrom(day));
          // the same documents again, days later (the time-driven review)
          if (step.refact) {
            day += step.days;
            check(dateFrom(day));
          }
        });
      }),
      { numRuns: RUNS },
    );
  });
});

describe('(e) nothing changes before the review date', () => {
  it('the assessment stays the same on every day before nextReviewDate', () => {
    const startArb = fc.record({
      plain: fc.integer({ min: -60, max: 800 }),
      near: fc.option(fc.record({ pick: fc.nat(), before: fc.nat(5) }), { nil: null }),
    });
    fc.assert(
      fc.property(
        scenarioArb,
        paramsArb,
        startArb,
        fc.array(fc.nat(), { maxLength: 4 }),
        (s, p, start, picks) => {
          const facts = inTopicOrder(buildTopics(s));
          const docs = applyFacts(emptyDocuments(), facts);
          // often a few days before something flips
          const candidates = interestingDates(facts, p);
          const today =
            start.near === null || candidates.length === 0
              ? dateFrom(start.plain)
              : dateOfDay(dayNumber(candidates[start.near.pick % candidates.length]) - start.near.before);
          const review = nextReviewDate(docs, today, p);
          const same = (date: string) => ({ ...project(assess(docs, date, p)) });
          const base = same(today);
          const horizon = review === null ? 2000 : dayNumber(review) - dayNumber(today);
          if (review !== null) expect(horizon).toBeGreaterThan(0);
          const days = new Set([1, horizon - 1, ...picks.map((x) => 1 + (x % Math.max(1, horizon - 1)))]);
          for (const offset of days) {
            if (offset < 1 || offset >= horizon) continue;
            mustEqual(same(dateOfDay(dayNumber(today) + offset)), base);
          }
        },
      ),
      { numRuns: RUNS * 3 },
    );
  });
});

describe('the generators', () => {
  it('reach every situation the properties are about', () => {
    const seen = new Map<string, number>();
    const see = (what: string, when: boolean) => {
      if (when) seen.set(what, (seen.get(what) ?? 0) + 1);
    };
    const samples = fc.sample(fc.tuple(scenarioArb, paramsArb, datesArb), { numRuns: 400, seed: 20260301 });
    for (const [s, p, d] of samples) {
      const facts = inTopicOrder(buildTopics(s));
      const docs = applyFacts(emptyDocuments(), facts);
      for (const date of chooseDates(facts, p, d)) {
        const a = assess(docs, date, p);
        see(`status ${a.status}`, true);
        for (const r of a.blockReasons) see(`reason ${r}`, true);
        see('several reasons', a.blockReasons.length > 1);
        see('overdue within tolerance', a.overdueAmount > 0n && !a.overdueBreach);
        see('overdue breach', a.overdueBreach);
        see(`risk class ${a.riskClass}`, true);
        see('late payments', a.avgDaysLate !== '0.00');
        see('dishonoured bill counted', a.dishonouredBills12m > 0);
        see('bills at risk', a.components.bills > 0n);
        see('negative unposted invoices', a.components.unpostedInvoices < 0n);
        see('negative receivables', a.components.receivables < 0n);
        see('negative total', a.total < 0n);
        see('utilization', a.utilizationPct !== null);
      }
      const orders = [...docs.orders.values()];
      see(
        'order closed',
        orders.some((o) => o.closed !== null),
      );
      see(
        'order over-consumed',
        [...docs.orders.keys()].some((id) => {
          const consumed = [...docs.deliveries.values()]
            .filter((x) => !x.cancelled)
            .flatMap((x) => x.orderRefs)
            .filter((r) => r.orderId === id);
          return consumed.length > 0 && sumOf(consumed.map((r) => r.amount)) > docs.orders.get(id)!.amount;
        }),
      );
      see(
        'cancel before issue',
        facts.some(
          (f, i) =>
            f.type === 'delivery.cancelled' &&
            facts.slice(i).some((g) => g.type === 'delivery.issued' && g.deliveryId === f.deliveryId),
        ),
      );
      see(
        'reversal before posting',
        facts.some(
          (f, i) =>
            f.type === 'journal.reversed' &&
            facts.slice(i).some((g) => g.type === 'journal.posted' && g.entryId === f.entryId),
        ),
      );
      see(
        'settlement of a live item',
        facts.some(
          (f) =>
            f.type === 'journal.posted' &&
            f.lines.some((l) => (l.settles ?? []).some((st) => !st.openItemId.startsWith('ghost'))),
        ),
      );
      see(
        'bill presumed collected',
        [...docs.bills.values()].some(
          (b) =>
            b.status === 'issued' &&
            b.dueDate !== null &&
            dayNumber(b.dueDate) + p.billRiskDays < BASE_DAY + 400,
        ),
      );
    }
    const expected = [
      'status NO_LIMIT',
      'status OK',
      'status WARNING',
      'status EXCEEDED',
      'reason LIMIT_EXCEEDED',
      'reason LIMIT_EXPIRED',
      'reason OVERDUE',
      'several reasons',
      'overdue within tolerance',
      'overdue breach',
      'risk class A',
      'risk class B',
      'risk class C',
      'risk class D',
      'late payments',
      'dishonoured bill counted',
      'bills at risk',
      'negative unposted invoices',
      'negative receivables',
      'negative total',
      'utilization',
      'order closed',
      'order over-consumed',
      'cancel before issue',
      'reversal before posting',
      'settlement of a live item',
      'bill presumed collected',
    ];
    for (const what of expected) expect([what, seen.get(what) ?? 0]).toEqual([what, expect.any(Number)]);
    expect(expected.filter((what) => !seen.has(what))).toEqual([]);
    if (process.env.DOMAIN_PROPERTY_STATS) console.log(Object.fromEntries([...seen].sort()));
  });
});
