import { BusinessDate, epochDay, isBusinessDate } from '@credit/domain';
import {
  INPUT_STREAMS,
  InputEventType,
  InputStream,
  PATTERNS,
  RawDataByType,
  RawEnvelope,
  RawJournalLine,
  rawEvent,
  STREAM_EVENT_TYPES,
} from '@credit/contracts';
import { money, percentOf, split, WholeCents } from './money';
import { createRng, hashSeed, Rng } from './random';
import { dateOf, dayOf, endOfMonth, formatLocalTime, LocalTime, SECONDS_PER_DAY, workday } from './time';

/**
 * A pure, seeded generator of realistic ERP histories, one per customer, as the
 * raw envelopes of the five input streams (spec section 3). The same options
 * always give the same events, eventIds included, so a scenario can be re-sent
 * (the engine then deduplicates it) and a test can rebuild it.
 *
 * Each customer goes through the sales cycle again and again: order (sometimes
 * amended, cancelled or short-closed) -> delivery notes (partial, full, now and
 * then over-delivering or cancelled and re-issued) -> invoices (per delivery or
 * deferred; some immediate on the order, some for services with no reference;
 * credit notes) -> journal posting with 1-3 instalments (open items) ->
 * payments by transfer (on time, late, partial, never; a few reversed) or by a
 * bill (RiBa) that is presented and collected, dishonoured (the ERP re-debits
 * the customer), cancelled or left open. A customer's history is cut after
 * `eventsPerCustomer` events in time order, so whatever is in flight at that
 * moment stays open, as in a real ledger.
 */
export interface ScenarioOptions {
  /** Any whole number: the same seed gives the same scenario. */
  seed: number;
  companies: readonly string[];
  /** Customers per company (C00001, C00002, ...). */
  customers: number;
  /** Events per customer (default 40); the history is cut there. */
  eventsPerCustomer?: number;
  /** The first day of the histories, YYYY-MM-DD. */
  startDate: BusinessDate;
  /** Time zone of the offsets of occurredAt (default Europe/Rome). */
  timeZone?: string;
}

export type ScenarioStreams = Record<InputStream, RawEnvelope[]>;

export interface ScenarioCustomer {
  companyId: string;
  customerId: string;
  name: string;
  events: number;
}

export interface Scenario {
  /** Per input stream, in that stream's order (occurredAt non-decreasing). */
  streams: ScenarioStreams;
  customers: ScenarioCustomer[];
}

export interface SequencedEvent {
  stream: InputStream;
  envelope: RawEnvelope;
}

export const DEFAULT_EVENTS_PER_CUSTOMER = 40;
export const DEFAULT_TIME_ZONE = 'Europe/Rome';

const STREAM_OF: ReadonlyMap<InputEventType, InputStream> = new Map(
  INPUT_STREAMS.flatMap((stream) => STREAM_EVENT_TYPES[stream].map((type) => [type, stream] as const)),
);

/** The input stream (topic role) that carries an event type. */
export function streamOf(type: InputEventType): InputStream {
  const stream = STREAM_OF.get(type);
  if (stream === undefined) throw new Error(`unknown input event type ${type}`);
  return stream;
}

export const emptyStreams = (): ScenarioStreams => ({
  documents: [],
  journalEntries: [],
  billPortfolio: [],
  creditLimits: [],
  customers: [],
});

// ---------------------------------------------------------------------------------------------
// Generation
// ---------------------------------------------------------------------------------------------

