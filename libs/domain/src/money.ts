/**
 * Money is an exact count of minor units (cents) held in a bigint: sums of many
 * 13-digit amounts overflow the 2^53 range where a JS number stays exact.
 */
export type Cents = bigint;

export const ZERO: Cents = 0n;

/** The wire format of the contract: optional minus, 1..13 integer digits, up to 2 decimals. */
export const MONEY_PATTERN = /^-?[0-9]{1,13}(\.[0-9]{1,2})?$/;

/** JSON.stringify, except that it never throws (a bigint or a cycle would). */
function describeValue(value: unknown): string {
  if (typeof value === 'bigint') return `${value}n`;
  try {
    return String(JSON.stringify(value));
  } catch {
    return String(value);
  }
}

export class MoneyFormatError extends Error {
  constructor(readonly value: unknown) {
    super(`not a money string matching ${MONEY_PATTERN.source}: ${describeValue(value)}`);
  }
}

export function parseMoney(text: string): Cents {
  if (typeof text !== 'string' || !MONEY_PATTERN.test(text)) throw new MoneyFormatError(text);
  const negative = text.startsWith('-');
  const [units, fraction = ''] = (negative ? text.slice(1) : text).split('.');
  const cents = BigInt(units) * 100n + BigInt(fraction.padEnd(2, '0'));
  return negative ? -cents : cents;
}

/** Always two decimals, as the contract requires for output amounts. */
export function formatMoney(cents: Cents): string {
  const negative = cents < 0n;
  const abs = negative ? -cents : cents;
  const units = abs / 100n;
  const fraction = (abs % 100n).toString().padStart(2, '0');
  return `${negative ? '-' : ''}${units}.${fraction}`;
}

export const sum = (amounts: Iterable<Cents>): Cents => {
  let total = ZERO;
  for (const amount of amounts) total += amount;
  return total;
};

export const max = (a: Cents, b: Cents): Cents => (a > b ? a : b);
export const min = (a: Cents, b: Cents): Cents => (a < b ? a : b);

/**
 * `part / whole` as a percentage with two decimals, rounded half up (half away
 * from zero, so a negative part mirrors the positive one), computed on integers.
 * Returns null when there is no whole to compare with.
 */
export function percentage(part: Cents, whole: Cents): string | null {
  if (whole <= 0n) return null;
  // bigint division truncates towards zero: round the magnitude, then put the sign back.
  const magnitude = part < 0n ? -part : part;
  const basisPoints = (magnitude * 10000n * 2n + whole) / (whole * 2n);
  return formatMoney(part < 0n ? -basisPoints : basisPoints);
}
