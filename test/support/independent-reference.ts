/**
 * An independent reference model of the exposure engine, written from the
 * product specification alone (../shared/spec/credit-exposure.md sections 3-5
 * and 8) and the decisions docs/architecture.md records where the
 * specification is silent. It imports nothing from the engine: its own JSON
 * reading of the messages as they were produced, its own decimal-string money
 * on bigint cents, its own calendar arithmetic and time zones (Intl). A
 * mistake shared by the engine's decoder and domain code therefore shows up
 * as a difference between the two, which test/support/reference.ts (built on
 * that very code) cannot see.
 *
 * Deliberately simple: every figure is recomputed from the whole document
 * state on every question, with no caching, no incremental update and no
 * archiving.
 */

export type InputRole = 'documents' | 'journalEntries' | 'billPortfolio' | 'creditLimits' | 'customers';

export const COMPONENT_NAMES = ['orders', 'deliveries', 'unpostedInvoices', 'receivables', 'bills'] as const;
export type ComponentName = (typeof COMPONENT_NAMES)[number];

export interface RiskClassBound {
  maxAvgDaysLate: number;
  maxDishonouredBills: number;
}

/** The company parameters the specification names, with its defaults below. */
export interface ReferenceParameters {
  timeZone: string;
  includedComponents: Record<ComponentName, boolean>;
  billRiskDays: number;
  missingLimit: 'no-limit' | 'zero-warn' | 'zero-block';
  riskClasses: { A: RiskClassBound; B: RiskClassBound; C: RiskClassBound };
}

/** Section 2 (Europe/Rome), 3.3 (15 days), 5 (no limit = NO_LIMIT) and 8 (5/0, 20/1, 45/2). */
export const SPEC_DEFAULT_PARAMETERS: ReferenceParameters = {
  timeZone: 'Europe/Rome',
  includedComponents: {
    orders: true,
    deliveries: true,
    unpostedInvoices: true,
    receivables: true,
    bills: true,
  },
  billRiskDays: 15,
  missingLimit: 'no-limit',
  riskClasses: {
    A: { maxAvgDaysLate: 5, maxDishonouredBills: 0 },
    B: { maxAvgDaysLate: 20, maxDishonouredBills: 1 },
    C: { maxAvgDaysLate: 45, maxDishonouredBills: 2 },
  },
};

/** What the reference says a customer's exposure is, in the API's wire format. */
export interface ReferenceExposure {
  components: Record<ComponentName, string>;
  total: string;
  overdueAmount: string;
  oldestOverdueDays: number;
  status: 'NO_LIMIT' | 'OK' | 'WARNING' | 'EXCEEDED';
  blocked: boolean;
  blockReasons: string[];
  riskClass: 'A' | 'B' | 'C' | 'D';
  avgDaysLate: string;
  dishonouredBills12m: number;
  businessDate: string;
}

// ---------------------------------------------------------------------------------------------
// Money: decimal strings (section 2) as bigint cents
// ---------------------------------------------------------------------------------------------

const MONEY = /^(-?)([0-9]{1,13})(?:\.([0-9]{1,2}))?$/;

export function parseCents(text: unknown, field: string): bigint {
  if (typeof text !== 'string')
    throw new Error(`${field}: money must be a string, got ${JSON.stringify(text)}`);
  const match = MONEY.exec(text);
  if (match === null) throw new Error(`${field}: not a money string: ${JSON.stringify(text)}`);
  const cents = BigInt(match[2]) * 100n + BigInt((match[3] ?? '0').padEnd(2, '0'));
  return match[1] === '-' ? -cents : cents;
}

export function formatCents(cents: bigint): string {
  const negative = cents < 0n;
  const abs = negative ? -cents : cents;
  const units = abs / 100n;
  const rest = abs % 100n;
  return `${negative ? '-' : ''}${units}.${rest < 10n ? '0' : ''}${rest}`;
}

const max0 = (value: bigint): bigint => (value > 0n ? value : 0n);

// ---------------------------------------------------------------------------------------------
// Dates: YYYY-MM-DD as day numbers, and "today" in a time zone
// ---------------------------------------------------------------------------------------------

const DATE = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/;

function dayNumber(date: string): number {
  const match = DATE.exec(date);
  if (match === null) throw new Error(`not a date: ${JSON.stringify(date)}`);
  return Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) / 86_400_000;
}

/** Whole days from `from` to `to` (positive when `to` is later). */
export const daysFrom = (from: string, to: string): number => dayNumber(to) - dayNumber(from);