export function generateScenario(options: ScenarioOptions): Scenario {
  const { seed, companies, customers, startDate } = options;
  const eventsPerCustomer = options.eventsPerCustomer ?? DEFAULT_EVENTS_PER_CUSTOMER;
  const timeZone = options.timeZone ?? DEFAULT_TIME_ZONE;
  validateOptions(seed, companies, customers, eventsPerCustomer, startDate);

  const width = Math.max(5, String(customers).length);
  const all: Array<{ t: LocalTime; company: number; customer: number; n: number; event: Drafted }> = [];
  const summaries: ScenarioCustomer[] = [];
  companies.forEach((companyId, company) => {
    for (let customer = 0; customer < customers; customer++) {
      const customerId = `C${String(customer + 1).padStart(width, '0')}`;
      const rng = createRng(hashSeed(seed, companyId, customerId));
      const { name, events } = customerHistory(
        rng,
        companyId,
        customerId,
        epochDay(startDate),
        eventsPerCustomer,
      );
      events.forEach((event, n) => all.push({ t: event.t, company, customer, n, event }));
      summaries.push({ companyId, customerId, name, events: events.length });
    }
  });
  // One global time order, customers' own orders kept (n breaks ties): per stream it is the stream's order.
  all.sort((a, b) => a.t - b.t || a.company - b.company || a.customer - b.customer || a.n - b.n);

  const streams = emptyStreams();
  for (const { company, customer, n, event } of all) {
    const companyId = companies[company];
    const customerId = summaries[company * customers + customer].customerId;
    const envelope = rawEvent(event.type, event.data as never, {
      eventId: `sim-${seed}-${companyId}-${customerId}-${String(n + 1).padStart(5, '0')}`,
      occurredAt: formatLocalTime(event.t, timeZone),
      companyId,
      customerId,
    });
    streams[streamOf(event.type)].push(envelope);
  }
  return { streams, customers: summaries };
}

