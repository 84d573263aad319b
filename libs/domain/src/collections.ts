import { addDays, BusinessDate, businessDateOfInstant, daysBetween, epochDay, fromEpochDay } from './dates';
import { CollectionActionRecord } from './documents';
import { RecoveryStage } from './facts';
import { Cents, ZERO } from './money';
import { DunningAction, DunningPolicy } from './parameters';

/**
 * Collection cases (spec section 12), computed from narrow inputs only: the
 * customer's open items, its dated settlements, its collection actions, the
 * dunning policy and the business date. Pure and a function of those inputs
 * alone, so a rebuild or a replay finds the same case, with the same id, on
 * the same date, whatever order the facts were folded in.
 *
 * Rules, evaluated as of each date t (only settlements dated <= t count):
 * - an item is overdue on t when its due date is before t and its residual
 *   is positive; the overdue amount is the sum of those residuals and the
 *   oldest overdue days are t minus the earliest of their due dates;
 * - a case opens on the first t where the overdue amount is positive, at
 *   least the policy's minAmount, and the oldest overdue days reach level 1;
 * - it closes on the first t where the overdue amount is below minAmount (or
 *   nothing is overdue): `paid` when nothing is overdue, else `below-minimum`;
 * - its level is the highest level whose daysOverdue the oldest overdue days
 *   reached on some day of the case: it only rises (a payment of the oldest
 *   item does not lower it), and it rises whatever the stage;
 * - actions apply on their business date to the case open that day (one
 *   recorded while no case is open is ignored): a stage moves it forward only
 *   (dunning -> legal -> written-off, or dunning -> written-off); a promise
 *   replaces the case's previous promise; an assignee replaces the previous.
 * Within a day: a closing, then an opening, then levels, then the actions.
 */

export type CollectionStage = 'dunning' | RecoveryStage;
export type CaseClosedReason = 'paid' | 'below-minimum';
export type PromiseStatus = 'pending' | 'kept' | 'broken';

export interface CaseItem {
  openItemId: string;
  dueDate: BusinessDate;
  residual: Cents;
  daysOverdue: number;
}

export interface PromiseView {
  /** The promise action's id. */
  promiseId: string;
  amount: Cents;
  date: BusinessDate;
  recordedOn: BusinessDate;
  /** Settlements dated from recordedOn through min(date, business date). */
  paidSince: Cents;
  status: PromiseStatus;
  /** date + 1 once broken, else null. */
  brokenOn: BusinessDate | null;
}

export interface CollectionView {
  caseId: string;
  openedOn: BusinessDate;
  stage: CollectionStage;
  /** Who moved the case to its stage and why (the action's text); null while in dunning. */
  stageChangedBy: string | null;
  stageReason: string | null;
  /** >= 1: a case opens at a level. */
  level: number;
  action: DunningAction;
  levelReachedOn: BusinessDate;
  /** The overdue items on the business date, oldest first. */
  items: CaseItem[];
  overdueAmount: Cents;
  oldestDueDate: BusinessDate;
  promise: PromiseView | null;
  assignee: string | null;
}

export interface ClosedCase {
  caseId: string;
  closedOn: BusinessDate;
  reason: CaseClosedReason;
}

export interface CollectionState {
  /** The case open on the business date, or null. */
  open: CollectionView | null;
  /**
   * While a case is open: the case closed last before it, if any (its closing
   * may not have been published yet). Null when no case is open.
   */
  lastClosed: ClosedCase | null;
  /** Why a case open before would be closed today: nothing overdue today, or too little. */
  closingReason: CaseClosedReason;
}

export interface CollectionItem {
  openItemId: string;
  amount: Cents;
  dueDate: BusinessDate;
}
export interface CollectionSettlement {
  openItemId: string;
  amount: Cents;
  date: BusinessDate;
}
/** A collection action with its business date (see datedActions). */
export type DatedCollectionAction = CollectionActionRecord & { on: BusinessDate };

export interface CollectionInput {
  items: Iterable<CollectionItem>;
  settlements: Iterable<CollectionSettlement>;
  actions: readonly DatedCollectionAction[];
  policy: DunningPolicy;
  businessDate: BusinessDate;
}

/**
 * A case's id: the business date it opened on. A customer has one case open
 * at a time and a case cannot close and reopen on one day, so the date names
 * the case within its customer; the envelope's companyId and customerId name
 * the customer. Replays and rebuilds find the same opening date.
 */
export const collectionCaseId = (openedOn: BusinessDate): string => `case-${openedOn}`;

/** The actions with their business dates in the company's time zone, in order. */
export const datedActions = (
  actions: readonly CollectionActionRecord[] | undefined,
  timeZone: string,
): DatedCollectionAction[] =>
  (actions ?? []).map((a) => ({ ...a, on: businessDateOfInstant(a.at, timeZone) }));

/** The highest level whose daysOverdue is reached by `days`; 0 when none. */
export function levelFor(policy: DunningPolicy, days: number): number {
  let level = 0;
  for (const l of policy.levels) if (l.daysOverdue <= days) level = Math.max(level, l.level);
  return level;
}

