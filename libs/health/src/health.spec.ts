import { checkHealth } from './health';

describe('checkHealth', () => {
  it('is ok only when every dependency answers', async () => {
    const report = await checkHealth({ kafka: async () => 1, redis: async () => 'PONG' });
    expect(report.status).toBe('ok');
    expect(report.checks.kafka.status).toBe('up');
  });

  it('reports the failing dependency and its error', async () => {
    const report = await checkHealth({
      redis: async () => 1,
      postgres: () => Promise.reject(new Error('refused')),
    });
    expect(report.status).toBe('unavailable');
    expect(report.checks.postgres).toMatchObject({ status: 'down', error: 'refused' });
    expect(report.checks.redis.status).toBe('up');
  });

  it('treats a check that hangs as down', async () => {
    const report = await checkHealth({ kafka: () => new Promise(() => undefined) }, 50);
    expect(report.checks.kafka).toMatchObject({ status: 'down', error: 'no answer within 50 ms' });
  });
});
