import {
  Archive,
  ArchivedPayments,
  BillState,
  BusinessDate,
  Cents,
  DeliveryState,
  DocumentKind,
  epochDay,
  fromEpochDay,
  InvoiceState,
  JournalEntryState,
  JournalLine,
  OrderState,
  Tombstone,
} from '@credit/domain';

/**
 * The stored form of live documents and of the archive: JSON arrays by
 * position, not objects, because a long-lived customer keeps hundreds of
 * them in Redis (spec 4.1: at most 64 KiB for five years of sales cycles) and
 * the property names were half of every document. Money is a JSON number
 * while it is a safe integer and a string beyond, so it stays exact; a
 * business date is its day number when that gives the same date back; an
 * absent optional value is null (trailing nulls of a journal line are left
 * out). Each encoder is written by hand: it runs for every document of every
 * page a batch rewrites, and builds the text without an intermediate object.
 */
type Encoded = readonly unknown[];

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const money = (cents: Cents): string =>
  cents <= MAX_SAFE && cents >= -MAX_SAFE ? cents.toString() : `"${cents.toString()}"`;
const text = (value: string): string => JSON.stringify(value);
const textOrNull = (value: string | null | undefined): string =>
  value == null ? 'null' : JSON.stringify(value);
const flag = (value: boolean): string => (value ? '1' : '0');
const at = (value: number | undefined): string => (value === undefined ? 'null' : String(value));

function date(value: BusinessDate | null | undefined): string {
  if (value == null) return 'null';
  const day = epochDay(value);
  return Number.isFinite(day) && fromEpochDay(day) === value ? String(day) : JSON.stringify(value);
}

const readMoney = (value: unknown): Cents => BigInt(value as number | string);
const readDate = (value: unknown): BusinessDate | null =>
  value == null ? null : typeof value === 'number' ? fromEpochDay(value) : (value as BusinessDate);
const readAt = (state: { at?: number }, value: unknown): void => {
  if (typeof value === 'number') state.at = value;
};

/** [id, amount, id, amount, ...] of a list of references, each an id under `id` and an amount. */
function refs<K extends string>(list: readonly ({ [P in K]: string } & { amount: Cents })[], id: K): string {
  let out = '';
  for (const ref of list) out += `${out === '' ? '' : ','}${text(ref[id])},${money(ref.amount)}`;
  return out;
}
function readRefs<R>(flat: Encoded, from: number, make: (id: string, amount: Cents) => R): R[] {
  const list: R[] = [];
  for (let i = from; i < flat.length; i += 2) list.push(make(flat[i] as string, readMoney(flat[i + 1])));
  return list;
}
const orderRef = (orderId: string, amount: Cents) => ({ orderId, amount });
const deliveryRef = (deliveryId: string, amount: Cents) => ({ deliveryId, amount });
const settlement = (openItemId: string, amount: Cents) => ({ openItemId, amount });

// order: [amount, closed, at]
const encodeOrder = (s: OrderState): string => `[${money(s.amount)},${textOrNull(s.closed)},${at(s.at)}]`;
function decodeOrder(a: Encoded): OrderState {
  const state: OrderState = { amount: readMoney(a[0]), closed: a[1] as OrderState['closed'] };
  readAt(state, a[2]);
  return state;
}

// delivery: [amount, cancelled, at, orderId, amount, ...]
function encodeDelivery(s: DeliveryState): string {
  const orders = refs(s.orderRefs, 'orderId');
  return `[${money(s.amount)},${flag(s.cancelled)},${at(s.at)}${orders === '' ? '' : ','}${orders}]`;
}
function decodeDelivery(a: Encoded): DeliveryState {
  const state: DeliveryState = {
    amount: readMoney(a[0]),
    cancelled: a[1] === 1,
    orderRefs: readRefs(a, 3, orderRef),
  };
  readAt(state, a[2]);
  return state;
}

// invoice: [amount, credit note, invoiceDate, cancelled, at, [deliveryId, amount, ...], [orderId, amount, ...]]
function encodeInvoice(s: InvoiceState): string {
  const deliveries = refs(s.deliveryRefs, 'deliveryId');
  const orders = refs(s.orderRefs, 'orderId');
  return (
    `[${money(s.amount)},${flag(s.kind === 'credit-note')},${date(s.invoiceDate)},${flag(s.cancelled)},` +
    `${at(s.at)},[${deliveries}],[${orders}]]`
  );
}
function decodeInvoice(a: Encoded): InvoiceState {
  const state: InvoiceState = {
    kind: a[1] === 1 ? 'credit-note' : 'invoice',
    amount: readMoney(a[0]),
    cancelled: a[3] === 1,
    deliveryRefs: readRefs(a[5] as Encoded, 0, deliveryRef),
    orderRefs: readRefs(a[6] as Encoded, 0, orderRef),
  };
  const invoiceDate = readDate(a[2]);
  if (invoiceDate !== null) state.invoiceDate = invoiceDate;
  readAt(state, a[4]);
  return state;
}

