import { EventEmitter } from 'node:events';
import { register as globalRegistry } from 'prom-client';
import { ApiMetrics, UNMATCHED_ROUTE } from './api-metrics';
import { ConsumerLagProbe, partitionLag, Watermark } from './consumer-lag';
import { CommittedMessage, EngineMetrics } from './engine-metrics';
import { parseExposition, sampleValue, samplesOf } from './exposition';
import { MetricsController } from './metrics.controller';

const scrape = async (metrics: { render(): Promise<string> }) => parseExposition(await metrics.render());

const ENGINE_METRICS = [
  'exposure_events_folded_total',
  'exposure_events_duplicate_total',
  'exposure_events_ignored_total',
  'exposure_dead_letters_total',
  'exposure_fold_batch_seconds',
  'exposure_fold_event_latency_seconds',
  'exposure_publish_seconds',
  'exposure_outbox_backlog',
  'exposure_projection_backlog',
  'exposure_consumer_lag',
  'exposure_fold_conflicts_total',
];

describe('EngineMetrics', () => {
  it('registers every instrument and the prefixed Node metrics in a registry of its own', async () => {
    const metrics = new EngineMetrics();
    const names = (await metrics.registry.getMetricsAsJSON()).map((m) => m.name);
    expect(names).toEqual(expect.arrayContaining(ENGINE_METRICS));
    expect(names).toContain('exposure_engine_process_cpu_user_seconds_total');
    expect(names).toContain('exposure_engine_nodejs_eventloop_lag_seconds');
    expect(names.filter((n) => !n.startsWith('exposure_') && !n.startsWith('metrics_'))).toEqual([]);
    expect(await globalRegistry.getMetricsAsJSON()).toEqual([]);
  });

  it('keeps two instances in one process apart', async () => {
    const one = new EngineMetrics();
    const two = new EngineMetrics();
    one.eventsFolded.inc({ topic: 'erp.documents' }, 3);
    expect(sampleValue(await scrape(one), 'exposure_events_folded_total', { topic: 'erp.documents' })).toBe(
      3,
    );
    expect(sampleValue(await scrape(two), 'exposure_events_folded_total', { topic: 'erp.documents' })).toBe(
      undefined,
    );
  });

  it('counts a committed fold: applied per topic, dead letters per reason, the rest as duplicates, event ages', async () => {
    const metrics = new EngineMetrics();
    const now = Date.parse('2026-03-02T09:00:00Z');
    const at = (msAgo: number) => ({ timestamp: String(now - msAgo) });
    const committed: CommittedMessage[] = [
      { message: at(20), result: { ok: true } },
      { message: at(400), result: { ok: true } },
      { message: at(5), result: { ok: false, reason: 'NOT_JSON' } },
      { message: at(5), result: { ok: false, reason: 'VALIDATION_FAILED' } },
      { message: at(5), result: { ok: false, reason: 'NOT_JSON' } },
    ];
    // 7 received: 2 below the applied offset, 5 committed of which 2 applied and 3 dead-lettered.
    metrics.foldCommitted(
      'erp.documents',
      7,
      committed,
      [{ appliedEventIds: ['a'] }, { appliedEventIds: ['b'] }],
      now,
    );
    metrics.foldCommitted('erp.documents', 4, [], [], now);

    const samples = await scrape(metrics);
    expect(sampleValue(samples, 'exposure_events_folded_total', { topic: 'erp.documents' })).toBe(2);
    expect(sampleValue(samples, 'exposure_events_duplicate_total', { topic: 'erp.documents' })).toBe(6);
    expect(sampleValue(samples, 'exposure_dead_letters_total', { reason: 'NOT_JSON' })).toBe(2);
    expect(sampleValue(samples, 'exposure_dead_letters_total', { reason: 'VALIDATION_FAILED' })).toBe(1);
    expect(sampleValue(samples, 'exposure_fold_event_latency_seconds_count')).toBe(2);
    expect(sampleValue(samples, 'exposure_fold_event_latency_seconds_sum')).toBeCloseTo(0.42, 6);
    expect(sampleValue(samples, 'exposure_fold_event_latency_seconds_bucket', { le: '0.025' })).toBe(1);
    expect(sampleValue(samples, 'exposure_fold_event_latency_seconds_bucket', { le: '0.5' })).toBe(2);
  });

  it('has fold batch and publish histograms with buckets from 1 ms to 5 s', async () => {
    const metrics = new EngineMetrics();
    metrics.foldBatchSeconds.observe(0.0008);
    metrics.publishSeconds.observe(4);
    const samples = await scrape(metrics);
    for (const name of ['exposure_fold_batch_seconds_bucket', 'exposure_publish_seconds_bucket']) {
      const bounds = samplesOf(samples, name).map((s) => s.labels.le);
      expect(bounds[0]).toBe('0.001');
      expect(bounds.slice(-2)).toEqual(['5', '+Inf']);
    }
    expect(sampleValue(samples, 'exposure_fold_batch_seconds_bucket', { le: '0.001' })).toBe(1);
    expect(sampleValue(samples, 'exposure_publish_seconds_bucket', { le: '2.5' })).toBe(0);
    expect(sampleValue(samples, 'exposure_publish_seconds_bucket', { le: '5' })).toBe(1);
  });

  it('reads the backlogs and the consumer lag from the probes at scrape time', async () => {
    let outbox = 5;
    const metrics = new EngineMetrics({
      outboxBacklog: async () => outbox,
      projectionBacklog: async () => 2,
      consumerLag: async () => [
        { topic: 'erp.documents', partition: 0, lag: 0 },
        { topic: 'erp.documents', partition: 1, lag: 12 },
      ],
    });
    let samples = await scrape(metrics);
    expect(sampleValue(samples, 'exposure_outbox_backlog')).toBe(5);
    expect(sampleValue(samples, 'exposure_projection_backlog')).toBe(2);
    expect(sampleValue(samples, 'exposure_consumer_lag', { topic: 'erp.documents', partition: '0' })).toBe(0);
    expect(sampleValue(samples, 'exposure_consumer_lag', { topic: 'erp.documents', partition: '1' })).toBe(
      12,
    );
    outbox = 0;
    samples = await scrape(metrics);
    expect(sampleValue(samples, 'exposure_outbox_backlog')).toBe(0);
  });

  it('never fails a scrape for a failing or hanging probe: NaN or no series, and a failure counted', async () => {
    const metrics = new EngineMetrics(
      {
        outboxBacklog: () => Promise.reject(new Error('redis down')),
        projectionBacklog: () => new Promise<number>(() => undefined),
        consumerLag: () => Promise.reject(new Error('kafka down')),
      },
      { prefix: 'x_', defaultMetrics: false, probeTimeoutMs: 20 },
    );
    const samples = await scrape(metrics);
    expect(sampleValue(samples, 'exposure_outbox_backlog')).toBeNaN();
    expect(sampleValue(samples, 'exposure_events_folded_total')).toBeUndefined();
    expect(sampleValue(samples, 'exposure_projection_backlog')).toBeNaN();
    expect(samplesOf(samples, 'exposure_consumer_lag')).toEqual([]);
    // The failures are counted during the scrape: the next one shows them.
    const next = await scrape(metrics);
    for (const gauge of ['exposure_outbox_backlog', 'exposure_projection_backlog', 'exposure_consumer_lag']) {
      expect(sampleValue(next, 'metrics_probe_failures_total', { gauge })).toBe(1);
    }
  });

  it('drops the lag series of partitions no longer reported', async () => {
    let lags = [
      { topic: 't', partition: 0, lag: 1 },
      { topic: 't', partition: 1, lag: 2 },
    ];
    const metrics = new EngineMetrics({ consumerLag: async () => lags });
    expect(samplesOf(await scrape(metrics), 'exposure_consumer_lag')).toHaveLength(2);
    lags = [{ topic: 't', partition: 1, lag: 0 }];
    expect(samplesOf(await scrape(metrics), 'exposure_consumer_lag')).toEqual([
      { name: 'exposure_consumer_lag', labels: { topic: 't', partition: '1' }, value: 0 },
    ]);
  });

  it('runs what was registered to close on shutdown', async () => {
    const metrics = new EngineMetrics();
    const closed = jest.fn();
    metrics.onClose(closed);
    await metrics.onApplicationShutdown();
    expect(closed).toHaveBeenCalledTimes(1);
  });
});

