import { BusinessDate, epochDay, fromEpochDay } from '@credit/domain';

/**
 * Local wall-clock time of the simulated ERP: seconds since 1970-01-01T00:00 in
 * the company's time zone (`day * 86400 + secondOfDay`). Sorting on it sorts
 * events in time, since the simulator only stamps events in office hours (far
 * from the night-time DST switches).
 */
export type LocalTime = number;

export const SECONDS_PER_DAY = 86_400;
const MS_PER_MINUTE = 60_000;

export const dayOf = (t: LocalTime): number => Math.floor(t / SECONDS_PER_DAY);
export const dateOf = (t: LocalTime): BusinessDate => fromEpochDay(dayOf(t));
export const localTime = (date: BusinessDate, secondOfDay: number): LocalTime =>
  epochDay(date) * SECONDS_PER_DAY + secondOfDay;

/** 0 = Sunday ... 6 = Saturday (1970-01-01 was a Thursday). */
export const weekday = (day: number): number => (((day + 4) % 7) + 7) % 7;

/** The day itself, or the Monday after when it falls on a weekend. */
export function workday(day: number): number {
  const dow = weekday(day);
  return dow === 6 ? day + 2 : dow === 0 ? day + 1 : day;
}

/** The last day of the month of a date. */
export function endOfMonth(day: number): number {
  const date = new Date(day * SECONDS_PER_DAY * 1000);
  return Math.floor(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0) / (SECONDS_PER_DAY * 1000));
}

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();

/** The UTC offset (`+01:00`) of a time zone at an instant. */
export function utcOffset(timeZone: string, epochMs: number): string {
  let formatter = offsetFormatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' });
    offsetFormatters.set(timeZone, formatter);
  }
  const name = formatter.formatToParts(new Date(epochMs)).find((p) => p.type === 'timeZoneName')?.value ?? '';
  const match = /([+-])(\d{2}):(\d{2})/.exec(name);
  return match === null ? '+00:00' : `${match[1]}${match[2]}:${match[3]}`;
}

const offsetMinutes = (offset: string): number =>
  (offset.startsWith('-') ? -1 : 1) * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6)));

const pad = (n: number): string => String(n).padStart(2, '0');

/** ISO-8601 with the zone's offset, e.g. `2026-03-01T10:15:00+01:00`, from a local wall-clock time. */
export function formatLocalTime(t: LocalTime, timeZone: string): string {
  const day = dayOf(t);
  const second = t - day * SECONDS_PER_DAY;
  // The offset at noon UTC of that day: office hours never straddle a DST switch.
  const offset = utcOffset(timeZone, (day * SECONDS_PER_DAY + 12 * 3600) * 1000);
  const hh = Math.floor(second / 3600);
  const mm = Math.floor((second % 3600) / 60);
  const ss = second % 60;
  return `${fromEpochDay(day)}T${pad(hh)}:${pad(mm)}:${pad(ss)}${offset}`;
}

/** ISO-8601 with the zone's offset and milliseconds, from a real instant. */
export function formatInstant(instant: Date, timeZone: string): string {
  const offset = utcOffset(timeZone, instant.getTime());
  const local = new Date(instant.getTime() + offsetMinutes(offset) * MS_PER_MINUTE).toISOString();
  return `${local.slice(0, 23)}${offset}`;
}