// journal line: [lineId, credit, amount, invoiceRef, openItemId, dueDate, [openItemId, amount, ...]], trailing nulls left out
function encodeLine(line: JournalLine): string {
  const optional = [
    textOrNull(line.invoiceRef),
    textOrNull(line.openItemId),
    date(line.dueDate),
    line.settles === undefined ? 'null' : `[${refs(line.settles, 'openItemId')}]`,
  ];
  let used = optional.length;
  while (used > 0 && optional[used - 1] === 'null') used--;
  let out = `[${text(line.lineId)},${flag(line.side === 'credit')},${money(line.amount)}`;
  for (let i = 0; i < used; i++) out += `,${optional[i]}`;
  return `${out}]`;
}
function decodeLine(a: Encoded): JournalLine {
  const line: JournalLine = {
    lineId: a[0] as string,
    side: a[1] === 1 ? 'credit' : 'debit',
    amount: readMoney(a[2]),
  };
  if (a[3] != null) line.invoiceRef = a[3] as string;
  if (a[4] != null) line.openItemId = a[4] as string;
  const dueDate = readDate(a[5]);
  if (dueDate !== null) line.dueDate = dueDate;
  if (a[6] != null) line.settles = readRefs(a[6] as Encoded, 0, settlement);
  return line;
}

// journal entry: [postingDate, reversed, at, line, line, ...]
function encodeEntry(s: JournalEntryState): string {
  let out = `[${date(s.postingDate)},${flag(s.reversed)},${at(s.at)}`;
  for (const line of s.lines) out += `,${encodeLine(line)}`;
  return `${out}]`;
}
function decodeEntry(a: Encoded): JournalEntryState {
  const lines: JournalLine[] = [];
  for (let i = 3; i < a.length; i++) lines.push(decodeLine(a[i] as Encoded));
  const state: JournalEntryState = { postingDate: readDate(a[0]), lines, reversed: a[1] === 1 };
  readAt(state, a[2]);
  return state;
}

// bill: [amount, dueDate, instrument, status, statusDate, at]
const encodeBill = (s: BillState): string =>
  `[${money(s.amount)},${date(s.dueDate)},${textOrNull(s.instrument)},${text(s.status)},${date(s.statusDate)},${at(s.at)}]`;
function decodeBill(a: Encoded): BillState {
  const state: BillState = {
    amount: readMoney(a[0]),
    dueDate: readDate(a[1]),
    instrument: a[2] as BillState['instrument'],
    status: a[3] as BillState['status'],
    statusDate: readDate(a[4]),
  };
  readAt(state, a[5]);
  return state;
}

interface DocumentOf {
  orders: OrderState;
  deliveries: DeliveryState;
  invoices: InvoiceState;
  journal: JournalEntryState;
  bills: BillState;
}
export type DocumentState = DocumentOf[DocumentKind];

const CODECS: {
  [K in DocumentKind]: { encode(s: DocumentOf[K]): string; decode(a: Encoded): DocumentOf[K] };
} = {
  orders: { encode: encodeOrder, decode: decodeOrder },
  deliveries: { encode: encodeDelivery, decode: decodeDelivery },
  invoices: { encode: encodeInvoice, decode: decodeInvoice },
  journal: { encode: encodeEntry, decode: decodeEntry },
  bills: { encode: encodeBill, decode: decodeBill },
};

/** A live document as stored (JSON text of its positional array). */
export const encodeDocument = <K extends DocumentKind>(kind: K, state: DocumentOf[K]): string =>
  CODECS[kind].encode(state);

/** A live document from its positional array (already parsed). */
export const decodeDocument = <K extends DocumentKind>(kind: K, encoded: Encoded): DocumentOf[K] =>
  CODECS[kind].decode(encoded);

/**
 * archive: [balance, [day, late, weight, ...] payments, [day, count, ...] dishonoured, [day, amount, ...]
 * turnover, [node, at, groupAt - at, ...] tombstones] (a tombstone's two instants are mostly equal).
 */
export function encodeArchive(archive: Archive): string {
  let payments = '';
  for (const [day, [late, weight]] of archive.payments)
    payments += `${payments === '' ? '' : ','}${date(day)},${money(late)},${money(weight)}`;
  let dishonoured = '';
  for (const [day, count] of archive.dishonoured)
    dishonoured += `${dishonoured === '' ? '' : ','}${date(day)},${count}`;
  let turnover = '';
  for (const [day, amount] of archive.turnover)
    turnover += `${turnover === '' ? '' : ','}${date(day)},${money(amount)}`;
  let tombstones = '';
  for (const [node, [documentAt, groupAt]] of archive.tombstones)
    tombstones += `${tombstones === '' ? '' : ','}${text(node)},${documentAt},${groupAt - documentAt}`;
  return `[${money(archive.balance)},[${payments}],[${dishonoured}],[${turnover}],[${tombstones}]]`;
}

export function decodeArchive(a: Encoded): Archive {
  const [balance, payments, dishonoured, turnover, tombstones] = a as [
    unknown,
    Encoded,
    Encoded,
    Encoded,
    Encoded,
  ];
  const archive: Archive = {
    balance: readMoney(balance),
    payments: new Map(),
    dishonoured: new Map(),
    turnover: new Map(),
    tombstones: new Map(),
  };
  for (let i = 0; i < payments.length; i += 3) {
    const pair: ArchivedPayments = [readMoney(payments[i + 1]), readMoney(payments[i + 2])];
    archive.payments.set(readDate(payments[i])!, pair);
  }
  for (let i = 0; i < dishonoured.length; i += 2)
    archive.dishonoured.set(readDate(dishonoured[i])!, dishonoured[i + 1] as number);
  for (let i = 0; i < turnover.length; i += 2)
    archive.turnover.set(readDate(turnover[i])!, readMoney(turnover[i + 1]));
  for (let i = 0; i < tombstones.length; i += 3) {
    const documentAt = tombstones[i + 1] as number;
    const tombstone: Tombstone = [documentAt, documentAt + (tombstones[i + 2] as number)];
    archive.tombstones.set(tombstones[i] as string, tombstone);
  }
  return archive;
}
