/**
 * Whole cents in a JS number: every amount the simulator makes is a safe
 * integer, built and split with integer arithmetic only, and written as a
 * decimal string with two decimals (the wire form of the contract).
 */
export type WholeCents = number;

function assertCents(cents: WholeCents): void {
  if (!Number.isSafeInteger(cents) || cents < 0) {
    throw new RangeError(`amount in cents must be a whole number >= 0 (got ${cents})`);
  }
}

/** 123456 -> "1234.56". */
export function money(cents: WholeCents): string {
  assertCents(cents);
  const units = (cents - (cents % 100)) / 100;
  return `${units}.${String(cents % 100).padStart(2, '0')}`;
}

/** `cents * percent / 100`, rounded down to a whole cent (percent a whole number). */
export function percentOf(cents: WholeCents, percent: number): WholeCents {
  assertCents(cents);
  const scaled = cents * percent;
  return (scaled - (scaled % 100)) / 100;
}

/** Splits an amount into `parts` whole-cent shares; the remainder goes to the last one. */
export function split(cents: WholeCents, parts: number): WholeCents[] {
  assertCents(cents);
  const base = (cents - (cents % parts)) / parts;
  return Array.from({ length: parts }, (_, i) => (i === parts - 1 ? cents - base * (parts - 1) : base));
}
