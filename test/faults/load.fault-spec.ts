import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { generateScenario } from '../../apps/erp-simulator/src/scenario';
import { freePort } from '../support/fault-infra';
import { faultProfile, reportFault } from '../support/fault-report';
import {
  expectedExposures,
  faultSuite,
  resilientSend,
  sleep,
  startEngineProcess,
} from '../support/fault-harness';
import { ApiProcess } from '../support/engine-process';
import { waitUntilFolded } from '../support/folding';
import { eventually } from '../support/kafka-io';
import { Streams } from '../support/reference';
import { tokenFor } from '../support/running-apps';
import { produceAll } from '../support/scenario-feed';
import { exposureMismatches } from '../support/verification';

const profile = faultProfile();
const AUTOCANNON = join(__dirname, '../../node_modules/autocannon/autocannon.js');

interface Cannon {
  errors: number;
  timeouts: number;
  non2xx: number;
  requests: { total: number; average: number };
  latency: { p50: number; p99: number; max: number };
}

/** autocannon in its own process (the load must not share the test's event loop), JSON result. */
function cannon(url: string, token: string, seconds: number, connections: number): Promise<Cannon> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        AUTOCANNON,
        '-j',
        '-c',
        String(connections),
        '-d',
        String(seconds),
        '-t',
        '10',
        '-H',
        `authorization=Bearer ${token}`,
        url,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`autocannon exited ${code}`)),
    );
  });
}

/** One gauge of an app's Prometheus text, in bytes. */
async function gauge(port: number, name: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return line ? Number(line.split(' ').pop()) : NaN;
}

/** Least-squares slope of y over x. */
function slope(points: [number, number][]): number {
  const n = points.length;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const num = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  const den = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  return den === 0 ? 0 : num / den;
}

