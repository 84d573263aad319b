import { BusinessDate } from './dates';
import {
  billComponent,
  Components,
  deliveryComponent,
  ledgerBalance,
  orderComponent,
  total,
  unpostedInvoiceComponent,
} from './components';
import {
  CaseClosedReason,
  ClosedCase,
  collectionBlocks,
  collectionState,
  CollectionState,
  CollectionView,
  datedActions,
} from './collections';
import { lastCreditChangeOn, reviewDueOn } from './credit-class';
import { CreditLimit, CustomerDocuments } from './documents';
import {
  blockReasons,
  BlockReason,
  effectiveLimit,
  ExposureStatus,
  limitStatus,
  manualBlockActive,
} from './limit';
import { LiveFigures } from './figures';
import { Cents, percentage, ZERO } from './money';
import {
  OpenItem,
  openItems,
  overdueSummary,
  OverdueSummary,
  SettlementRecord,
  settlements,
} from './open-items';
import { CompanyParameters } from './parameters';
import {
  archivedBehaviour,
  averageDaysLate,
  PaymentBehaviour,
  paymentBehaviour,
  RiskClass,
  riskClass,
} from './payment-behaviour';

/** Everything the contract says about one customer on one business date. */
export interface Assessment {
  businessDate: BusinessDate;
  components: Components;
  total: Cents;
  overdueAmount: Cents;
  oldestOverdueDays: number;
  overdueBreach: boolean;
  /** The limit as set (null when none), for display. */
  limit: CreditLimit | null;
  /** The amount compared with the total: 0 once expired, or by the missing-limit policy. */
  limitAmount: Cents | null;
  status: ExposureStatus;
  utilizationPct: string | null;
  blocked: boolean;
  blockReasons: BlockReason[];
  avgDaysLate: string;
  dishonouredBills12m: number;
  riskClass: RiskClass;
  /** The customer's credit class and its terms; null without one. */
  creditClass: AssessedCreditClass | null;
  /** The manual block while it is active; null when there is none or its date has passed. */
  manualBlock: { reason: string; until: BusinessDate | null } | null;
  /** Business date of the latest class assignment or limit change; null when none. */
  lastCreditChangeOn: BusinessDate | null;
  /** When the customer is due for a credit review; null without a class with reviewEveryDays. */
  reviewDueOn: BusinessDate | null;
  /** The open collection case (spec 12); absent from assessments stored before: read with `?? null`. */
  collection?: CollectionView | null;
  /** The case closed last, so that its closing is published with its reason. */
  lastClosedCase?: ClosedCase | null;
  /** Why a case published open would close today (when lastClosedCase does not name it). */
  caseClosingReason?: CaseClosedReason;
}

export interface AssessedCreditClass {
  code: string;
  maxPaymentTermsDays: number;
  maxDocumentAmount: Cents | null;
  reviewEveryDays: number | null;
}

/**
 * An assessment with what it was computed from. Only assessFrom makes one, so
 * the parts it holds are always those of its documents, date and parameters;
 * the next assessment of the same customer reuses the parts whose inputs it
 * shares. It lives in memory only: a stored assessment may come from other
 * rules or parameters, so it is never a basis.
 */
export interface Assessed {
  readonly documents: CustomerDocuments;
  readonly businessDate: BusinessDate;
  readonly params: CompanyParameters;
  readonly assessment: Assessment;
  readonly openItems: ReadonlyMap<string, OpenItem>;
  readonly overdue: OverdueSummary;
  readonly overdueToleranceDays: number;
  readonly behaviour: PaymentBehaviour;
  readonly collection: CollectionState;
}

export function assess(
  docs: CustomerDocuments,
  businessDate: BusinessDate,
  params: CompanyParameters,
): Assessment {
  return assessFrom(null, docs, businessDate, params).assessment;
}

/**
 * assess, reusing every part of `previous` whose inputs are the very same
 * objects. Documents are copy-on-write (applyFact replaces only the map it
 * changes), so a fact about an invoice leaves the journal, the bills and the
 * receivables untouched, and those parts need no new pass. Which inputs each
 * part reads:
 *
 * | part                    | documents                     | date | parameters   |
 * | ----------------------- | ----------------------------- | ---- | ------------ |
 * | orders                  | orders, deliveries, invoices  |      |              |
 * | deliveries              | deliveries, invoices          |      |              |
 * | unposted invoices       | invoices, journal             |      |              |
 * | receivables, open items | journal                       |      |              |
 * | bills                   | bills                         | yes  | billRiskDays |
 * | overdue                 | journal, limit's tolerance    | yes  |              |
 * | payment behaviour       | journal, bills                | yes  |              |
 * | collection case         | journal, collection actions   | yes  | dunning, zone |
 *
 * The limit, status, blocks, risk class, credit class and review date are
 * cheap and always computed.
 */
