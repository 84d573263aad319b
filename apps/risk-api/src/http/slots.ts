/**
 * At most `limit` holders per key at once, within one API instance: bounds
 * what long-lived responses (CSV exports, live streams) may hold, so that the
 * next one is refused rather than queued behind them.
 */
export class Slots {
  private readonly taken = new Map<string, number>();

  constructor(readonly limit: number) {}

  /**
   * Takes a slot of `key`: returns what gives it back (once; calling it again
   * does nothing), or null when the key's `limit` slots are all taken.
   */
  tryTake(key = ''): (() => void) | null {
    const held = this.taken.get(key) ?? 0;
    if (held >= this.limit) return null;
    this.taken.set(key, held + 1);
    let given = false;
    return () => {
      if (given) return;
      given = true;
      const left = (this.taken.get(key) ?? 1) - 1;
      if (left > 0) this.taken.set(key, left);
      else this.taken.delete(key);
    };
  }

  /** Slots of `key` taken now. */
  inUse(key = ''): number {
    return this.taken.get(key) ?? 0;
  }
}
