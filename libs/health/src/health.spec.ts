import { cachedFor, checkHealth } from './health';

describe('checkHealth', () => {
  it('is ok only when every dependency answers', async () => {
    const report = await checkHealth({ kafka: async () => 1, redis: async () => 'PONG' });
    expect(report.status).toBe('ok');
    expect(report.checks.kafka.status).toBe('up');
  });

  it('names the failing dependency and gives its error to the listener only', async () => {
    const down: string[] = [];
    const report = await checkHealth(
      {
        redis: async () => 1,
        postgres: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5432')),
      },
      2000,
      (name, error) => down.push(`${name}: ${error}`),
    );
    expect(report.status).toBe('unavailable');
    expect(report.checks.postgres.status).toBe('down');
    expect(report.checks.redis.status).toBe('up');
    expect(JSON.stringify(report)).not.toMatch(/ECONNREFUSED|5432/);
    expect(down).toEqual(['postgres: connect ECONNREFUSED 127.0.0.1:5432']);
  });

  it('treats a check that hangs as down', async () => {
    const down: string[] = [];
    const report = await checkHealth({ kafka: () => new Promise(() => undefined) }, 50, (_, e) =>
      down.push(e),
    );
    expect(report.checks.kafka.status).toBe('down');
    expect(down).toEqual(['no answer within 50 ms']);
  });
});

describe('cachedFor', () => {
  it('shares a run still going and its result within the time to live', async () => {
    let runs = 0;
    let finish: (value: number) => void = () => undefined;
    const probe = cachedFor(
      60_000,
      () => new Promise<number>((resolve) => ((runs += 1), (finish = resolve))),
    );
    const first = probe();
    const second = probe();
    finish(7);
    expect(await first).toBe(7);
    expect(await second).toBe(7);
    expect(await probe()).toBe(7);
    expect(runs).toBe(1);
  });

  it('runs again once the time to live has passed, failures included', async () => {
    let runs = 0;
    const probe = cachedFor(0, async () => {
      runs += 1;
      throw new Error('down');
    });
    await expect(probe()).rejects.toThrow('down');
    await new Promise((r) => setTimeout(r, 5));
    await expect(probe()).rejects.toThrow('down');
    expect(runs).toBe(2);
  });
});
