/**
 * A small seeded PRNG (mulberry32) with integer-only helpers. Everything the
 * simulator draws goes through it, so a seed fully determines a scenario.
 * Draws are 32-bit unsigned integers: amounts are built from them in whole
 * cents, never from floating point.
 */
export interface Rng {
  /** A uniform 32-bit unsigned integer. */
  u32(): number;
  /** A uniform integer in [min, max] (both inclusive). */
  int(min: number, max: number): number;
  /** True with a probability of `percent` / 100 (a whole number 0..100). */
  percent(percent: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** Picks by whole-number weights: `[[value, weight], ...]`. */
  weighted<T>(choices: ReadonlyArray<readonly [T, number]>): T;
}

/** mulberry32: tiny, fast, good enough for test data (not for cryptography). */
export function mulberry32(seed: number): () => number {
  let a = seed | 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** FNV-1a over the parts (joined with a separator): derives independent seeds from labels. */
export function hashSeed(...parts: ReadonlyArray<string | number>): number {
  let hash = 0x811c9dc5;
  const text = parts.join('\u001f');
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

export function createRng(seed: number): Rng {
  const next = mulberry32(seed);
  const int = (min: number, max: number): number => {
    if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || max < min) {
      throw new RangeError(`int(${min}, ${max}): need whole numbers with min <= max`);
    }
    const range = max - min + 1;
    if (range <= 0x1_0000_0000) return min + (next() % range);
    // Wider ranges: two draws (53 bits are plenty for any amount in cents here).
    const wide = (next() & 0x1f_ffff) * 0x1_0000_0000 + next();
    return min + (wide % range);
  };
  return {
    u32: next,
    int,
    percent: (percent) => next() % 100 < percent,
    pick: (items) => {
      if (items.length === 0) throw new RangeError('pick from an empty list');
      return items[int(0, items.length - 1)];
    },
    weighted: (choices) => {
      const total = choices.reduce((sum, [, weight]) => sum + weight, 0);
      if (total <= 0) throw new RangeError('weighted: the weights must add up to more than 0');
      let draw = int(0, total - 1);
      for (const [value, weight] of choices) {
        if (draw < weight) return value;
        draw -= weight;
      }
      return choices[choices.length - 1][0];
    },
  };
}