function validateOptions(
  seed: number,
  companies: readonly string[],
  customers: number,
  eventsPerCustomer: number,
  startDate: string,
): void {
  const companyPattern = new RegExp(PATTERNS.companyId);
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a whole number (got ${seed})`);
  if (companies.length === 0) throw new RangeError('companies must list at least one company id');
  for (const company of companies) {
    if (!companyPattern.test(company)) {
      throw new RangeError(`company id "${company}" must match ${PATTERNS.companyId}`);
    }
  }
  if (new Set(companies).size !== companies.length) throw new RangeError('companies must not repeat');
  if (!Number.isSafeInteger(customers) || customers < 0) {
    throw new RangeError(`customers must be a whole number >= 0 (got ${customers})`);
  }
  if (!Number.isSafeInteger(eventsPerCustomer) || eventsPerCustomer < 1) {
    throw new RangeError(`eventsPerCustomer must be a whole number >= 1 (got ${eventsPerCustomer})`);
  }
  if (!isBusinessDate(startDate))
    throw new RangeError(`startDate must be a date YYYY-MM-DD (got "${startDate}")`);
}

/** An event before it gets its envelope: local time, creation order, type and data. */
interface Drafted {
  t: LocalTime;
  seq: number;
  type: InputEventType;
  data: object;
}

const OPENS = 8 * 3600;
const CLOSES = 18 * 3600;

/** A point in office hours of that day (moved to Monday on a weekend). */
const atDay = (rng: Rng, day: number): LocalTime =>
  workday(day) * SECONDS_PER_DAY + OPENS + rng.int(0, CLOSES - OPENS);

/** Strictly later than `t`: the same day (0 days) or `minDays..maxDays` days on. */
function after(rng: Rng, t: LocalTime, minDays: number, maxDays: number): LocalTime {
  const days = rng.int(minDays, maxDays);
  if (days === 0) {
    const later = t + rng.int(120, 2 * 3600);
    if (dayOf(later) === dayOf(t) && later - dayOf(later) * SECONDS_PER_DAY <= CLOSES) return later;
    return atDay(rng, dayOf(t) + 1);
  }
  return atDay(rng, dayOf(t) + days);
}

/** On `day` (or the next working day), but never before `notBefore`. */
function onDay(rng: Rng, day: number, notBefore: LocalTime): LocalTime {
  const t = atDay(rng, day);
  return t > notBefore ? t : after(rng, notBefore, 0, 1);
}

type PayerKind = 'good' | 'slow' | 'bad';
type PaymentBehaviour = 'on-time' | 'late' | 'partial' | 'never';

const PAYMENT_BEHAVIOUR: Record<PayerKind, ReadonlyArray<readonly [PaymentBehaviour, number]>> = {
  good: [
    ['on-time', 85],
    ['late', 12],
    ['partial', 2],
    ['never', 1],
  ],
  slow: [
    ['on-time', 40],
    ['late', 50],
    ['partial', 7],
    ['never', 3],
  ],
  bad: [
    ['on-time', 15],
    ['late', 55],
    ['partial', 15],
    ['never', 15],
  ],
};
const LATE_DAYS: Record<PayerKind, readonly [number, number]> = {
  good: [2, 15],
  slow: [10, 60],
  bad: [20, 120],
};

// prettier-ignore
const NAMES: Record<'IT' | 'DE', { surnames: readonly string[]; trades: readonly string[]; forms: readonly string[] }> = {
  IT: {
    surnames: [
      'Rossi', 'Bianchi', 'Verdi', 'Neri', 'Gallo', 'Ferrari', 'Esposito', 'Romano', 'Colombo', 'Ricci',
      'Marino', 'Greco', 'Bruno', 'Conti', 'De Luca', 'Mancini', 'Costa', 'Giordano', 'Rizzo', 'Lombardi',
      'Moretti', 'Barbieri', 'Fontana', 'Santoro', 'Mariani', 'Rinaldi', 'Caruso', 'Ferrara', 'Galli', 'Martini',
    ],
    trades: [
      'Ferramenta', 'Costruzioni', 'Impianti', 'Logistica', 'Distribuzione', 'Edilizia', 'Arredamenti',
      'Elettroforniture', 'Idraulica', 'Meccanica', 'Alimentari', 'Trasporti', 'Legnami', 'Serramenti',
    ],
    forms: ['S.r.l.', 'S.p.A.', 'S.n.c.', 'S.a.s.'],
  },
  DE: {
    surnames: ['Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Meyer', 'Wagner', 'Becker', 'Hoffmann', 'Koch'],
    trades: ['Bau', 'Metallbau', 'Logistik', 'Handel', 'Elektrotechnik', 'Maschinenbau', 'Haustechnik', 'Holzbau'],
    forms: ['GmbH', 'GmbH & Co. KG', 'AG', 'KG'],
  },
};
const BANKS = ['BANCA-01', 'BANCA-02', 'BANCA-03'] as const;
const LIMIT_SETTERS = ['credit.manager', 'l.bianchi', 'm.rossi'] as const;

/** A limit in whole thousands (at least 1000.00), from an amount in cents. */
const roundedLimit = (cents: WholeCents): WholeCents => Math.max(100_000, cents - (cents % 100_000));

const slug = (text: string): string =>
  text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .toLowerCase();

/** A country prefix for VAT numbers, from the company id when it starts with two letters. */
const countryOf = (companyId: string): string =>
  /^[A-Za-z]{2}/.test(companyId) ? companyId.slice(0, 2).toUpperCase() : 'IT';

interface Profile {
  avgOrder: WholeCents;
  gapDays: number;
  payer: PayerKind;
  usesBills: boolean;
  termsDays: number;
  agent: string;
}

interface OpenItemDraft {
  openItemId: string;
  amount: WholeCents;
  dueDay: number;
}

/** One customer's history, drafted in causal order and then cut at `budget` events in time order. */
function customerHistory(
  rng: Rng,
  companyId: string,
  customerId: string,
  startDay: number,
  budget: number,
): { name: string; events: Drafted[] } {
  const drafted: Drafted[] = [];
  let seq = 0;
  const emit = <T extends InputEventType>(t: LocalTime, type: T, data: RawDataByType[T]): void => {
    drafted.push({ t, seq: seq++, type, data });
  };
  // Ids are placeholders while drafting (documents are drafted in causal, not time, order);
  // numberInTimeOrder() gives them their final, sequential numbers.
  const counters = new Map<string, number>();
  const id = (prefix: string): string => {
    const n = (counters.get(prefix) ?? 0) + 1;
    counters.set(prefix, n);
    return `{{${prefix}:${n}}}`;
  };

  // --- Who the customer is -------------------------------------------------------------------
  const country = countryOf(companyId);
  const names = NAMES[country === 'DE' ? 'DE' : 'IT'];
  const surname = rng.pick(names.surnames);
  const trade = rng.pick(names.trades);
  const name = `${surname} ${trade} ${rng.pick(names.forms)}`;
  const size = rng.weighted([
    ['small', 50],
    ['medium', 35],
    ['large', 15],
  ] as const);
  const [lo, hi] = size === 'small' ? [300, 1500] : size === 'medium' ? [1500, 8000] : [8000, 40000];
  const profile: Profile = {
    avgOrder: rng.int(lo, hi) * 100 + rng.int(0, 99),
    gapDays: rng.int(3, 21),
    payer: rng.weighted([
      ['good', 60],
      ['slow', 30],
      ['bad', 10],
    ] as const),
    usesBills: country === 'IT' ? rng.percent(45) : rng.percent(10),
    termsDays: rng.pick([0, 30, 30, 60, 60, 90, 120]),
    agent: `AG-${String(rng.int(1, 12)).padStart(2, '0')}`,
  };
  const vatDigits =
    String(rng.int(0, 999_999)).padStart(6, '0') + String(rng.int(0, 99_999)).padStart(5, '0');
  const customerData = (): RawDataByType['customer.updated'] => ({
    name,
    vatNumber: `${country}${country === 'DE' ? vatDigits.slice(2) : vatDigits}`,
    salesAgentId: profile.agent,
    paymentTermsDays: profile.termsDays,
    email: `${country === 'DE' ? 'buchhaltung' : 'amministrazione'}@${slug(`${surname}-${trade}`)}.example`,
  });

  const start = atDay(rng, startDay + rng.int(0, 5));
  emit(start, 'customer.updated', customerData());

  // --- Credit limit: most customers have one, a few have none ---------------------------------
  const limitData = (t: LocalTime, reason: string): RawDataByType['creditLimit.set'] => {
    const data: RawDataByType['creditLimit.set'] = {
      amount: money(roundedLimit(profile.avgOrder * rng.int(3, 10))),
      mode: rng.percent(55) ? 'block' : 'warn',
      setBy: rng.pick(LIMIT_SETTERS),
      reason,
    };
    if (rng.percent(50)) data.attentionThresholdPct = rng.pick([70, 75, 85, 90]);
    if (rng.percent(30)) data.validUntil = dateOf(t + rng.int(120, 720) * SECONDS_PER_DAY);
    const overdue = rng.weighted([
      ['default', 70],
      ['true', 15],
      ['false', 15],
    ] as const);
    if (overdue !== 'default') data.blockOnOverdue = overdue === 'true';
    if (rng.percent(50)) data.overdueToleranceDays = rng.pick([0, 5, 10, 15, 30]);
    return data;
  };
  let hasLimit = rng.percent(88);
  if (hasLimit) emit(after(rng, start, 0, 0), 'creditLimit.set', limitData(start, 'initial assessment'));

  // --- Payments --------------------------------------------------------------------------------
  /** A credit line settling one open item; now and then reversed and posted again. */
  const payment = (t: LocalTime, openItemId: string, amount: WholeCents): void => {
    const line = (): RawJournalLine => ({
      lineId: '1',
      side: 'credit',
      amount: money(amount),
      settles: [{ openItemId, amount: money(amount) }],
    });
    const entryId = id('INC');
    emit(t, 'journal.posted', { entryId, postingDate: dateOf(t), lines: [line()] });
    if (rng.percent(3)) {
      const reversed = after(rng, t, 1, 10);
      emit(reversed, 'journal.reversed', { entryId });
      const again = after(rng, reversed, 2, 20);
      emit(again, 'journal.posted', { entryId: id('INC'), postingDate: dateOf(again), lines: [line()] });
    }
  };

  const transfer = (item: OpenItemDraft, notBefore: LocalTime): void => {
    if (item.amount <= 0) return;
    const behaviour = rng.weighted(PAYMENT_BEHAVIOUR[profile.payer]);
    const [lateMin, lateMax] = LATE_DAYS[profile.payer];
    switch (behaviour) {
      case 'never':
        return;
      case 'on-time':
        payment(onDay(rng, item.dueDay - rng.int(0, 5), notBefore), item.openItemId, item.amount);
        return;
      case 'late':
        payment(onDay(rng, item.dueDay + rng.int(lateMin, lateMax), notBefore), item.openItemId, item.amount);
        return;
      case 'partial': {
        const first = Math.max(1, percentOf(item.amount, rng.int(30, 70)));
        const firstAt = onDay(rng, item.dueDay + rng.int(-3, 20), notBefore);
        payment(firstAt, item.openItemId, first);
        if (first < item.amount && rng.percent(60)) {
          const restAt = onDay(rng, dayOf(firstAt) + rng.int(15, 90), firstAt);
          payment(restAt, item.openItemId, item.amount - first);
        }
        return;
      }
    }
  };

  /** A bill (RiBa) for an instalment: the receivable moves to the portfolio, then the bill runs its course. */
  const bill = (item: OpenItemDraft, posted: LocalTime): void => {
    const issued = after(rng, posted, 1, 7);
    const billId = id('RB');
    const instrument = rng.weighted([
      ['riba', 88],
      ['sdd', 8],
      ['bill-of-exchange', 4],
    ] as const);
    emit(issued, 'bill.issued', {
      billId,
      amount: money(item.amount),
      dueDate: dateOf(item.dueDay * SECONDS_PER_DAY),
      instrument,
    });
    const moved = after(rng, issued, 0, 0);
    const portfolioEntry = id('JE');
    emit(moved, 'journal.posted', {
      entryId: portfolioEntry,
      postingDate: dateOf(moved),
      lines: [
        {
          lineId: '1',
          side: 'credit',
          amount: money(item.amount),
          settles: [{ openItemId: item.openItemId, amount: money(item.amount) }],
        },
      ],
    });
    const outcome = rng.weighted([
      ['collected', 80],
      ['dishonoured', 8],
      ['open', 8],
      ['cancelled', 4],
    ] as const);
    if (outcome === 'cancelled') {
      const cancelled = after(rng, moved, 1, 10);
      emit(cancelled, 'bill.cancelled', { billId });
      const back = after(rng, cancelled, 0, 0);
      emit(back, 'journal.reversed', { entryId: portfolioEntry });
      transfer(item, back);
      return;
    }
    if (outcome === 'open' && rng.percent(50)) return;
    const presented = onDay(rng, Math.max(dayOf(moved) + 1, item.dueDay - rng.int(5, 20)), moved);
    emit(presented, 'bill.presented', { billId, presentedAt: dateOf(presented), bankId: rng.pick(BANKS) });
    if (outcome === 'collected') {
      const collected = onDay(rng, item.dueDay + rng.int(1, 5), presented);
      emit(collected, 'bill.collected', { billId, collectedAt: dateOf(collected) });
    } else if (outcome === 'dishonoured') {
      const returned = onDay(rng, item.dueDay + rng.int(3, 12), presented);
      emit(returned, 'bill.dishonoured', {
        billId,
        dishonouredAt: dateOf(returned),
        reason: rng.pick(['insufficient funds', 'account closed', 'payment refused']),
      });
      // Insoluto: the ERP debits the customer again, with the bank's fee, due at once.
      const redebit = after(rng, returned, 0, 2);
      const openItemId = `${billId}/INS`;
      const amount = item.amount + rng.pick([350, 550, 800]);
      emit(redebit, 'journal.posted', {
        entryId: id('JE'),
        postingDate: dateOf(redebit),
        lines: [{ lineId: '1', side: 'debit', amount: money(amount), openItemId, dueDate: dateOf(redebit) }],
      });
      if (rng.percent(60)) payment(onDay(rng, dayOf(redebit) + rng.int(10, 60), redebit), openItemId, amount);
    }
  };

  // --- Invoices and their posting ------------------------------------------------------------
  const post = (invoiceId: string, amount: WholeCents, invoiced: LocalTime): void => {
    let posted = after(rng, invoiced, 0, 5);
    const invoiceDay = dayOf(invoiced);
    const wanted =
      profile.termsDays === 0
        ? 1
        : rng.weighted([
            [1, 50],
            [2, 30],
            [3, 20],
          ] as const);
    const count = Math.min(wanted, amount);
    const amounts = split(amount, count);
    const items: OpenItemDraft[] = amounts.map((share, i) => ({
      openItemId: `${invoiceId}/${i + 1}`,
      amount: share,
      dueDay:
        profile.termsDays === 0
          ? invoiceDay
          : endOfMonth(invoiceDay + Math.floor((profile.termsDays * (i + 1)) / count)),
    }));
    const lines: RawJournalLine[] = items.map((item, i) => ({
      lineId: String(i + 1),
      side: 'debit',
      amount: money(item.amount),
      invoiceRef: invoiceId,
      openItemId: item.openItemId,
      dueDate: dateOf(item.dueDay * SECONDS_PER_DAY),
    }));
    const entryId = id('JE');
    emit(posted, 'journal.posted', { entryId, postingDate: dateOf(posted), lines });
    if (rng.percent(2)) {
      // A wrong posting, reversed and posted again (same open items).
      const reversed = after(rng, posted, 1, 5);
      emit(reversed, 'journal.reversed', { entryId });
      posted = after(rng, reversed, 0, 2);
      emit(posted, 'journal.posted', { entryId: id('JE'), postingDate: dateOf(posted), lines });
    }
    if (rng.percent(8)) {
      // A credit note (return, discount), netted against the last instalment.
      const last = items[items.length - 1];
      const credit = Math.max(1, percentOf(last.amount, rng.int(5, 30)));
      if (credit < last.amount) {
        const noted = after(rng, posted, 3, 20);
        const noteId = id('NC');
        emit(noted, 'invoice.issued', {
          invoiceId: noteId,
          kind: 'credit-note',
          amount: money(credit),
          invoiceDate: dateOf(noted),
        });
        const notePosted = after(rng, noted, 0, 3);
        emit(notePosted, 'journal.posted', {
          entryId: id('JE'),
          postingDate: dateOf(notePosted),
          lines: [
            {
              lineId: '1',
              side: 'credit',
              amount: money(credit),
              invoiceRef: noteId,
              settles: [{ openItemId: last.openItemId, amount: money(credit) }],
            },
          ],
        });
        last.amount -= credit;
        posted = Math.max(posted, notePosted);
      }
    }
    for (const item of items) {
      if (profile.usesBills && item.dueDay > dayOf(posted) + 10 && rng.percent(85)) bill(item, posted);
      else transfer(item, posted);
    }
  };

  const invoice = (
    t: LocalTime,
    amount: WholeCents,
    refs: Pick<RawDataByType['invoice.issued'], 'deliveryRefs' | 'orderRefs'>,
  ): void => {
    let invoiceId = id('FT');
    emit(t, 'invoice.issued', {
      invoiceId,
      kind: 'invoice',
      amount: money(amount),
      invoiceDate: dateOf(t),
      ...refs,
    });
    if (rng.percent(3)) {
      // Issued by mistake: cancelled, then issued again under a new number.
      const cancelled = after(rng, t, 0, 2);
      emit(cancelled, 'invoice.cancelled', { invoiceId });
      t = after(rng, cancelled, 0, 1);
      invoiceId = id('FT');
      emit(t, 'invoice.issued', {
        invoiceId,
        kind: 'invoice',
        amount: money(amount),
        invoiceDate: dateOf(t),
        ...refs,
      });
    }
    post(invoiceId, amount, t);
  };

  // --- The sales cycle -------------------------------------------------------------------------
  const orderAmount = (): WholeCents => Math.max(5_000, percentOf(profile.avgOrder, rng.int(40, 160)));

  const salesCycle = (t0: LocalTime): void => {
    const kind = rng.weighted([
      ['ordered', 75],
      ['immediate', 15],
      ['services', 10],
    ] as const);
    if (kind === 'services') {
      invoice(t0, Math.max(5_000, percentOf(profile.avgOrder, rng.int(10, 60))), {});
      return;
    }
    const orderId = id('OV');
    let amount = orderAmount();
    let t = t0;
    if (rng.percent(10)) {
      emit(t, 'document.checkRequested', {
        documentType: 'order',
        documentId: orderId,
        amount: money(amount),
        requestedBy: profile.agent,
      });
      t = after(rng, t, 0, 0);
    }
    emit(t, 'order.confirmed', { orderId, amount: money(amount), orderDate: dateOf(t) });
    if (rng.percent(20)) {
      t = after(rng, t, 0, 3);
      amount = Math.max(5_000, percentOf(amount, rng.int(80, 125)));
      emit(t, 'order.confirmed', { orderId, amount: money(amount), orderDate: dateOf(t0) });
    }
    if (rng.percent(7)) {
      emit(after(rng, t, 1, 10), 'order.closed', { orderId, reason: 'cancelled' });
      return;
    }
    if (kind === 'immediate') {
      // Fattura accompagnatoria: invoiced with the goods, straight from the order.
      const invoiced = after(rng, t, 1, 7);
      if (rng.percent(60)) emit(after(rng, invoiced, 0, 0), 'order.closed', { orderId, reason: 'completed' });
      invoice(invoiced, amount, { orderRefs: [{ orderId, amount: money(amount) }] });
      return;
    }

    const shape = rng.weighted([
      ['full', 67],
      ['partial', 25],
      ['over', 8],
    ] as const);
    const target =
      shape === 'partial'
        ? percentOf(amount, rng.int(50, 90))
        : shape === 'over'
          ? percentOf(amount, rng.int(101, 110))
          : amount;
    const count = rng.weighted([
      [1, 50],
      [2, 35],
      [3, 15],
    ] as const);
    const deliveries: Array<{ deliveryId: string; amount: WholeCents; t: LocalTime }> = [];
    for (const part of split(target, count)) {
      if (part <= 0) continue;
      t = after(rng, t, 1, 10);
      let deliveryId = id('DDT');
      const issue = (at: LocalTime) =>
        emit(at, 'delivery.issued', {
          deliveryId,
          amount: money(part),
          deliveryDate: dateOf(at),
          orderRefs: [{ orderId, amount: money(part) }],
        });
      issue(t);
      if (rng.percent(5)) {
        // Wrong delivery note: cancelled and issued again.
        t = after(rng, t, 0, 2);
        emit(t, 'delivery.cancelled', { deliveryId });
        t = after(rng, t, 0, 2);
        deliveryId = id('DDT');
        issue(t);
      }
      deliveries.push({ deliveryId, amount: part, t });
    }
    if (target < amount && rng.percent(50)) {
      emit(after(rng, t, 1, 15), 'order.closed', { orderId, reason: 'short-closed' });
    } else if (target >= amount && rng.percent(60)) {
      emit(after(rng, t, 0, 3), 'order.closed', { orderId, reason: 'completed' });
    }
    if (rng.percent(50)) {
      for (const d of deliveries) {
        invoice(after(rng, d.t, 0, 2), d.amount, {
          deliveryRefs: [{ deliveryId: d.deliveryId, amount: money(d.amount) }],
        });
      }
    } else {
      // Fattura differita: one invoice for the deliveries of the period.
      const last = deliveries[deliveries.length - 1];
      invoice(
        after(rng, last.t, 1, 20),
        deliveries.reduce((sum, d) => sum + d.amount, 0),
        { deliveryRefs: deliveries.map((d) => ({ deliveryId: d.deliveryId, amount: money(d.amount) })) },
      );
    }
  };

  // --- Cycles until the budget is reached in time order ---------------------------------------
  let cycleStart = after(rng, start, 1, profile.gapDays);
  for (let cycle = 1; cycle <= 10_000; cycle++) {
    if (cycle % 8 === 0 && rng.percent(30)) {
      if (hasLimit && rng.percent(10)) {
        emit(cycleStart, 'creditLimit.removed', {
          removedBy: rng.pick(LIMIT_SETTERS),
          reason: 'customer review',
        });
        hasLimit = false;
      } else {
        emit(
          cycleStart,
          'creditLimit.set',
          limitData(cycleStart, hasLimit ? 'annual review' : 'first assessment'),
        );
        hasLimit = true;
      }
      cycleStart = after(rng, cycleStart, 0, 0);
    }
    if (cycle % 10 === 0 && rng.percent(20)) {
      // The customer moves to another sales agent.
      profile.agent = `AG-${String(rng.int(1, 12)).padStart(2, '0')}`;
      emit(cycleStart, 'customer.updated', customerData());
      cycleStart = after(rng, cycleStart, 0, 0);
    }
    salesCycle(cycleStart);
    const next = after(rng, cycleStart, 1, profile.gapDays * 2);
    if (drafted.length >= budget) {
      // Every later cycle starts after `next`: stop once that is past the budget-th event.
      const cut = drafted.map((d) => d.t).sort((a, b) => a - b)[budget - 1];
      if (next > cut) break;
    }
    cycleStart = next;
  }
  drafted.sort((a, b) => a.t - b.t || a.seq - b.seq);
  return { name, events: numberInTimeOrder(drafted.slice(0, budget), customerId) };
}

const PLACEHOLDER = /\{\{([A-Z]+):([0-9]+)\}\}/g;

/** Replaces the placeholder ids with `<PREFIX>-<customerId>-0001`, ... numbered as they first appear in time. */
function numberInTimeOrder(events: Drafted[], customerId: string): Drafted[] {
  const assigned = new Map<string, string>();
  const next = new Map<string, number>();
  const rename = (_: string, prefix: string, n: string): string => {
    const placeholder = `${prefix}:${n}`;
    let final = assigned.get(placeholder);
    if (final === undefined) {
      const number = (next.get(prefix) ?? 0) + 1;
      next.set(prefix, number);
      final = `${prefix}-${customerId}-${String(number).padStart(4, '0')}`;
      assigned.set(placeholder, final);
    }
    return final;
  };
  return events.map((event) => ({
    ...event,
    data: JSON.parse(JSON.stringify(event.data).replace(PLACEHOLDER, rename)) as object,
  }));
}

// ---------------------------------------------------------------------------------------------
// One global order
// ---------------------------------------------------------------------------------------------

/**
 * Merges the streams into one sequence in a seeded random order that keeps each
 * stream's own order: what a producer sending everything would do. Streams are
 * drawn in proportion to what they have left.
 */
export function interleave(
  streams: Partial<Record<InputStream, readonly RawEnvelope[]>>,
  seed: number,
): SequencedEvent[] {
  const rng = createRng(hashSeed('interleave', seed));
  const names = INPUT_STREAMS.filter((s) => (streams[s]?.length ?? 0) > 0);
  const position = new Map<InputStream, number>(names.map((s) => [s, 0]));
  let left = names.reduce((sum, s) => sum + streams[s]!.length, 0);
  const out: SequencedEvent[] = [];
  while (left > 0) {
    let draw = rng.int(0, left - 1);
    for (const stream of names) {
      const list = streams[stream]!;
      const at = position.get(stream)!;
      const remaining = list.length - at;
      if (draw < remaining) {
        out.push({ stream, envelope: list[at] });
        position.set(stream, at + 1);
        break;
      }
      draw -= remaining;
    }
    left--;
  }
  return out;
}
