import { INestApplication, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { cachedFor, DependencyCheck } from './health';
import { HEALTH_CHECKS, HealthController, HealthImports } from './health.controller';

/** A process with the given dependency checks, serving the health routes. */
async function serving(checks: Record<string, DependencyCheck>): Promise<INestApplication> {
  @Module({
    imports: [HealthImports()],
    controllers: [HealthController],
    providers: [{ provide: HEALTH_CHECKS, useValue: checks }],
  })
  class ProbedModule {}
  const moduleRef = await Test.createTestingModule({ imports: [ProbedModule] }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await app.init();
  return app;
}

describe('health routes (terminus indicators)', () => {
  let app: INestApplication | undefined;
  afterEach(() => app?.close());

  it('is ready only when every dependency answers, each up with its latency', async () => {
    app = await serving({ kafka: async () => 1, redis: async () => 'PONG' });
    const ready = await request(app.getHttpServer()).get('/health/ready').expect(200);
    expect(ready.body).toEqual({
      status: 'ok',
      checks: {
        kafka: { status: 'up', latencyMs: expect.any(Number) },
        redis: { status: 'up', latencyMs: expect.any(Number) },
      },
    });
    await request(app.getHttpServer()).get('/health').expect(200);
  });

  it('answers 503 naming the failing dependency, never its error', async () => {
    app = await serving({
      redis: async () => 1,
      postgres: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5432')),
    });
    const ready = await request(app.getHttpServer()).get('/health/ready').expect(503);
    expect(ready.body).toEqual({
      status: 'unavailable',
      checks: {
        redis: { status: 'up', latencyMs: expect.any(Number) },
        postgres: { status: 'down', latencyMs: expect.any(Number) },
      },
    });
    expect(JSON.stringify(ready.body)).not.toMatch(/ECONNREFUSED|5432/);
    // Liveness touches no dependency.
    await request(app.getHttpServer()).get('/health/live').expect(200, { status: 'ok' });
  });

  it('treats a dependency that does not answer within 2 s as down', async () => {
    app = await serving({ kafka: () => new Promise(() => undefined) });
    const ready = await request(app.getHttpServer()).get('/health/ready').expect(503);
    expect(ready.body.checks.kafka.status).toBe('down');
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