const actionOf = (policy: DunningPolicy, level: number): DunningAction =>
  policy.levels.find((l) => l.level === level)!.action;

const FORWARD: Readonly<Record<CollectionStage, readonly RecoveryStage[]>> = {
  dunning: ['legal', 'written-off'],
  legal: ['written-off'],
  'written-off': [],
};

interface Ledger {
  items: Map<string, CollectionItem>;
  /** Settlements of known items, by date. */
  settlements: CollectionSettlement[];
}

function ledgerOf(input: CollectionInput): Ledger {
  const items = new Map<string, CollectionItem>();
  for (const item of input.items) if (item.amount > ZERO) items.set(item.openItemId, item);
  const settlements = [...input.settlements]
    .filter((s) => items.has(s.openItemId))
    .sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  return { items, settlements };
}

/** The overdue items as of `date`, oldest due first. */
function overdueOn(ledger: Ledger, date: BusinessDate): CaseItem[] {
  const settled = new Map<string, Cents>();
  for (const s of ledger.settlements) {
    if (s.date > date) break;
    settled.set(s.openItemId, (settled.get(s.openItemId) ?? ZERO) + s.amount);
  }
  const result: CaseItem[] = [];
  for (const item of ledger.items.values()) {
    const residual = item.amount - (settled.get(item.openItemId) ?? ZERO);
    if (item.dueDate < date && residual > ZERO) {
      result.push({
        openItemId: item.openItemId,
        dueDate: item.dueDate,
        residual,
        daysOverdue: daysBetween(item.dueDate, date),
      });
    }
  }
  return result.sort((a, b) =>
    a.dueDate === b.dueDate ? (a.openItemId < b.openItemId ? -1 : 1) : a.dueDate < b.dueDate ? -1 : 1,
  );
}

const sumResiduals = (items: CaseItem[]): Cents => items.reduce((s, i) => s + i.residual, ZERO);

/** The case open during the sweep; dates as epoch days. */
interface OpenCase {
  openedOn: number;
  stage: CollectionStage;
  stageChangedBy: string | null;
  stageReason: string | null;
  level: number;
  levelReachedOn: number;
  promise: DatedCollectionAction | null;
  assignee: string | null;
}

/**
 * The customer's collection case on the business date. Only the dates where
 * something changes are visited (an item falls due, a settlement, an action):
 * between two of them the overdue items are fixed, so the opening and each
 * level are reached on a date computed from the oldest due date.
 */