describe('consumer lag', () => {
  const mark = (partition: number, low: string, high: string): Watermark => ({ partition, low, high });

  it('is high watermark - 1 - applied offset, or every kept message when nothing was applied, never negative', () => {
    expect(partitionLag(mark(0, '0', '10'), '9')).toBe(0);
    expect(partitionLag(mark(0, '0', '10'), '6')).toBe(3);
    expect(partitionLag(mark(0, '4', '10'), null)).toBe(6);
    expect(partitionLag(mark(0, '0', '0'), null)).toBe(0);
    expect(partitionLag(mark(0, '0', '10'), '12')).toBe(0);
  });

  it('caches the watermarks for the ttl but reads the applied offsets at every scrape', async () => {
    let clock = 0;
    const fetch = jest.fn(async (topic: string) =>
      topic === 'a' ? [mark(0, '0', '10'), mark(1, '0', '3')] : [mark(0, '0', '0')],
    );
    let applied: (string | null)[] = ['5', null, null];
    const read = jest.fn(async () => applied);
    const probe = new ConsumerLagProbe(['a', 'b'], fetch, read, 2_000, () => clock);

    expect(await probe.sample()).toEqual([
      { topic: 'a', partition: 0, lag: 4 },
      { topic: 'a', partition: 1, lag: 3 },
      { topic: 'b', partition: 0, lag: 0 },
    ]);
    expect(read).toHaveBeenCalledWith([
      { topic: 'a', partition: 0 },
      { topic: 'a', partition: 1 },
      { topic: 'b', partition: 0 },
    ]);
    clock = 1_999;
    applied = ['9', '2', null];
    expect((await probe.sample()).map((p) => p.lag)).toEqual([0, 0, 0]);
    expect(fetch).toHaveBeenCalledTimes(2); // once per topic
    clock = 2_000;
    await probe.sample();
    expect(fetch).toHaveBeenCalledTimes(4);
  });

  it('asks again after a failed watermark fetch', async () => {
    const fetch = jest
      .fn<Promise<Watermark[]>, [string]>()
      .mockRejectedValueOnce(new Error('no broker'))
      .mockResolvedValue([mark(0, '0', '2')]);
    const probe = new ConsumerLagProbe(
      ['a'],
      fetch,
      async () => [null],
      60_000,
      () => 0,
    );
    await expect(probe.sample()).rejects.toThrow('no broker');
    expect(await probe.sample()).toEqual([{ topic: 'a', partition: 0, lag: 2 }]);
  });
});

