import { RedisClient } from './connection';
import { Lease } from './lease';

/** Redis as the lease script sees it: the key's holder; every script run counted. */
function fakeRedis() {
  const state = { holder: null as string | null, asked: 0 };
  const redis = {
    eval: async (script: string, _keys: number, _key: string, owner: string) => {
      state.asked += 1;
      if (script.includes("'DEL'")) {
        if (state.holder === owner) state.holder = null;
        return 0;
      }
      if (state.holder === null || state.holder === owner) {
        state.holder = owner;
        return 1;
      }
      return 0;
    },
  } as unknown as RedisClient;
  return { redis, state };
}

describe('Lease', () => {
  it('asks Redis again once a third of its time to live has passed, and not before', async () => {
    const { redis, state } = fakeRedis();
    let now = 0;
    const lease = new Lease(redis, 'k', 'a', 9_000, () => now);
    expect(await lease.acquireOrRenew()).toBe(true);
    now = 2_999;
    expect(await lease.acquireOrRenew()).toBe(true);
    expect(state.asked).toBe(1);
    now = 3_000;
    expect(await lease.acquireOrRenew()).toBe(true);
    expect(state.asked).toBe(2);
  });

  it('an owner that stalled past a third of the time to live learns that another took the lease', async () => {
    const { redis, state } = fakeRedis();
    let now = 0;
    const a = new Lease(redis, 'k', 'a', 9_000, () => now);
    const b = new Lease(redis, 'k', 'b', 9_000, () => now);
    expect(await a.acquireOrRenew()).toBe(true);
    expect(await b.acquireOrRenew()).toBe(false);
    // a stalls; its lease expires in Redis and b takes it.
    now = 20_000;
    state.holder = null;
    expect(await b.acquireOrRenew()).toBe(true);
    expect(await a.acquireOrRenew()).toBe(false);
    // Once told, a asks every time until it holds the lease again.
    expect(await a.acquireOrRenew()).toBe(false);
    expect(state.asked).toBe(5);
  });

  it('asks Redis after a release', async () => {
    const { redis, state } = fakeRedis();
    const lease = new Lease(redis, 'k', 'a', 9_000, () => 0);
    await lease.acquireOrRenew();
    await lease.release();
    expect(state.holder).toBeNull();
    expect(await lease.acquireOrRenew()).toBe(true);
    expect(state.asked).toBe(3);
  });
});
