/**
 * Locale formatting of the API's values. Money arrives as decimal strings and is
 * formatted from the string (Intl.NumberFormat takes decimal strings exactly), so
 * no amount ever goes through a binary float; sums for charts use integer cents.
 */
export type Locale = 'en' | 'it';

const LOCALE_TAG: Record<Locale, string> = { en: 'en-GB', it: 'it-IT' };
const MONEY = /^-?\d+(\.\d+)?$/;

type DecimalFormat = { format(value: string): string };

export function formatAmount(value: string | null | undefined, locale: Locale): string {
  if (value === null || value === undefined || !MONEY.test(value)) return '—';
  const format = new Intl.NumberFormat(LOCALE_TAG[locale], {
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  }) as unknown as DecimalFormat;
  return format.format(value);
}

export function formatPercent(value: string | null | undefined, locale: Locale): string {
  if (value === null || value === undefined || !MONEY.test(value)) return '—';
  const format = new Intl.NumberFormat(LOCALE_TAG[locale], {
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
  }) as unknown as DecimalFormat;
  return `${format.format(value)} %`;
}

/** A business date `YYYY-MM-DD`, shown as that calendar day whatever the browser's time zone. */
export function formatDate(value: string | null | undefined, locale: Locale): string {
  if (!value) return '—';
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return value;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return new Intl.DateTimeFormat(LOCALE_TAG[locale], { dateStyle: 'medium', timeZone: 'UTC' }).format(date);
}

/** An instant (ISO-8601), in the browser's time zone. */
export function formatInstant(value: string | null | undefined, locale: Locale): string {
  if (!value) return '—';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  return new Intl.DateTimeFormat(LOCALE_TAG[locale], { dateStyle: 'medium', timeStyle: 'short' }).format(
    date,
  );
}

/** Exact cents of a money string (`"-12.5"` -> -1250n). */
export function toCents(value: string | null | undefined): bigint {
  if (!value || !MONEY.test(value)) return 0n;
  const negative = value.startsWith('-');
  const [units, fraction = ''] = value.replace('-', '').split('.');
  const cents = BigInt(units) * 100n + BigInt((fraction + '00').slice(0, 2));
  return negative ? -cents : cents;
}

/** Share of `part` in `whole`, in per cent with one decimal, for drawing only (0 when whole <= 0). */
export function share(part: bigint, whole: bigint): number {
  if (whole <= 0n || part <= 0n) return 0;
  return Number((part * 1000n) / whole) / 10;
}

/**
 * Average days late per month, weighted by the amount settled (the spec's rule,
 * section 8), from the settlements the API lists: one point per month, oldest first.
 */
export function monthlyDaysLate(
  settlements: { settlementDate: string; amount: string; daysLate: number | null }[],
): { month: string; avgDaysLate: number }[] {
  const months = new Map<string, { weighted: bigint; amount: bigint }>();
  for (const s of settlements) {
    if (s.daysLate === null) continue;
    const month = s.settlementDate.slice(0, 7);
    const cents = toCents(s.amount);
    const m = months.get(month) ?? { weighted: 0n, amount: 0n };
    m.weighted += cents * BigInt(Math.max(0, s.daysLate));
    m.amount += cents;
    months.set(month, m);
  }
  return [...months]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([month, m]) => ({
      month,
      avgDaysLate: m.amount > 0n ? Number((m.weighted * 100n) / m.amount) / 100 : 0,
    }));
}