class FakeResponse extends EventEmitter {
  statusCode = 200;
}

describe('ApiMetrics', () => {
  const PATTERN = '/v1/companies/:companyId/customers/:customerId/exposure';

  it('registers its instruments and the prefixed Node metrics', async () => {
    const names = (await new ApiMetrics().registry.getMetricsAsJSON()).map((m) => m.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'http_request_duration_seconds',
        'credit_check_seconds',
        'api_outbox_backlog',
        'risk_api_process_resident_memory_bytes',
      ]),
    );
  });

  it('times requests by method, route pattern (not the URL) and status; unmatched and aborted bounded', async () => {
    const metrics = new ApiMetrics({}, { prefix: 'x_', defaultMetrics: false });
    const middleware = metrics.httpMiddleware();
    const send = (route: string | undefined, status: number, event: 'finish' | 'close' = 'finish') => {
      const request = {
        method: 'GET',
        baseUrl: '',
        route: route === undefined ? undefined : { path: route },
      };
      const response = new FakeResponse();
      const next = jest.fn();
      middleware(request, response, next);
      expect(next).toHaveBeenCalled();
      response.statusCode = status;
      response.emit(event);
      response.emit('close');
    };
    send(PATTERN, 200);
    send(PATTERN, 200);
    send(PATTERN, 404);
    send(undefined, 404);
    send(PATTERN, 200, 'close');

    const samples = await scrape(metrics);
    const count = (labels: Record<string, string>) =>
      sampleValue(samples, 'http_request_duration_seconds_count', { method: 'GET', ...labels });
    expect(count({ route: PATTERN, status: '200' })).toBe(2);
    expect(count({ route: PATTERN, status: '404' })).toBe(1);
    expect(count({ route: UNMATCHED_ROUTE, status: '404' })).toBe(1);
    expect(count({ route: PATTERN, status: 'aborted' })).toBe(1);
    expect(samplesOf(samples, 'http_request_duration_seconds_count')).toHaveLength(4);
  });

  it('times credit checks by decision, and failures as error', async () => {
    const metrics = new ApiMetrics({}, { prefix: 'x_', defaultMetrics: false });
    await metrics.timeCreditCheck(async () => ({ decision: 'HOLD' }));
    await metrics.timeCreditCheck(async () => ({ decision: 'ALLOW' }));
    await metrics.timeCreditCheck(async () => ({ decision: 'ALLOW' }));
    await expect(metrics.timeCreditCheck(() => Promise.reject(new Error('db down')))).rejects.toThrow(
      'db down',
    );
    const samples = await scrape(metrics);
    expect(sampleValue(samples, 'credit_check_seconds_count', { decision: 'ALLOW' })).toBe(2);
    expect(sampleValue(samples, 'credit_check_seconds_count', { decision: 'HOLD' })).toBe(1);
    expect(sampleValue(samples, 'credit_check_seconds_count', { decision: 'error' })).toBe(1);
    expect(
      samplesOf(samples, 'credit_check_seconds_bucket', { decision: 'ALLOW' }).map((s) => s.labels.le),
    ).toContain('0.015');
  });

  it('reads the outbox backlog at scrape time', async () => {
    let rows = 3;
    const metrics = new ApiMetrics({ outboxBacklog: async () => rows });
    expect(sampleValue(await scrape(metrics), 'api_outbox_backlog')).toBe(3);
    rows = 0;
    expect(sampleValue(await scrape(metrics), 'api_outbox_backlog')).toBe(0);
  });
});