export function collectionState(input: CollectionInput): CollectionState {
  const { policy, businessDate } = input;
  const ledger = ledgerOf(input);
  const first = policy.levels[0];
  // Dates as epoch days: the sweep compares and adds them many times.
  const byDue = [...ledger.items.values()]
    .map((item) => ({ item, due: epochDay(item.dueDate) }))
    .sort((a, b) => a.due - b.due || (a.item.openItemId < b.item.openItemId ? -1 : 1));
  const today = epochDay(businessDate);
  // No case can be open today (nothing overdue, or less than the minimum): the
  // common case, answered without a sweep. The reason of a closing is then that
  // of today's overdue amount (see collectionNotifications).
  if (first === undefined || byDue.length === 0 || byDue[0].due >= today) {
    return { open: null, lastClosed: null, closingReason: 'paid' };
  }
  const overdueItems = overdueOn(ledger, businessDate);
  const overdueToday = sumResiduals(overdueItems);
  const closingReason: CaseClosedReason = overdueToday === ZERO ? 'paid' : 'below-minimum';
  if (overdueToday === ZERO || overdueToday < policy.minAmount) {
    return { open: null, lastClosed: null, closingReason };
  }
  const pays = ledger.settlements.map((s) => ({ s, day: epochDay(s.date) }));
  const actions = input.actions.map((action) => ({ action, day: epochDay(action.on) }));
  const dates = new Set<number>();
  for (const { due } of byDue) dates.add(due + 1);
  for (const { day } of pays) dates.add(day);
  for (const { day } of actions) dates.add(day);
  const starts = [...dates].filter((d) => d <= today).sort((x, y) => x - y);
  const actionsOn = new Map<number, DatedCollectionAction[]>();
  for (const { action, day } of actions) {
    const list = actionsOn.get(day);
    if (list) list.push(action);
    else actionsOn.set(day, [action]);
  }

  // A sweep over the dates: settlements only lower residuals and items only fall
  // due, so the overdue amount is kept by differences and the oldest overdue item
  // by a pointer that only moves forward.
  const indexOf = new Map(byDue.map(({ item }, i) => [item.openItemId, i]));
  const settled = byDue.map(() => ZERO);
  const residual = (i: number): Cents => {
    const left = byDue[i].item.amount - settled[i];
    return left > ZERO ? left : ZERO;
  };
  let applied = 0; // settlements applied
  let fallenDue = 0; // items due before the current date
  let oldestIndex = 0; // first fallen-due item with a residual
  let amount = ZERO;

  let open: OpenCase | null = null;
  let lastClosed: ClosedCase | null = null;
  for (let k = 0; k < starts.length; k++) {
    const from = starts[k];
    const until = k + 1 < starts.length ? starts[k + 1] : today + 1;
    for (; applied < pays.length && pays[applied].day <= from; applied++) {
      const i = indexOf.get(pays[applied].s.openItemId)!;
      const before = residual(i);
      settled[i] += pays[applied].s.amount;
      if (i < fallenDue) amount += residual(i) - before;
    }
    for (; fallenDue < byDue.length && byDue[fallenDue].due < from; fallenDue++) {
      amount += residual(fallenDue);
    }
    while (oldestIndex < fallenDue && residual(oldestIndex) === ZERO) oldestIndex++;
    const oldest = oldestIndex < fallenDue ? byDue[oldestIndex].due : null;
    const qualifies = amount > ZERO && amount >= policy.minAmount;
    if (open !== null && !qualifies) {
      lastClosed = {
        caseId: collectionCaseId(fromEpochDay(open.openedOn)),
        closedOn: fromEpochDay(from),
        reason: amount === ZERO ? 'paid' : 'below-minimum',
      };
      open = null;
    }
    if (open === null && qualifies && oldest !== null) {
      const opensOn = Math.max(from, oldest + first.daysOverdue);
      if (opensOn < until) {
        open = {
          openedOn: opensOn,
          stage: 'dunning',
          stageChangedBy: null,
          stageReason: null,
          level: levelFor(policy, opensOn - oldest),
          levelReachedOn: opensOn,
          promise: null,
          assignee: null,
        };
      }
    }
    if (open !== null && oldest !== null) {
      for (const l of policy.levels) {
        if (l.level <= open.level) continue;
        const reachedOn = Math.max(from, oldest + l.daysOverdue);
        if (reachedOn >= until) break;
        open.level = l.level;
        open.levelReachedOn = reachedOn;
      }
    }
    if (open !== null && open.openedOn <= from) {
      for (const action of actionsOn.get(from) ?? []) applyAction(open, action);
    }
  }
  // With no case open, the closing is told by today's reason (closingReason), as on the early answers above.
  if (open === null) return { open: null, lastClosed: null, closingReason };

  const openedOn = fromEpochDay(open.openedOn);
  return {
    lastClosed,
    closingReason,
    open: {
      caseId: collectionCaseId(openedOn),
      openedOn,
      stage: open.stage,
      stageChangedBy: open.stageChangedBy,
      stageReason: open.stageReason,
      level: open.level,
      action: actionOf(policy, open.level),
      levelReachedOn: fromEpochDay(open.levelReachedOn),
      items: overdueItems,
      overdueAmount: overdueToday,
      oldestDueDate: overdueItems[0].dueDate,
      promise: open.promise === null ? null : promiseView(open.promise, ledger, businessDate),
      assignee: open.assignee,
    },
  };
}

function applyAction(open: OpenCase, action: DatedCollectionAction): void {
  if (action.stage !== null && FORWARD[open.stage].includes(action.stage)) {
    open.stage = action.stage;
    open.stageChangedBy = action.recordedBy;
    open.stageReason = action.text;
  }
  if (action.promise !== null) open.promise = action;
  if (action.assignee !== null) open.assignee = action.assignee;
}

/**
 * A promise is kept once the settlements dated from the day it was recorded
 * through its date reach its amount (any item of the customer, payments of the
 * promise day included); else it is broken the day after its date.
 */
function promiseView(action: DatedCollectionAction, ledger: Ledger, businessDate: BusinessDate): PromiseView {
  const { amount, date } = action.promise!;
  const through = date < businessDate ? date : businessDate;
  let paidSince = ZERO;
  for (const s of ledger.settlements) if (s.date >= action.on && s.date <= through) paidSince += s.amount;
  const status: PromiseStatus = paidSince >= amount ? 'kept' : businessDate > date ? 'broken' : 'pending';
  return {
    promiseId: action.actionId,
    amount,
    date,
    recordedOn: action.on,
    paidSince,
    status,
    brokenOn: status === 'broken' ? addDays(date, 1) : null,
  };
}

/** True when the case blocks the customer: from the legal stage until the case closes. */
export const collectionBlocks = (view: CollectionView | null): boolean =>
  view !== null && view.stage !== 'dunning';

/**
 * The dates after `businessDate` on which a case may change with no event: an
 * item reaching a level's days, a promise falling due. The review scheduler
 * wakes the customer on the earliest.
 */
export function collectionDates(
  items: Iterable<{ dueDate: BusinessDate; residual: Cents }>,
  actions: readonly CollectionActionRecord[] | undefined,
  policy: DunningPolicy,
): BusinessDate[] {
  const dates: BusinessDate[] = [];
  for (const item of items) {
    if (item.residual <= ZERO) continue;
    for (const l of policy.levels) dates.push(addDays(item.dueDate, l.daysOverdue));
  }
  for (const a of actions ?? []) if (a.promise !== null) dates.push(addDays(a.promise.date, 1));
  return dates;
}