export function assessFrom(
  previous: Assessed | null,
  docs: CustomerDocuments,
  businessDate: BusinessDate,
  params: CompanyParameters,
): Assessed {
  return assessParts(docs, businessDate, params, fullParts(previous, docs, businessDate, params));
}

/**
 * The assessment of a draft's documents from the figures it maintains
 * (LiveFigures): the components by deltas, so only the date-dependent parts
 * (bills at risk, overdue items, payment behaviour) walk the live documents,
 * which archiving keeps to what is open. Equal to assess() on the same
 * documents (the property tests hold it to it).
 */
export function assessLive(
  docs: CustomerDocuments,
  figures: LiveFigures,
  businessDate: BusinessDate,
  params: CompanyParameters,
): Assessed {
  const limit = effectiveLimit(docs.limit, businessDate, params);
  const overdueToleranceDays = limit?.overdueToleranceDays ?? 0;
  // The walks depend on the date, the journal, the bills and the archive only: a fact about an order,
  // a delivery or an invoice reuses them (figures.datedVersion moves with every other change).
  const key = `${businessDate}|${params.billRiskDays}|${overdueToleranceDays}|${figures.datedVersion}`;
  const dated = figures.dated(key, () => {
    const items = figures.openItems();
    const paid = figures.settlements();
    return {
      bills: billComponent(docs, businessDate, params.billRiskDays),
      items,
      paid,
      overdue: overdueSummary(items.values(), businessDate, overdueToleranceDays),
      behaviour: paymentBehaviour(docs, items, paid, businessDate, archivedPart(docs, figures, businessDate)),
    };
  });
  const collectionKey = `${key}|${params.timeZone}`;
  const kept = liveCollections.get(figures);
  const collection =
    kept !== undefined &&
    kept.key === collectionKey &&
    kept.actions === docs.collection &&
    kept.policy === params.dunning
      ? kept.state
      : caseOf(docs, dated.items, dated.paid, businessDate, params);
  liveCollections.set(figures, {
    key: collectionKey,
    actions: docs.collection,
    policy: params.dunning,
    state: collection,
  });
  return assessParts(docs, businessDate, params, {
    collection,
    components: {
      orders: figures.orders,
      deliveries: figures.deliveries,
      unpostedInvoices: figures.unposted,
      receivables: figures.balance + (docs.archive?.balance ?? ZERO),
      bills: dated.bills,
    },
    items: dated.items,
    overdueToleranceDays,
    overdue: dated.overdue,
    behaviour: dated.behaviour,
  });
}

/**
 * The archive's part of the payment behaviour (a year of dated sums), kept while the archive and the date
 * stand: the journal changes far more often than archiving runs.
 */
const liveArchived = new WeakMap<LiveFigures, { key: string; part: PaymentBehaviour }>();

function archivedPart(
  docs: CustomerDocuments,
  figures: LiveFigures,
  businessDate: BusinessDate,
): PaymentBehaviour {
  const key = `${businessDate}|${figures.archiveVersion}`;
  const kept = liveArchived.get(figures);
  if (kept !== undefined && kept.key === key) return kept.part;
  const part = archivedBehaviour(docs.archive, businessDate);
  liveArchived.set(figures, { key, part });
  return part;
}

/** The collection case of a draft's figures, kept while its date, journal, actions and policy stand. */
const liveCollections = new WeakMap<
  LiveFigures,
  {
    key: string;
    actions: CustomerDocuments['collection'];
    policy: CompanyParameters['dunning'];
    state: CollectionState;
  }
>();

const caseOf = (
  docs: CustomerDocuments,
  items: ReadonlyMap<string, OpenItem>,
  paid: readonly SettlementRecord[],
  businessDate: BusinessDate,
  params: CompanyParameters,
): CollectionState =>
  collectionState({
    items: items.values(),
    settlements: paid,
    actions: datedActions(docs.collection?.actions, params.timeZone),
    policy: params.dunning,
    businessDate,
  });

/** The parts of an assessment that walk documents. */
interface Parts {
  collection: CollectionState;
  components: Components;
  items: ReadonlyMap<string, OpenItem>;
  overdueToleranceDays: number;
  overdue: OverdueSummary;
  behaviour: PaymentBehaviour;
}

