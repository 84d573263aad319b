import { SlidingWindowStorage } from './rate-limit-storage';

describe('SlidingWindowStorage', () => {
  let now = 0;
  const storage = () => new SlidingWindowStorage(() => now);
  const hit = (s: SlidingWindowStorage, key = 'ip-1') => s.increment(key, 1000, 3, 0, 'default');

  beforeEach(() => (now = 1_000_000));

  it('allows the limit, then blocks with the time until the window ends', async () => {
    const s = storage();
    for (let i = 1; i <= 3; i++) expect(await hit(s)).toMatchObject({ isBlocked: false, totalHits: i });
    now += 400;
    expect(await hit(s)).toEqual({ totalHits: 4, isBlocked: true, timeToExpire: 1, timeToBlockExpire: 1 });
  });

  it('counts each client apart', async () => {
    const s = storage();
    for (let i = 0; i < 3; i++) await hit(s, 'ip-1');
    expect((await hit(s, 'ip-1')).isBlocked).toBe(true);
    expect((await hit(s, 'ip-2')).isBlocked).toBe(false);
  });

  it('weights the previous window by its overlap with the sliding window', async () => {
    const s = storage();
    for (let i = 0; i < 3; i++) await hit(s);
    // Half-way through the next window, half of the previous 3 still counts (1).
    now += 1500;
    expect((await hit(s)).isBlocked).toBe(false);
    expect((await hit(s)).isBlocked).toBe(false);
    expect((await hit(s)).isBlocked).toBe(true);
  });

  it('forgets a window two windows old', async () => {
    const s = storage();
    for (let i = 0; i < 4; i++) await hit(s);
    now += 2000;
    for (let i = 0; i < 3; i++) expect((await hit(s)).isBlocked).toBe(false);
  });
});
