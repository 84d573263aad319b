import request from 'supertest';
import { faultProfile } from '../support/fault-report';
import {
  faultSuite,
  feed,
  poisonedScenario,
  seededRandom,
  sleep,
  startEngineProcess,
  verifyAndReport,
  Verdict,
} from '../support/fault-harness';
import { eventually } from '../support/kafka-io';
import { waitUntilFolded } from '../support/folding';
import { ALL_POISON_KINDS, topicOf } from '../support/scenario-feed';
import { tokenFor } from '../support/running-apps';

const profile = faultProfile();
const MAX_EVENT_BYTES = 65_536;

const expectClean = (verdict: Verdict) => {
  expect(verdict.mismatches).toEqual([]);
  expect(verdict.independent).toEqual([]);
  expect(verdict.applied).toEqual([]);
  expect(verdict.notifications).toEqual([]);
  expect(verdict.deadLetters).toEqual([]);
};

describe(`engine under faults (${profile.name} profile)`, () => {
  const suite = faultSuite();

  it('ends exact when the engine is SIGKILLed at random moments during the stream', async () => {
    const h = await suite.harness();
    const run = poisonedScenario(
      101,
      ['K1', 'K2'],
      profile.crashCustomers / 2,
      profile.crashEventsPerCustomer,
      MAX_EVENT_BYTES,
    );
    let engine = startEngineProcess(h);
    const random = seededRandom(7);
    // The stream lasts about as long as the kills, so that each one hits work in flight.
    const producing = feed(
      h,
      run.streams,
      run.bad,
      500,
      profile.kills * (profile.killAfterMs + profile.killSpreadMs / 2),
    );
    for (let kill = 0; kill < profile.kills; kill++) {
      await sleep(profile.killAfterMs + random() * profile.killSpreadMs);
      await engine.kill();
      engine = startEngineProcess(h);
    }
    await producing;
    const verdict = await verifyAndReport(h, {
      scenario: 'engine SIGKILLed mid-stream',
      faults: profile.kills,
      ...run,
    });
    expectClean(verdict);
  }, 1_800_000);

  it('ends exact through a Kafka broker restart, a Redis restart, a Redis flush and Postgres away', async () => {
    const harness = await suite.harness();
    const run = poisonedScenario(202, ['R1'], profile.streamCustomers, 40, MAX_EVENT_BYTES);
    startEngineProcess(harness);
    const producing = feed(harness, run.streams, run.bad, 200, 10_000 + profile.postgresOutageMs);
    const token = tokenFor(harness.stack, ['viewer'], '*');
    const get = (path: string) =>
      request(harness.api.getHttpServer()).get(path).set('Authorization', `Bearer ${token}`);
    const customer = '/v1/companies/R1/customers/C00001';
    await eventually(
      () => get(`${customer}/exposure`).then((r) => r.status),
      (s) => s === 200,
      60_000,
    );

    await harness.infra.broker.restart();
    await sleep(1500);
    await harness.infra.redis.restart();
    await sleep(2000);
    await harness.infra.redis.flushAll();
    await sleep(1500);

    await harness.infra.postgres.cut();
    const outageStarted = Date.now();
    const during: { needsPostgres: request.Response; exposure: request.Response; me: request.Response } = {
      needsPostgres: await get(`${customer}/open-items`),
      exposure: await eventually(
        () => get(`${customer}/exposure`),
        (r) => r.status === 200,
        30_000,
      ),
      me: await get('/v1/me'),
    };
    await sleep(Math.max(0, profile.postgresOutageMs - (Date.now() - outageStarted)));
    await harness.infra.postgres.restore();
    await producing;

    const verdict = await verifyAndReport(harness, {
      scenario: 'broker restart, Redis restart + flush, Postgres away',
      faults: 4,
      notes: `Postgres away ${Math.round(profile.postgresOutageMs / 1000)} s`,
      ...run,
    });
    expect(during.needsPostgres.status).toBe(503);
    expect(during.needsPostgres.headers['retry-after']).toBe('5');
    expect(during.needsPostgres.body.message).toMatch(/Postgres\) is unavailable/);
    expect(during.exposure.headers['x-exposure-source']).toBe('live-state');
    expect(during.exposure.body).toMatchObject({ companyId: 'R1', customerId: 'C00001' });
    expect(during.me.status).toBe(200);
    expectClean(verdict);
  }, 1_800_000);

  it('ends exact with three instances in one group, one added and one killed mid-stream', async () => {
    const h = await suite.harness();
    const run = poisonedScenario(303, ['S1', 'S2', 'S3'], profile.streamCustomers / 2, 40, MAX_EVENT_BYTES);
    const instances = [startEngineProcess(h), startEngineProcess(h), startEngineProcess(h)];
    const producing = feed(h, run.streams, run.bad, 200, 10_000);
    await sleep(3500);
    instances.push(startEngineProcess(h));
    await sleep(3500);
    await instances[1].kill();
    await producing;
    const verdict = await verifyAndReport(h, {
      scenario: 'scale-out: 3 instances, +1, one killed',
      faults: 2,
      notes: `${instances.reduce((n, e) => n + (e.log.match(/moved under us/g)?.length ?? 0), 0)} concurrent batches refused`,
      ...run,
    });
    expectClean(verdict);
  }, 1_800_000);

  it('dead-letters 1% invalid inputs of every kind without changing state or collapsing throughput', async () => {
    const h = await suite.harness();
    const engine = startEngineProcess(h);
    const clean = poisonedScenario(404, ['P1'], profile.streamCustomers, 40, MAX_EVENT_BYTES);
    const poisoned = poisonedScenario(505, ['P2'], profile.streamCustomers, 40, MAX_EVENT_BYTES);
    // Same size, same engine: the stream with 1% poison against the one without.
    let started = Date.now();
    await feed(h, clean.streams, []);
    await waitUntilFolded(h.stack, 600_000);
    const cleanRate = (clean.events - clean.bad.length) / ((Date.now() - started) / 1000);
    started = Date.now();
    await feed(h, poisoned.streams, poisoned.bad);
    await waitUntilFolded(h.stack, 600_000);
    const poisonedRate = poisoned.events / ((Date.now() - started) / 1000);
    // Then a burst of oversized inputs of one customer in a row: together their dead letters are
    // more than Kafka takes in one batch, and must still all come out (the outbox must not stall).
    const large = poisoned.bad.find((b) => b.kind === 'TOO_LARGE')!;
    const burst = Array.from({ length: 24 }, (_, j) => ({
      ...large,
      value: Buffer.from(large.value.toString('utf8').replace('"eventId":"bad-', `"eventId":"burst-${j}-`)),
    }));
    // While the engine is stopped, so that it folds them in one batch when it is back.
    // One send each (one would exceed the input topic's limit), consecutive in the partition all the same.
    await engine.terminate();
    for (const b of burst) {
      await h.producer.send({
        topic: topicOf(h.stack.engine.kafka.topics, b.stream),
        messages: [{ key: b.key, value: b.value }],
      });
    }
    startEngineProcess(h);
    const bad = [...poisoned.bad, ...burst];
    const verdict = await verifyAndReport(h, {
      scenario: 'poison: 1% invalid of every kind',
      faults: bad.length,
      events: clean.events - clean.bad.length + poisoned.events + burst.length,
      streams: { ...mergeStreams(clean.streams, poisoned.streams) },
      bad,
      notes: `fold rate ${Math.round(cleanRate)} ev/s clean, ${Math.round(poisonedRate)} ev/s with poison`,
    });
    expectClean(verdict);
    const kinds = new Set(poisoned.bad.map((b) => b.kind));
    expect(kinds.size).toBe(ALL_POISON_KINDS.length);
    // A collapse guard, not a speed target: poison must not slow folding by an order of magnitude.
    expect(poisonedRate).toBeGreaterThan(cleanRate / 4);
  }, 1_800_000);
});

function mergeStreams<T extends Record<string, unknown[] | undefined>>(a: T, b: T): T {
  const merged: Record<string, unknown[]> = {};
  for (const source of [a, b]) {
    for (const [stream, list] of Object.entries(source))
      merged[stream] = [...(merged[stream] ?? []), ...(list ?? [])];
  }
  return merged as T;
}
