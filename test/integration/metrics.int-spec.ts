import request from 'supertest';
import Redis from 'ioredis';
import { INestApplication } from '@nestjs/common';
import { parseExposition, Sample, sampleValue, samplesOf } from '@credit/observability';
import { redisKeysOf } from '@credit/redis';
import { engineMetrics } from '../../apps/exposure-engine/src/metrics';
import { isolatedStack, IsolatedStack } from '../support/isolated-stack';
import { eventually, TestProducer } from '../support/kafka-io';
import { startApi, startEngine, TestClock, tokenFor } from '../support/running-apps';

const COMPANY = 'IT01';
const EXPOSURE_ROUTE = '/v1/companies/:companyId/customers/:customerId/exposure';
const CREDIT_CHECK_ROUTE = '/v1/companies/:companyId/customers/:customerId/credit-checks';

const scrape = async (app: INestApplication): Promise<Sample[]> => {
  const response = await request(app.getHttpServer()).get('/metrics');
  expect(response.status).toBe(200);
  return parseExposition(response.text);
};

describe('metrics: both apps expose Prometheus metrics on /metrics', () => {
  let stack: IsolatedStack;
  let engine: INestApplication;
  let api: INestApplication;
  let producer: TestProducer;
  let redis: Redis;

  beforeAll(async () => {
    stack = await isolatedStack();
    producer = new TestProducer(stack.kafka);
    await producer.connect();
    redis = new Redis(stack.engine.redis.url);
    api = await startApi(stack);
    engine = await startEngine(stack, new TestClock(new Date('2026-03-02T09:00:00Z')));
  });

  afterAll(async () => {
    redis?.disconnect();
    await producer?.disconnect();
    await engine?.close();
    await api?.close();
    await stack?.cleanup();
  });

  it('engine: events folded per topic, dead letters by reason, lag per partition, backlogs, latencies', async () => {
    const topics = stack.engine.kafka.topics;
    // Without a token, in the text format.
    const first = await request(engine.getHttpServer()).get('/metrics');
    expect(first.status).toBe(200);
    expect(first.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(first.text).toContain('exposure_engine_process_resident_memory_bytes');

    await producer.events(topics.creditLimits, [
      {
        companyId: COMPANY,
        customerId: 'C1',
        eventId: 'lim-1',
        type: 'creditLimit.set',
        data: { amount: '1000.00', mode: 'block', attentionThresholdPct: 80, setBy: 'maria' },
      },
    ]);
    // Five valid orders over several customers (so several partitions), one of them over the limit.
    const orders = [
      ['C1', 'o-1', '1500.00'],
      ['C2', 'o-2', '10.00'],
      ['C3', 'o-3', '20.00'],
      ['C4', 'o-4', '30.00'],
      ['C5', 'o-5', '40.00'],
    ];
    await producer.events(
      topics.documents,
      orders.map(([customerId, eventId, amount]) => ({
        companyId: COMPANY,
        customerId,
        eventId,
        type: 'order.confirmed',
        data: { orderId: `SO-${eventId}`, amount },
      })),
    );
    await producer.raw(topics.documents, `${COMPANY}:C1`, '{"eventId": "broken", ');

    const folded = (samples: Sample[], topic: string) =>
      sampleValue(samples, 'exposure_events_folded_total', { topic }) ?? 0;
    const settled = await eventually(
      () => scrape(engine),
      (s) =>
        folded(s, topics.documents) >= 5 &&
        folded(s, topics.creditLimits) >= 1 &&
        sampleValue(s, 'exposure_dead_letters_total', { reason: 'NOT_JSON' }) === 1 &&
        samplesOf(s, 'exposure_consumer_lag', { topic: topics.documents }).every((p) => p.value === 0) &&
        sampleValue(s, 'exposure_outbox_backlog') === 0 &&
        sampleValue(s, 'exposure_projection_backlog') === 0,
    );
    expect(folded(settled, topics.documents)).toBe(5);
    expect(folded(settled, topics.creditLimits)).toBe(1);
    expect(samplesOf(settled, 'exposure_dead_letters_total')).toEqual([
      { name: 'exposure_dead_letters_total', labels: { reason: 'NOT_JSON' }, value: 1 },
    ]);
    expect(
      sampleValue(settled, 'exposure_events_duplicate_total', { topic: topics.documents }),
    ).toBeUndefined();
    // Every partition of every input topic has a lag series, at 0 once all is applied; read after
    // the watermark cache (2 s) expired, so against the watermarks of the messages just produced.
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    const fresh = await scrape(engine);
    const lags = samplesOf(fresh, 'exposure_consumer_lag');
    expect(lags).toHaveLength(5 * 3);
    expect(
      samplesOf(fresh, 'exposure_consumer_lag', { topic: topics.documents })
        .map((s) => [s.labels.partition, s.value])
        .sort(),
    ).toEqual([
      ['0', 0],
      ['1', 0],
      ['2', 0],
    ]);
    expect(lags.every((s) => s.value === 0)).toBe(true);
    // Each applied event's age was observed once; batches and the relay's publishes were timed.
    expect(sampleValue(settled, 'exposure_fold_event_latency_seconds_count')).toBe(6);
    expect(sampleValue(settled, 'exposure_fold_batch_seconds_count')).toBeGreaterThanOrEqual(2);
    expect(sampleValue(settled, 'exposure_publish_seconds_count')).toBeGreaterThanOrEqual(1);
    expect(sampleValue(settled, 'exposure_fold_conflicts_total')).toBe(0);

    // The same eventId again is skipped as a duplicate, not folded twice.
    await producer.events(topics.documents, [
      {
        companyId: COMPANY,
        customerId: 'C2',
        eventId: 'o-2',
        type: 'order.confirmed',
        data: { orderId: 'SO-o-2', amount: '999.00' },
      },
    ]);
    const again = await eventually(
      () => scrape(engine),
      (s) => sampleValue(s, 'exposure_events_duplicate_total', { topic: topics.documents }) === 1,
    );
    expect(folded(again, topics.documents)).toBe(5);
  });

  it('engine: the lag is the high watermark - 1 - the applied offset kept in Redis', async () => {
    const topics = stack.engine.kafka.topics;
    // Read against positions of another prefix, which this test sets itself.
    const prefix = `${stack.engine.redis.keyPrefix}lag-probe:`;
    const settings = { ...stack.engine, redis: { ...stack.engine.redis, keyPrefix: prefix } };
    const probeRedis = new Redis(stack.engine.redis.url);
    const metrics = engineMetrics(settings, stack.kafka, probeRedis);
    try {
      const admin = stack.kafka.admin();
      await admin.connect();
      const offsets = await admin.fetchTopicOffsets(topics.documents);
      await admin.disconnect();
      const withMessages = offsets.filter((o) => Number(o.high) >= 2);
      expect(withMessages.length).toBeGreaterThan(0);
      const { partition, high } = withMessages[0];
      // Nothing applied yet: every message kept is behind; offset 0 applied: one fewer.
      let samples = parseExposition(await metrics.render());
      expect(
        sampleValue(samples, 'exposure_consumer_lag', {
          topic: topics.documents,
          partition: String(partition),
        }),
      ).toBe(Number(high));
      await redis.set(redisKeysOf(settings).applied(topics.documents, partition), '0');
      samples = parseExposition(await metrics.render());
      expect(
        sampleValue(samples, 'exposure_consumer_lag', {
          topic: topics.documents,
          partition: String(partition),
        }),
      ).toBe(Number(high) - 1);
      expect(sampleValue(samples, 'exposure_outbox_backlog')).toBe(0);
    } finally {
      await metrics.close();
      probeRedis.disconnect();
    }
  });

  it('api: requests timed by route pattern, credit checks by decision, outbox backlog', async () => {
    const server = api.getHttpServer();
    const viewer = tokenFor(stack, ['viewer'], [COMPANY]);
    const erp = tokenFor(stack, ['erp-service'], [COMPANY]);
    const count = (samples: Sample[], route: string, status: string, method = 'GET') =>
      sampleValue(samples, 'http_request_duration_seconds_count', { method, route, status }) ?? 0;

    const before = await scrape(api);
    const exposure = (customerId: string, token = viewer) =>
      request(server)
        .get(`/v1/companies/${COMPANY}/customers/${customerId}/exposure`)
        .set('Authorization', `Bearer ${token}`);
    expect((await exposure('C1')).status).toBe(200);
    expect((await exposure('NOBODY-1')).status).toBe(404);
    expect((await exposure('NOBODY-2')).status).toBe(404);
    expect((await exposure('NOBODY-3')).status).toBe(404);
    expect((await request(server).get(`/v1/companies/${COMPANY}/customers/C1/exposure`)).status).toBe(401);
    expect((await request(server).get('/no/such/route')).status).toBe(404);
    const check = await request(server)
      .post(`/v1/companies/${COMPANY}/customers/C9/credit-checks`)
      .set('Authorization', `Bearer ${erp}`)
      .send({ documentType: 'order', documentId: 'SO-M1', amount: '10.00' });
    expect(check.status).toBe(200);

    const after = await eventually(
      () => scrape(api),
      (s) => sampleValue(s, 'api_outbox_backlog') === 0,
    );
    expect(count(after, EXPOSURE_ROUTE, '200') - count(before, EXPOSURE_ROUTE, '200')).toBe(1);
    expect(count(after, EXPOSURE_ROUTE, '404') - count(before, EXPOSURE_ROUTE, '404')).toBe(3);
    expect(count(after, EXPOSURE_ROUTE, '401') - count(before, EXPOSURE_ROUTE, '401')).toBe(1);
    expect(count(after, 'unmatched', '404') - count(before, 'unmatched', '404')).toBe(1);
    expect(count(after, CREDIT_CHECK_ROUTE, '200', 'POST')).toBe(1);
    // Bounded cardinality: no series carries a concrete id.
    const routes = new Set(
      samplesOf(after, 'http_request_duration_seconds_count').map((s) => s.labels.route),
    );
    expect([...routes].filter((r) => /NOBODY|C1|C9|no\/such/.test(r))).toEqual([]);
    expect(sampleValue(after, 'credit_check_seconds_count', { decision: check.body.decision })).toBe(1);
    expect(after.some((s) => s.name.startsWith('risk_api_process_'))).toBe(true);
  });
});