/** The calendar date of `instant` on the wall clocks of `timeZone`. */
export function localDate(instant: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(instant);
  const part = (type: string) => parts.find((p) => p.type === type)!.value;
  return `${part('year')}-${part('month')}-${part('day')}`;
}

/** A date field that may also be an instant: the date as written (3.3). */
const datePart = (value: unknown, field: string): string => {
  if (typeof value !== 'string' || !DATE.test(value.slice(0, 10)))
    throw new Error(`${field}: not a date: ${JSON.stringify(value)}`);
  return value.slice(0, 10);
};

// ---------------------------------------------------------------------------------------------
// Document state (sections 3 and 4)
// ---------------------------------------------------------------------------------------------

interface Ref {
  id: string;
  amount: bigint;
}

/** `at`: occurredAt (ms) of the last upsert applied; undefined for a tombstone (a close seen first). */
interface Order {
  amount: bigint | null;
  closed: boolean;
  at?: number;
}
interface Delivery {
  amount: bigint | null;
  orderRefs: Ref[];
  cancelled: boolean;
  at?: number;
}
interface Invoice {
  amount: bigint | null;
  creditNote: boolean;
  orderRefs: Ref[];
  deliveryRefs: Ref[];
  cancelled: boolean;
  at?: number;
}
interface Line {
  debit: boolean;
  amount: bigint;
  invoiceRef?: string;
  openItemId?: string;
  dueDate?: string;
  settles: Ref[];
}
interface Entry {
  postingDate: string | null;
  lines: Line[];
  reversed: boolean;
  at?: number;
}
interface Bill {
  amount: bigint | null;
  dueDate: string | null;
  ended: null | { how: 'collected' | 'dishonoured' | 'cancelled'; date: string | null };
  at?: number;
}
interface Limit {
  amount: bigint;
  mode: 'warn' | 'block';
  attentionThresholdPct: number;
  validUntil: string | null;
  blockOnOverdue: boolean;
  overdueToleranceDays: number;
}

interface CustomerState {
  eventIds: Set<string>;
  orders: Map<string, Order>;
  deliveries: Map<string, Delivery>;
  invoices: Map<string, Invoice>;
  entries: Map<string, Entry>;
  bills: Map<string, Bill>;
  limit: Limit | null;
}

const newCustomer = (): CustomerState => ({
  eventIds: new Set(),
  orders: new Map(),
  deliveries: new Map(),
  invoices: new Map(),
  entries: new Map(),
  bills: new Map(),
  limit: null,
});

type Data = Record<string, unknown>;

const text = (data: Data, field: string): string => {
  const value = data[field];
  if (typeof value !== 'string' || value.length === 0)
    throw new Error(`${field}: expected a string, got ${JSON.stringify(value)}`);
  return value;
};

const refs = (value: unknown, idField: string): Ref[] =>
  value === undefined
    ? []
    : (value as Data[]).map((r) => ({
        id: text(r, idField),
        amount: parseCents(r.amount, `${idField} amount`),
      }));

/**
 * The spec's ordering rule for upserts (section 3): one whose occurredAt is
 * older than the last upsert applied to the same document changes nothing.
 */
const stale = (doc: { at?: number } | undefined, at: number): boolean =>
  doc !== undefined && doc.at !== undefined && at < doc.at;

export class IndependentReference {
  private readonly customers = new Map<string, CustomerState>();

  /** Customer keys (`companyId:customerId`) with at least one applied event. */
  keys(): string[] {
    return [...this.customers.keys()];
  }

  /** Applies one message as produced (its bytes), in its topic's order; a known eventId is skipped. */
  apply(role: InputRole, value: Buffer | string): void {
    const envelope = JSON.parse(typeof value === 'string' ? value : value.toString('utf8')) as Data;
    const eventId = text(envelope, 'eventId');
    const key = `${text(envelope, 'companyId')}:${text(envelope, 'customerId')}`;
    const at = Date.parse(text(envelope, 'occurredAt'));
    if (Number.isNaN(at)) throw new Error(`occurredAt is not an instant: ${String(envelope.occurredAt)}`);
    const customer = this.customers.get(key) ?? newCustomer();
    this.customers.set(key, customer);
    if (customer.eventIds.has(eventId)) return;
    customer.eventIds.add(eventId);
    const type = text(envelope, 'type');
    const data = envelope.data as Data;
    if (typeof data !== 'object' || data === null) throw new Error(`${eventId}: data is not an object`);
    this.fold(role, type, data, at, customer);
  }

