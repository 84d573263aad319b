/**
 * A deliberately simple reference for collection cases (spec 12): walk every
 * calendar day from the first due date to the business date and apply the
 * rules literally, day by day, with no cleverness about which dates matter.
 * It shares no code with libs/domain/src/collections.ts but the date helpers.
 */
import { addDays, BusinessDate, daysBetween } from '../src/dates';

export interface RefItem {
  id: string;
  amount: bigint;
  due: BusinessDate;
}
export interface RefSettlement {
  id: string;
  amount: bigint;
  date: BusinessDate;
}
export interface RefAction {
  id: string;
  on: BusinessDate;
  by: string;
  stage?: 'legal' | 'written-off';
  promise?: { amount: bigint; date: BusinessDate };
  assignee?: string;
}
export interface RefPolicy {
  levels: readonly { level: number; daysOverdue: number }[];
  minAmount: bigint;
}

export interface RefCase {
  openedOn: BusinessDate;
  level: number;
  levelReachedOn: BusinessDate;
  stage: 'dunning' | 'legal' | 'written-off';
  overdueAmount: bigint;
  assignee: string | null;
  promise: { id: string; status: 'pending' | 'kept' | 'broken'; paidSince: bigint } | null;
}
export interface RefResult {
  open: RefCase | null;
  closed: { openedOn: BusinessDate; closedOn: BusinessDate; reason: 'paid' | 'below-minimum' }[];
  /** Every (openedOn, level) reached, in order. */
  levelsReached: { openedOn: BusinessDate; level: number; on: BusinessDate }[];
}

export function referenceCollection(
  items: RefItem[],
  settlements: RefSettlement[],
  actions: RefAction[],
  policy: RefPolicy,
  today: BusinessDate,
): RefResult {
  const positive = items.filter((i) => i.amount > 0n);
  const known = new Set(positive.map((i) => i.id));
  const pays = settlements.filter((s) => known.has(s.id));
  const result: RefResult = { open: null, closed: [], levelsReached: [] };
  if (positive.length === 0 || policy.levels.length === 0) return result;
  let day = positive.map((i) => i.due).sort()[0];
  for (const a of actions) if (a.on < day) day = a.on;
  for (const s of pays) if (s.date < day) day = s.date;

  let open: (RefCase & { promiseAction: RefAction | null }) | null = null;
  for (; day <= today; day = addDays(day, 1)) {
    let amount = 0n;
    let oldestDays = -1;
    for (const item of positive) {
      let paid = 0n;
      for (const s of pays) if (s.id === item.id && s.date <= day) paid += s.amount;
      const residual = item.amount - paid;
      if (residual > 0n && item.due < day) {
        amount += residual;
        oldestDays = Math.max(oldestDays, daysBetween(item.due, day));
      }
    }
    const enough = amount > 0n && amount >= policy.minAmount;
    if (open && !enough) {
      result.closed.push({
        openedOn: open.openedOn,
        closedOn: day,
        reason: amount === 0n ? 'paid' : 'below-minimum',
      });
      open = null;
    }
    let levelToday = 0;
    for (const l of policy.levels) if (oldestDays >= l.daysOverdue) levelToday = l.level;
    if (!open && enough && levelToday > 0) {
      open = {
        openedOn: day,
        level: levelToday,
        levelReachedOn: day,
        stage: 'dunning',
        overdueAmount: amount,
        assignee: null,
        promise: null,
        promiseAction: null,
      };
      result.levelsReached.push({ openedOn: day, level: levelToday, on: day });
    } else if (open && levelToday > open.level) {
      open.level = levelToday;
      open.levelReachedOn = day;
      result.levelsReached.push({ openedOn: open.openedOn, level: levelToday, on: day });
    }
    if (open) {
      open.overdueAmount = amount;
      for (const a of actions.filter((x) => x.on === day)) {
        if (a.stage === 'legal' && open.stage === 'dunning') open.stage = 'legal';
        if (a.stage === 'written-off' && open.stage !== 'written-off') open.stage = 'written-off';
        if (a.promise) open.promiseAction = a;
        if (a.assignee) open.assignee = a.assignee;
      }
    }
  }
  if (open?.promiseAction) {
    const { amount, date } = open.promiseAction.promise!;
    let paidSince = 0n;
    for (const s of pays) {
      if (s.date >= open.promiseAction.on && s.date <= date && s.date <= today) paidSince += s.amount;
    }
    const status = paidSince >= amount ? 'kept' : today > date ? 'broken' : 'pending';
    open.promise = { id: open.promiseAction.id, status, paidSince };
  }
  if (open) {
    const { promiseAction: _unused, ...rest } = open;
    result.open = rest;
  }
  return result;
}
