/** A business date `YYYY-MM-DD`: a calendar day in the company's time zone. */
export type BusinessDate = string;

const DAY_MS = 86_400_000;
const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a real calendar day (rejects 2026-02-30 as well as bad shapes). */
export function isBusinessDate(text: unknown): text is BusinessDate {
  if (typeof text !== 'string') return false;
  const match = DATE_PATTERN.exec(text);
  if (!match) return false;
  const [, y, m, d] = match.map(Number);
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

// Few distinct dates occur, and the fold converts them for every event: remember them.
const dayOfDate = new Map<string, number>();
const dateOfDay = new Map<number, BusinessDate>();
const MEMO_LIMIT = 100_000;

/** Days since 1970-01-01: date arithmetic on integers, free of time zones. */
export function epochDay(date: BusinessDate): number {
  let day = dayOfDate.get(date);
  if (day === undefined) {
    const y = Number(date.slice(0, 4));
    const m = Number(date.slice(5, 7));
    const d = Number(date.slice(8, 10));
    day = Math.floor(Date.UTC(y, m - 1, d) / DAY_MS);
    if (dayOfDate.size >= MEMO_LIMIT) dayOfDate.clear();
    dayOfDate.set(date, day);
  }
  return day;
}

export function fromEpochDay(day: number): BusinessDate {
  let date = dateOfDay.get(day);
  if (date === undefined) {
    date = new Date(day * DAY_MS).toISOString().slice(0, 10);
    if (dateOfDay.size >= MEMO_LIMIT) dateOfDay.clear();
    dateOfDay.set(day, date);
  }
  return date;
}

export function addDays(date: BusinessDate, days: number): BusinessDate {
  return fromEpochDay(epochDay(date) + days);
}

/** `later - earlier` in whole days. */
export function daysBetween(earlier: BusinessDate, later: BusinessDate): number {
  return epochDay(later) - epochDay(earlier);
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The calendar day of an instant in an IANA time zone, e.g. "today" for a company. */
export function businessDateAt(instant: Date, timeZone: string): BusinessDate {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter.format(instant);
}

const dateOfStoredInstant = new Map<string, BusinessDate>();

/**
 * businessDateAt of an instant stored as text (a credit decision's, a
 * collection action's occurredAt): the same few instants are converted at
 * every reassessment of their customer, and Intl's conversion is the slow part.
 */
export function businessDateOfInstant(instant: string, timeZone: string): BusinessDate {
  const key = `${timeZone} ${instant}`;
  let date = dateOfStoredInstant.get(key);
  if (date === undefined) {
    date = businessDateAt(new Date(instant), timeZone);
    if (dateOfStoredInstant.size >= MEMO_LIMIT) dateOfStoredInstant.clear();
    dateOfStoredInstant.set(key, date);
  }
  return date;
}

export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-CA', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The date part of an ISO-8601 instant with offset, as written by its producer. */
export const dateOfInstant = (instant: string): BusinessDate => instant.slice(0, 10);

/** The source of "now", injected everywhere so that tests and demos can move time. */
export interface Clock {
  now(): Date;
}

export const systemClock = (offsetDays = 0): Clock => ({
  now: () => new Date(Date.now() + offsetDays * DAY_MS),
});