describe('MetricsController', () => {
  it('answers the registry in the Prometheus text format with its content type', async () => {
    const metrics = new EngineMetrics({}, { prefix: 'x_', defaultMetrics: false });
    metrics.foldConflicts.inc();
    const response = { status: jest.fn(), setHeader: jest.fn(), end: jest.fn() };
    response.status.mockReturnValue(response);
    await new MetricsController(metrics).scrape(response as never);
    expect(response.status).toHaveBeenCalledWith(200);
    expect(response.setHeader).toHaveBeenCalledWith(
      'Content-Type',
      expect.stringMatching(/^text\/plain; version=0\.0\.4/),
    );
    expect(sampleValue(parseExposition(response.end.mock.calls[0][0]), 'exposure_fold_conflicts_total')).toBe(
      1,
    );
  });
});

describe('parseExposition', () => {
  it('reads names, labels (escapes included) and values, skipping comments', () => {
    const text = [
      '# HELP a_total Something',
      '# TYPE a_total counter',
      'a_total{topic="x",note="say \\"hi\\"\\n"} 3',
      'b 1.5e-3',
      'c{le="+Inf"} NaN',
      '',
    ].join('\n');
    expect(parseExposition(text)).toEqual([
      { name: 'a_total', labels: { topic: 'x', note: 'say "hi"\n' }, value: 3 },
      { name: 'b', labels: {}, value: 0.0015 },
      { name: 'c', labels: { le: '+Inf' }, value: Number.NaN },
    ]);
  });
});
