import { freePort } from '../support/fault-infra';
import { faultProfile, reportFault } from '../support/fault-report';
import {
  commitProblems,
  faultSuite,
  feed,
  poisonedScenario,
  sleep,
  startEngineProcess,
  verifyAndReport,
} from '../support/fault-harness';
import Redis from 'ioredis';
import { RebuildMarker, redisKeysOf } from '@credit/redis';
import { ApiProcess } from '../support/engine-process';
import { eventually } from '../support/kafka-io';
import { tokenFor } from '../support/running-apps';

const profile = faultProfile();

describe(`graceful shutdown (${profile.name} profile)`, () => {
  const suite = faultSuite();

  it('SIGTERM on the engine finishes the batch in hand, commits what it applied and republishes nothing', async () => {
    const h = await suite.harness();
    const run = poisonedScenario(606, ['T1'], profile.streamCustomers, 40, 65_536);
    let engine = startEngineProcess(h);
    const producing = feed(h, run.streams, run.bad, 200, 10_000);
    const exits: unknown[] = [];
    const commits: string[] = [];
    for (let stop = 0; stop < 3; stop++) {
      await sleep(3000);
      await engine.terminate();
      exits.push(engine.exit);
      // Between the stop and the restart, Kafka's committed offsets are exactly past what was applied.
      commits.push(...(await commitProblems(h)));
      engine = startEngineProcess(h);
    }
    await producing;
    const verdict = await verifyAndReport(h, { scenario: 'engine SIGTERM x3 mid-stream', faults: 3, ...run });
    // Nest closes the app on SIGTERM, then re-raises the signal: the process ends by it, after the close.
    expect(exits).toEqual([0, 1, 2].map(() => ({ code: null, signal: 'SIGTERM' })));
    expect(commits).toEqual([]);
    expect(verdict.mismatches).toEqual([]);
    expect(verdict.independent).toEqual([]);
    expect(verdict.applied).toEqual([]);
    expect(verdict.notifications).toEqual([]);
    expect(verdict.deadLetters).toEqual([]);
    // A graceful stop acknowledges what it published: nothing comes out twice.
    expect(verdict.republished).toBe(0);
  }, 900_000);

  it('SIGTERM on the API answers the requests in flight and publishes each of their outcomes once', async () => {
    const harness = await suite.harness();
    const port = await freePort();
    const api = new ApiProcess(harness.stack, { API_PORT: String(port) });
    harness.engines.push(api);
    api.start();
    const token = tokenFor(harness.stack, ['erp-service', 'viewer'], '*', 'erp');
    const base = `http://127.0.0.1:${port}`;
    const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
    /** Until the API answers an authenticated request. */
    const apiUp = () =>
      eventually(
        () =>
          fetch(`${base}/v1/me`, { headers }).then(
            (r) => r.status,
            () => 0,
          ),
        (s) => s === 200,
        60_000,
      );
    await apiUp();
    // No engine runs here: the state store's epoch is created as an engine would on an empty topic set,
    // or credit checks would answer 503 (the state is being rebuilt).
    const redis = new Redis(harness.stack.engine.redis.url);
    await new RebuildMarker(redis, redisKeysOf(harness.stack.engine)).begin(String(Date.now()), []);
    redis.disconnect();
    const check = (i: number) =>
      fetch(`${base}/v1/companies/G1/customers/C${i}/credit-checks`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ documentType: 'order', documentId: `O-${i}`, amount: '100.00' }),
      }).then(
        async (r) => ({ status: r.status, requestId: (await r.json()).requestId as string | undefined }),
        (error: Error & { cause?: { code?: string } }) => ({
          status: 0,
          error: error.cause?.code ?? error.message,
        }),
      );
    const inFlight = Array.from({ length: 40 }, (_, i) => check(i));
    // SIGTERM as soon as the first answer is back: the API is then working through the rest, however
    // slow the machine (a fixed pause could end before any request was read, or after all were answered).
    await Promise.race(inFlight);
    await api.terminate();
    const answers = await Promise.all(inFlight);
    const exit = api.exit;
    api.start();
    await apiUp();
    const answered = answers.filter((a) => a.status === 200 || a.status === 201);
    const ids = new Set(answered.map((a) => (a as { requestId?: string }).requestId));
    const blocks = harness.stack.engine.kafka.topics.blocks;
    const outcomesOfG1 = () => harness.recorder.json(blocks).filter((e) => e.companyId === 'G1');
    await eventually(
      () => new Set(outcomesOfG1().map((e) => String(e.causationId))),
      (seen) => [...ids].every((id) => seen.has(String(id))),
      60_000,
    );
    // A moment more, for the outcome of a request that was processed but never answered, if any.
    await sleep(2000);
    const outcomes = outcomesOfG1();
    const causes = outcomes.map((e) => String(e.causationId));
    // Processed (its outcome exists) but not answered: work cut in flight.
    const cut = causes.filter((id) => !ids.has(id));
    const lost = [...ids].filter((id) => !causes.includes(String(id)));
    // Connection errors are requests the server never read: it had stopped accepting (safe to retry).
    const notAccepted = answers.filter((a) => a.status === 0).map((a) => (a as { error?: string }).error);
    reportFault({
      scenario: 'API SIGTERM with 40 requests in flight',
      faults: 1,
      events: outcomes.length,
      customers: ids.size,
      mismatches: cut.length,
      lostNotifications: lost.length,
      requests: answers.length,
      statusClasses: { '2xx': answered.length, 'not accepted': notAccepted.length },
      notes: notAccepted.length > 0 ? `not accepted: ${[...new Set(notAccepted)].join(', ')}` : undefined,
    });
    expect(exit).toEqual({ code: null, signal: 'SIGTERM' });
    expect(answered.length).toBeGreaterThan(0);
    expect(cut).toEqual([]);
    expect(lost).toEqual([]);
    expect(answers.filter((a) => a.status !== 0 && a.status !== 200 && a.status !== 201)).toEqual([]);
    // Each answered check's outcome is on risk.blocks once.
    expect(causes.length).toBe(new Set(causes).size);
    await api.terminate();
  }, 300_000);
});