  private fold(role: InputRole, type: string, data: Data, at: number, c: CustomerState): void {
    switch (type) {
      case 'order.confirmed': {
        const id = text(data, 'orderId');
        const order = c.orders.get(id);
        if (stale(order, at)) return;
        c.orders.set(id, { amount: parseCents(data.amount, 'amount'), closed: order?.closed ?? false, at });
        return;
      }
      case 'order.closed': {
        const id = text(data, 'orderId');
        c.orders.set(id, { ...(c.orders.get(id) ?? { amount: null }), closed: true });
        return;
      }
      case 'delivery.issued': {
        const id = text(data, 'deliveryId');
        const delivery = c.deliveries.get(id);
        if (stale(delivery, at)) return;
        c.deliveries.set(id, {
          amount: parseCents(data.amount, 'amount'),
          orderRefs: refs(data.orderRefs, 'orderId'),
          cancelled: delivery?.cancelled ?? false,
          at,
        });
        return;
      }
      case 'delivery.cancelled': {
        const id = text(data, 'deliveryId');
        c.deliveries.set(id, {
          ...(c.deliveries.get(id) ?? { amount: null, orderRefs: [] }),
          cancelled: true,
        });
        return;
      }
      case 'invoice.issued': {
        const id = text(data, 'invoiceId');
        const invoice = c.invoices.get(id);
        if (stale(invoice, at)) return;
        c.invoices.set(id, {
          amount: parseCents(data.amount, 'amount'),
          creditNote: text(data, 'kind') === 'credit-note',
          orderRefs: refs(data.orderRefs, 'orderId'),
          deliveryRefs: refs(data.deliveryRefs, 'deliveryId'),
          cancelled: invoice?.cancelled ?? false,
          at,
        });
        return;
      }
      case 'invoice.cancelled': {
        const id = text(data, 'invoiceId');
        const invoice = c.invoices.get(id) ?? {
          amount: null,
          creditNote: false,
          orderRefs: [],
          deliveryRefs: [],
        };
        c.invoices.set(id, { ...invoice, cancelled: true });
        return;
      }
      case 'journal.posted': {
        const id = text(data, 'entryId');
        const entry = c.entries.get(id);
        if (stale(entry, at)) return;
        const lines = (data.lines as Data[]).map((line): Line => ({
          debit: text(line, 'side') === 'debit',
          amount: parseCents(line.amount, 'line amount'),
          invoiceRef: line.invoiceRef as string | undefined,
          openItemId: line.openItemId as string | undefined,
          dueDate: line.dueDate === undefined ? undefined : datePart(line.dueDate, 'dueDate'),
          settles: refs(line.settles, 'openItemId'),
        }));
        c.entries.set(id, {
          postingDate: datePart(data.postingDate, 'postingDate'),
          lines,
          reversed: entry?.reversed ?? false,
          at,
        });
        return;
      }
      case 'journal.reversed': {
        const id = text(data, 'entryId');
        c.entries.set(id, { ...(c.entries.get(id) ?? { postingDate: null, lines: [] }), reversed: true });
        return;
      }
      case 'bill.issued': {
        const id = text(data, 'billId');
        const bill = c.bills.get(id);
        if (stale(bill, at)) return;
        c.bills.set(id, {
          amount: parseCents(data.amount, 'amount'),
          dueDate: datePart(data.dueDate, 'dueDate'),
          ended: bill?.ended ?? null,
          at,
        });
        return;
      }
      case 'bill.presented':
        // Still at risk; never reopens an ended bill.
        return;
      case 'bill.collected':
      case 'bill.dishonoured':
      case 'bill.cancelled': {
        const id = text(data, 'billId');
        const how = type.slice('bill.'.length) as 'collected' | 'dishonoured' | 'cancelled';
        const date = how === 'dishonoured' ? datePart(data.dishonouredAt, 'dishonouredAt') : null;
        // Among the three, the latest in partition order wins (a collected RiBa can still come back unpaid).
        c.bills.set(id, { ...(c.bills.get(id) ?? { amount: null, dueDate: null }), ended: { how, date } });
        return;
      }
      case 'creditLimit.set':
        c.limit = {
          amount: parseCents(data.amount, 'amount'),
          mode: text(data, 'mode') as Limit['mode'],
          attentionThresholdPct: (data.attentionThresholdPct as number | undefined) ?? 80,
          validUntil: data.validUntil === undefined ? null : datePart(data.validUntil, 'validUntil'),
          blockOnOverdue: (data.blockOnOverdue as boolean | undefined) ?? true,
          overdueToleranceDays: (data.overdueToleranceDays as number | undefined) ?? 0,
        };
        return;
      case 'creditLimit.removed':
        c.limit = null;
        return;
      case 'document.checkRequested':
      case 'customer.updated':
        // A check changes no document; master data changes no figure.
        return;
      default:
        throw new Error(`${role}: event type the reference does not know: ${type}`);
    }
  }

