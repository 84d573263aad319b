import { ThrottlerStorage } from '@nestjs/throttler';

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

interface Window {
  /** Start of the current window, ms. */
  start: number;
  current: number;
  previous: number;
}

/**
 * Sliding-window counters: O(1) time and memory per client. The throttler's
 * default storage keeps one timestamp per request and filters them all on
 * every request, which costs more than the request itself under load. The
 * count of the previous window is weighted by how much of it still overlaps
 * the sliding window (the usual approximation, exact for a steady rate).
 */
export class SlidingWindowStorage implements ThrottlerStorage {
  private readonly windows = new Map<string, Window>();
  private lastSweep = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** The throttler's signature; blocking lasts until the window allows again, so blockDuration is unused. */
  increment(
    key: string,
    ttl: number,
    limit: number,
    _blockDuration?: number,
    _throttlerName?: string,
  ): Promise<ThrottlerStorageRecord> {
    const now = this.now();
    this.sweep(now, ttl);
    const window = this.advanced(this.windows.get(key), now, ttl);
    this.windows.set(key, window);
    const overlap = 1 - (now - window.start) / ttl;
    const estimate = Math.floor(window.previous * overlap) + window.current;
    const isBlocked = estimate >= limit;
    if (!isBlocked) window.current += 1;
    const timeToExpire = Math.max(1, Math.ceil((window.start + ttl - now) / 1000));
    return Promise.resolve({
      totalHits: estimate + 1,
      timeToExpire,
      isBlocked,
      timeToBlockExpire: isBlocked ? timeToExpire : 0,
    });
  }

  /** The client's window moved forward to now. */
  private advanced(window: Window | undefined, now: number, ttl: number): Window {
    if (window === undefined) return { start: now, current: 0, previous: 0 };
    const elapsed = Math.floor((now - window.start) / ttl);
    if (elapsed === 0) return window;
    return {
      start: window.start + elapsed * ttl,
      current: 0,
      previous: elapsed === 1 ? window.current : 0,
    };
  }

  /** Forgets clients silent for two windows, at most once per window. */
  private sweep(now: number, ttl: number): void {
    if (now - this.lastSweep < ttl) return;
    this.lastSweep = now;
    for (const [key, window] of this.windows) {
      if (now - window.start >= 2 * ttl) this.windows.delete(key);
    }
  }
}