function fullParts(
  previous: Assessed | null,
  docs: CustomerDocuments,
  businessDate: BusinessDate,
  params: CompanyParameters,
): Parts {
  const was = previous?.documents;
  const sameDate = previous?.businessDate === businessDate;
  const same = (...maps: ('orders' | 'deliveries' | 'invoices' | 'journal' | 'bills')[]): boolean =>
    was !== undefined && maps.every((map) => was[map] === docs[map]);
  const before = previous?.assessment.components;

  const parts: Components = {
    orders: before && same('orders', 'deliveries', 'invoices') ? before.orders : orderComponent(docs),
    deliveries: before && same('deliveries', 'invoices') ? before.deliveries : deliveryComponent(docs),
    unpostedInvoices:
      before && same('invoices', 'journal') ? before.unpostedInvoices : unpostedInvoiceComponent(docs),
    receivables: before && same('journal') ? before.receivables : ledgerBalance(docs),
    bills:
      before && same('bills') && sameDate && previous!.params.billRiskDays === params.billRiskDays
        ? before.bills
        : billComponent(docs, businessDate, params.billRiskDays),
  };
  const limit = effectiveLimit(docs.limit, businessDate, params);
  const items = previous && same('journal') ? previous.openItems : openItems(docs);
  const overdueToleranceDays = limit?.overdueToleranceDays ?? 0;
  const overdue =
    previous && same('journal') && sameDate && previous.overdueToleranceDays === overdueToleranceDays
      ? previous.overdue
      : overdueSummary(items.values(), businessDate, overdueToleranceDays);
  // The settlements walk the journal: once, for the two parts that read them.
  let paid: SettlementRecord[] | undefined;
  const paidOf = (): SettlementRecord[] => (paid ??= settlements(docs));
  const behaviour =
    previous && same('journal', 'bills') && sameDate
      ? previous.behaviour
      : paymentBehaviour(docs, items, paidOf(), businessDate);
  const collection =
    previous &&
    same('journal') &&
    sameDate &&
    was!.collection === docs.collection &&
    previous.params.dunning === params.dunning &&
    previous.params.timeZone === params.timeZone
      ? previous.collection
      : caseOf(docs, items, paidOf(), businessDate, params);
  return { collection, components: parts, items, overdueToleranceDays, overdue, behaviour };
}

function assessParts(
  docs: CustomerDocuments,
  businessDate: BusinessDate,
  params: CompanyParameters,
  { collection, components: parts, items, overdueToleranceDays, overdue, behaviour }: Parts,
): Assessed {
  const exposure = total(parts, params);
  const limit = effectiveLimit(docs.limit, businessDate, params);
  const status = limitStatus(exposure, limit);
  const manualBlock = docs.manualBlock ?? null;
  const manuallyBlocked = manualBlockActive(manualBlock, businessDate);
  const reasons = blockReasons(
    status,
    limit,
    overdue.breach,
    manuallyBlocked,
    collectionBlocks(collection.open),
  );
  const creditClass = docs.creditClass ?? null;
  const assessment: Assessment = {
    businessDate,
    components: parts,
    total: exposure,
    overdueAmount: overdue.overdueAmount,
    oldestOverdueDays: overdue.oldestOverdueDays,
    overdueBreach: overdue.breach,
    limit: docs.limit,
    limitAmount: limit?.amount ?? null,
    status,
    utilizationPct: limit === null ? null : percentage(exposure, limit.amount),
    blocked: reasons.length > 0,
    blockReasons: reasons,
    avgDaysLate: averageDaysLate(behaviour),
    dishonouredBills12m: behaviour.dishonouredBills12m,
    riskClass: riskClass(behaviour, params),
    creditClass:
      creditClass === null
        ? null
        : {
            code: creditClass.code,
            maxPaymentTermsDays: creditClass.maxPaymentTermsDays,
            maxDocumentAmount: creditClass.maxDocumentAmount,
            reviewEveryDays: creditClass.reviewEveryDays,
          },
    manualBlock: manuallyBlocked ? { reason: manualBlock!.reason, until: manualBlock!.until } : null,
    lastCreditChangeOn: lastCreditChangeOn(docs, params.timeZone),
    reviewDueOn: reviewDueOn(docs, params.timeZone),
    collection: collection.open,
    lastClosedCase: collection.lastClosed,
    caseClosingReason: collection.closingReason,
  };
  return {
    documents: docs,
    businessDate,
    params,
    assessment,
    openItems: items,
    overdue,
    overdueToleranceDays,
    behaviour,
    collection,
  };
}