  /** Every customer's exposure at `instant`, each company with its parameters (the spec's defaults otherwise). */
  exposures(
    instant: Date,
    parametersOf: (companyId: string) => ReferenceParameters = () => SPEC_DEFAULT_PARAMETERS,
  ): Map<string, ReferenceExposure> {
    const result = new Map<string, ReferenceExposure>();
    for (const key of this.customers.keys()) {
      const params = parametersOf(key.slice(0, key.indexOf(':')));
      result.set(key, this.exposure(key, localDate(instant, params.timeZone), params));
    }
    return result;
  }

  /** One customer's exposure on a business date. */
  exposure(key: string, businessDate: string, params: ReferenceParameters): ReferenceExposure {
    const c = this.customers.get(key) ?? newCustomer();
    const liveDeliveries = [...c.deliveries.values()].filter((d) => d.amount !== null && !d.cancelled);
    const liveInvoices = [...c.invoices.values()].filter((i) => i.amount !== null && !i.cancelled);
    const postedEntries = [...c.entries.values()].filter((e) => e.postingDate !== null && !e.reversed);
    const sumRefs = (list: Ref[][], id: string) =>
      list.flat().reduce((sum, r) => (r.id === id ? sum + r.amount : sum), 0n);

    // Section 4: the five components.
    let orders = 0n;
    for (const [id, order] of c.orders) {
      if (order.amount === null || order.closed) continue;
      const consumed = sumRefs(
        [...liveDeliveries.map((d) => d.orderRefs), ...liveInvoices.map((i) => i.orderRefs)],
        id,
      );
      orders += max0(order.amount - consumed);
    }
    let deliveries = 0n;
    for (const [id, delivery] of c.deliveries) {
      if (delivery.amount === null || delivery.cancelled) continue;
      deliveries += max0(
        delivery.amount -
          sumRefs(
            liveInvoices.map((i) => i.deliveryRefs),
            id,
          ),
      );
    }
    const postedInvoices = new Set(postedEntries.flatMap((e) => e.lines.flatMap((l) => l.invoiceRef ?? [])));
    let unpostedInvoices = 0n;
    for (const [id, invoice] of c.invoices) {
      if (invoice.amount === null || invoice.cancelled || postedInvoices.has(id)) continue;
      unpostedInvoices += invoice.creditNote ? -invoice.amount : invoice.amount;
    }
    let receivables = 0n;
    for (const entry of postedEntries)
      for (const line of entry.lines) receivables += line.debit ? line.amount : -line.amount;
    let bills = 0n;
    for (const bill of c.bills.values()) {
      if (bill.amount === null || bill.dueDate === null || bill.ended !== null) continue;
      if (daysFrom(bill.dueDate, businessDate) <= params.billRiskDays) bills += bill.amount;
    }
    const components: Record<ComponentName, bigint> = {
      orders,
      deliveries,
      unpostedInvoices,
      receivables,
      bills,
    };
    const total = COMPONENT_NAMES.reduce(
      (sum, name) => (params.includedComponents[name] ? sum + components[name] : sum),
      0n,
    );

    // Open items: debit lines with openItemId and dueDate; lines of one id add up, due on the earliest date.
    const items = new Map<string, { amount: bigint; dueDate: string; settled: bigint }>();
    for (const entry of postedEntries) {
      for (const line of entry.lines) {
        if (!line.debit || line.openItemId === undefined || line.dueDate === undefined) continue;
        const item = items.get(line.openItemId);
        if (item === undefined)
          items.set(line.openItemId, { amount: line.amount, dueDate: line.dueDate, settled: 0n });
        else {
          item.amount += line.amount;
          if (line.dueDate < item.dueDate) item.dueDate = line.dueDate;
        }
      }
    }
    const settlements: { openItemId: string; amount: bigint; date: string }[] = [];
    for (const entry of postedEntries) {
      for (const line of entry.lines) {
        if (line.debit) continue;
        for (const s of line.settles)
          settlements.push({ openItemId: s.id, amount: s.amount, date: entry.postingDate! });
      }
    }
    for (const s of settlements) {
      const item = items.get(s.openItemId);
      if (item !== undefined) item.settled += s.amount;
    }
    let overdueAmount = 0n;
    let oldestOverdueDays = 0;
    const unpaidOverdue: { residual: bigint; days: number }[] = [];
    for (const item of items.values()) {
      const residual = max0(item.amount - item.settled);
      const days = daysFrom(item.dueDate, businessDate);
      if (residual === 0n || days <= 0) continue;
      overdueAmount += residual;
      oldestOverdueDays = Math.max(oldestOverdueDays, days);
      unpaidOverdue.push({ residual, days });
    }

    // Section 5: the limit that applies, the status and the block.
    let limit: (Limit & { expired: boolean }) | null = null;
    if (c.limit !== null) {
      const expired = c.limit.validUntil !== null && c.limit.validUntil < businessDate;
      limit = { ...c.limit, amount: expired ? 0n : c.limit.amount, expired };
    } else if (params.missingLimit !== 'no-limit') {
      // "Treat a missing limit as zero": with a zero amount the threshold percentage cannot matter.
      limit = {
        amount: 0n,
        mode: params.missingLimit === 'zero-block' ? 'block' : 'warn',
        attentionThresholdPct: 100,
        validUntil: null,
        blockOnOverdue: true,
        overdueToleranceDays: 0,
        expired: false,
      };
    }
    let status: ReferenceExposure['status'] = 'NO_LIMIT';
    if (limit !== null) {
      if (total > limit.amount) status = 'EXCEEDED';
      else if (total * 100n >= limit.amount * BigInt(limit.attentionThresholdPct)) status = 'WARNING';
      else status = 'OK';
    }
    // Overdue breach: some item with a residual more than the tolerance past its due date.
    const tolerance = limit?.overdueToleranceDays ?? 0;
    const overdueBreach = unpaidOverdue.some(({ days }) => days > tolerance);
    const blockReasons: string[] = [];
    if (limit !== null && limit.mode === 'block') {
      if (status === 'EXCEEDED') blockReasons.push('LIMIT_EXCEEDED');
      if (limit.expired) blockReasons.push('LIMIT_EXPIRED');
      if (limit.blockOnOverdue && overdueBreach) blockReasons.push('OVERDUE');
    }

    // Section 8: payment behaviour over the 365 days ending on the business date.
    const inWindow = (date: string) => {
      const age = daysFrom(date, businessDate);
      return age >= 0 && age < 365;
    };
    let lateDayCents = 0n;
    let weightCents = 0n;
    for (const s of settlements) {
      const item = items.get(s.openItemId);
      if (item === undefined || !inWindow(s.date)) continue;
      lateDayCents += s.amount * BigInt(Math.max(0, daysFrom(item.dueDate, s.date)));
      weightCents += s.amount;
    }
    for (const { residual, days } of unpaidOverdue) {
      lateDayCents += residual * BigInt(days);
      weightCents += residual;
    }
    let dishonouredBills12m = 0;
    for (const bill of c.bills.values()) {
      if (bill.ended?.how === 'dishonoured' && bill.ended.date !== null && inWindow(bill.ended.date))
        dishonouredBills12m += 1;
    }
    const averageAtMost = (days: number) => weightCents === 0n || lateDayCents <= weightCents * BigInt(days);
    const riskClass =
      (['A', 'B', 'C'] as const).find(
        (name) =>
          averageAtMost(params.riskClasses[name].maxAvgDaysLate) &&
          dishonouredBills12m <= params.riskClasses[name].maxDishonouredBills,
      ) ?? 'D';

    return {
      components: Object.fromEntries(
        COMPONENT_NAMES.map((name) => [name, formatCents(components[name])]),
      ) as Record<ComponentName, string>,
      total: formatCents(total),
      overdueAmount: formatCents(overdueAmount),
      oldestOverdueDays,
      status,
      blocked: blockReasons.length > 0,
      blockReasons,
      riskClass,
      avgDaysLate: roundedHundredths(lateDayCents, weightCents),
      dishonouredBills12m,
      businessDate,
    };
  }
}

/** numerator / denominator (both >= 0) rounded half up to two decimals; "0.00" for an empty average. */
export function roundedHundredths(numerator: bigint, denominator: bigint): string {
  if (denominator === 0n) return '0.00';
  let hundredths = (numerator * 100n) / denominator;
  if (((numerator * 100n) % denominator) * 2n >= denominator) hundredths += 1n;
  return formatCents(hundredths);
}