describe(`the API under load while the engine folds (${profile.name} profile)`, () => {
  const suite = faultSuite();

  it(`serves ${profile.loadSeconds} s of load with no error and no memory growth while ${profile.loadEventsPerSecond} events/s are folded`, async () => {
    const harness = await suite.harness();
    const [apiPort, enginePort] = [await freePort(), await freePort()];
    // A bounded record cache, so that the heap measures leaks, not the cache filling with the new customers.
    const engine = startEngineProcess(harness, {
      ENGINE_HEALTH_PORT: String(enginePort),
      ENGINE_STATE_CACHE_SIZE: '1000',
    });
    const api = new ApiProcess(harness.stack, { API_PORT: String(apiPort) });
    harness.engines.push(api);
    api.start();
    const token = tokenFor(harness.stack, ['viewer'], '*', 'load');
    const base = `http://127.0.0.1:${apiPort}`;
    const send = resilientSend(harness.producer);

    // One simulated company per second of stream: 50 customers x 40 events = 2,000 events.
    const customersPerSecond = Math.round(profile.loadEventsPerSecond / 40);
    const second = (i: number): Streams =>
      generateScenario({
        seed: 9000 + i,
        companies: [`L${i}`],
        customers: customersPerSecond,
        eventsPerCustomer: 40,
        startDate: '2026-01-05',
      }).streams as Streams;
    await produceAll(send, harness.stack.engine.kafka.topics, second(0));
    await eventually(
      () =>
        fetch(`${base}/v1/companies/L0/customers/C00001/exposure`, {
          headers: { authorization: `Bearer ${token}` },
        }).then(
          (r) => r.status,
          () => 0,
        ),
      (s) => s === 200,
      120_000,
    );

    const samples: { t: number; apiHeap: number; engineHeap: number }[] = [];
    const started = Date.now();
    let producing = true;
    const sampler = (async () => {
      while (producing) {
        samples.push({
          t: (Date.now() - started) / 1000,
          apiHeap: await gauge(apiPort, 'risk_api_nodejs_heap_size_used_bytes'),
          engineHeap: await gauge(enginePort, 'exposure_engine_nodejs_heap_size_used_bytes'),
        });
        await sleep(Math.max(1000, (profile.loadSeconds * 1000) / 60));
      }
    })();
    const load = Promise.all([
      cannon(`${base}/v1/companies/L0/customers/C00001/exposure`, token, profile.loadSeconds, 4),
      cannon(`${base}/v1/companies/L0/exposures?limit=20`, token, profile.loadSeconds, 4),
    ]);
    const checked: Streams[] = [];
    let events = 0;
    for (let i = 1; Date.now() - started < profile.loadSeconds * 1000; i++) {
      const tick = Date.now();
      const streams = second(i);
      await produceAll(send, harness.stack.engine.kafka.topics, streams);
      events += Object.values(streams).reduce((n, list) => n + list.length, 0);
      if (i % 15 === 1) checked.push(streams);
      await sleep(Math.max(0, 1000 - (Date.now() - tick)));
    }
    const rate = events / ((Date.now() - started) / 1000);
    const [exposureLoad, listLoad] = await load;
    producing = false;
    await sampler;
    await waitUntilFolded(harness.stack, 600_000);
    const foldRate = events / ((Date.now() - started) / 1000);

    // Samples of the stream, checked exactly against the reference.
    const merged: Streams = {};
    for (const streams of checked)
      for (const [stream, list] of Object.entries(streams))
        merged[stream as keyof Streams] = [...(merged[stream as keyof Streams] ?? []), ...list!];
    const mismatches = await exposureMismatches(
      harness.stack,
      harness.api,
      expectedExposures(harness, merged),
    );

    // Memory after warm-up (the second half): the trend (MB per minute) is reported; what is asserted is
    // the floor the heap returns to after each collection, which grows only if something is kept.
    const late = samples.filter((s) => s.t >= profile.loadSeconds / 2);
    const mb = (bytes: number) => bytes / 2 ** 20;
    const apiHeapSlope = slope(late.map((s) => [s.t / 60, mb(s.apiHeap)])) || 0;
    const engineHeapSlope = slope(late.map((s) => [s.t / 60, mb(s.engineHeap)])) || 0;
    const floorGrowth = (pick: (s: (typeof late)[number]) => number) => {
      const middle = Math.floor(late.length / 2);
      return mb(Math.min(...late.slice(middle).map(pick)) - Math.min(...late.slice(0, middle).map(pick)));
    };
    const apiFloorGrowth = floorGrowth((s) => s.apiHeap);
    const engineFloorGrowth = floorGrowth((s) => s.engineHeap);
    const first = late[0];
    const last = late[late.length - 1];
    const requests = exposureLoad.requests.total + listLoad.requests.total;
    const failures =
      exposureLoad.errors +
      exposureLoad.timeouts +
      exposureLoad.non2xx +
      listLoad.errors +
      listLoad.timeouts +
      listLoad.non2xx;
    reportFault({
      scenario: `load: ${profile.loadSeconds} s at ${Math.round(rate)} events/s`,
      faults: 0,
      events,
      customers: checked.length * customersPerSecond,
      mismatches: mismatches.length,
      lostNotifications: 0,
      requests,
      statusClasses: { '2xx': requests - failures, errors: failures },
      notes:
        `folded ${Math.round(foldRate)} events/s; exposure p50 ${exposureLoad.latency.p50} ms p99 ${exposureLoad.latency.p99} ms (${Math.round(exposureLoad.requests.average)} req/s); ` +
        `list p50 ${listLoad.latency.p50} ms p99 ${listLoad.latency.p99} ms (${Math.round(listLoad.requests.average)} req/s); ` +
        `API heap ${Math.round(mb(first.apiHeap))}->${Math.round(mb(last.apiHeap))} MB (trend ${apiHeapSlope.toFixed(1)} MB/min, floor ${apiFloorGrowth >= 0 ? '+' : ''}${apiFloorGrowth.toFixed(1)} MB), ` +
        `engine heap ${Math.round(mb(first.engineHeap))}->${Math.round(mb(last.engineHeap))} MB (trend ${engineHeapSlope.toFixed(1)} MB/min, floor ${engineFloorGrowth >= 0 ? '+' : ''}${engineFloorGrowth.toFixed(1)} MB)`,
    });
    expect(engine.exit).toBeNull();
    expect(failures).toBe(0);
    expect(mismatches).toEqual([]);
    // The test did what it says: the stream came at the intended rate.
    expect(rate).toBeGreaterThan(profile.loadEventsPerSecond * 0.6);
    // No growth trend: the heap's floor in the last quarter is within 32 MB of the third quarter's. Only
    // judged from a minute of load on: before, the old generation may not have been collected once, so its
    // floor is still garbage piling up (a 15 s run measured +48 MB on a healthy API), and the engine's heap
    // is its fetch buffers and caches filling up. The short profile reports the figures without judging.
    if (profile.loadSeconds >= 60) {
      expect(apiFloorGrowth).toBeLessThan(32);
      expect(engineFloorGrowth).toBeLessThan(32);
    }
  }, 1_800_000);
});
