import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpus } from 'node:os';
import {
  applyFact,
  assess,
  businessDateAt,
  CustomerDocuments,
  CustomerRecord,
  decodeState,
  DEFAULT_PARAMETERS,
  emptyDocuments,
  formatMoney,
} from '@credit/domain';
import { decodeInputEvent, encodeInputEvent, InputStream, customerKey, RawEnvelope } from '@credit/contracts';
import { projectionBacklog, redisKeysOf } from '@credit/redis';
import { deleteKeys } from '@credit/sandbox';
import { generateScenario } from '../../apps/erp-simulator/src/scenario';
import { benchStack, BenchStack, cpuSecondsOf, rssOf, startApp, stopApp } from './bench-stack';
import { bareConsume, domainFloorConsume, inputEnds, inputTopics, waitForApplied } from './fold-throughput';
import { breachLatency } from './breach-latency';
import { CREDIT_CHECK_DEFAULTS, creditCheckLoad, creditCheckRows } from './credit-check-load';
import {
  HISTORY_DEFAULTS,
  historyPhases,
  HistoryOptions,
  historyRows,
  historyRun,
  historyStageCosts,
} from './history';

interface Options {
  customers: number;
  eventsPerCustomer: number;
  partitions: number;
  latencySamples: number;
  backgroundRate: number;
  creditCheckSeconds: number;
  skipCreditCheck: boolean;
  /** Skips the rebuild phase (for quick runs of the other phases). */
  skipRebuild: boolean;
  /** Fold processes in the consumer group (the deployed topology has one). */
  foldInstances: number;
  /** `host:port,...` of a Redis Cluster for the state (docs/scaling.md); '' for the one Redis. */
  redisCluster: string;
  /** Runs one part alone: `history` (the engine on long lives, and the stages), `stages` (in process only). */
  only: 'history' | 'stages' | null;
  skipHistory: boolean;
  history: HistoryOptions;
}

function onlyOption(argv: string[]): Options['only'] {
  const i = argv.indexOf('--only');
  if (i < 0) return null;
  const part = argv[i + 1];
  if (part !== 'history' && part !== 'stages') throw new Error(`--only ${part}: expected history or stages`);
  return part;
}

function options(argv: string[]): Options {
  const get = (name: string, fallback: number) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? Number(argv[i + 1]) : fallback;
  };
  return {
    customers: get('customers', 10_000),
    eventsPerCustomer: get('events-per-customer', 20),
    partitions: get('partitions', 3),
    latencySamples: get('latency-samples', 1000),
    backgroundRate: get('background-rate', 2000),
    creditCheckSeconds: get('credit-check-seconds', CREDIT_CHECK_DEFAULTS.seconds),
    skipCreditCheck: argv.includes('--skip-credit-check'),
    skipRebuild: argv.includes('--skip-rebuild'),
    foldInstances: get('fold-instances', 1),
    redisCluster: argv.includes('--redis-cluster') ? argv[argv.indexOf('--redis-cluster') + 1] : '',
    only: onlyOption(argv),
    skipHistory: argv.includes('--skip-history'),
    history: {
      customers: get('history-customers', HISTORY_DEFAULTS.customers),
      cycles: get('history-cycles', HISTORY_DEFAULTS.cycles),
      phases: get('history-phases', HISTORY_DEFAULTS.phases),
    },
  };
}

const STREAM_TOPIC = {
  documents: 'documents',
  journalEntries: 'journalEntries',
  billPortfolio: 'billPortfolio',
  creditLimits: 'creditLimits',
  customers: 'customers',
} as const;

async function produce(stack: BenchStack, streams: Record<InputStream, RawEnvelope[]>): Promise<number> {
  const producer = stack.kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  let count = 0;
  for (const [stream, envelopes] of Object.entries(streams) as [InputStream, RawEnvelope[]][]) {
    const topic = stack.engine.kafka.topics[STREAM_TOPIC[stream]];
    for (let i = 0; i < envelopes.length; i += 1000) {
      const messages = envelopes
        .slice(i, i + 1000)
        .map((e) => ({ key: customerKey(e.companyId, e.customerId), value: encodeInputEvent(e) }));
      await producer.send({ topic, messages, acks: 1 });
      count += messages.length;
    }
  }
  await producer.disconnect();
  return count;
}

/** Compares a sample of customers in Redis with the domain's reference fold of the same input. */
async function spotCheck(stack: BenchStack, streams: Record<InputStream, RawEnvelope[]>, sample: number) {
  const keys = new Set<string>();
  const all = Object.values(streams).flat();
  for (
    let i = 0;
    keys.size < sample && i < all.length;
    i += Math.max(1, Math.floor(all.length / (sample * 3)))
  ) {
    keys.add(customerKey(all[i].companyId, all[i].customerId));
  }
  const documents = new Map<string, CustomerDocuments>();
  for (const [stream, envelopes] of Object.entries(streams) as [InputStream, RawEnvelope[]][]) {
    for (const e of envelopes) {
      const key = customerKey(e.companyId, e.customerId);
      if (!keys.has(key)) continue;
      const decoded = decodeInputEvent(stream, Buffer.from(key), encodeInputEvent(e));
      if (decoded.ok) documents.set(key, applyFact(documents.get(key) ?? emptyDocuments(), decoded.fact));
    }
  }
  const params = { ...DEFAULT_PARAMETERS, timeZone: stack.engine.defaultTimeZone };
  const today = businessDateAt(new Date(), params.timeZone);
  let mismatches = 0;
  for (const key of keys) {
    const state = await stack.redis.hget(redisKeysOf(stack.engine).customer(key), 's');
    const record = state ? decodeState<CustomerRecord>(state) : null;
    const expected = assess(documents.get(key)!, today, params);
    const actual = record?.assessment;
    if (
      !actual ||
      formatMoney(actual.total) !== formatMoney(expected.total) ||
      actual.status !== expected.status
    ) {
      mismatches += 1;
    }
  }
  return { checked: keys.size, mismatches };
}

async function redisUsedMemory(stack: BenchStack): Promise<number> {
  let used = 0;
  for (const node of stack.redisNodes('master')) {
    used += Number(/used_memory:(\d+)/.exec(await node.info('memory'))![1]);
  }
  return used;
}

/** CPU seconds the Redis server has used (user + system): the store's share of the fold's cost. */
async function redisCpuSeconds(stack: BenchStack): Promise<number> {
  let used = 0;
  // Replicas too: on a cluster, replicating the state is part of the store's cost.
  for (const node of stack.redisNodes('all')) {
    const info = await node.info('cpu');
    const field = (name: string) => Number(new RegExp(`${name}:([0-9.]+)`).exec(info)![1]);
    used += field('used_cpu_user') + field('used_cpu_sys');
  }
  return used;
}

async function wipe(stack: BenchStack): Promise<void> {
  await deleteKeys(stack.engine.redis, `${stack.engine.redis.keyPrefix}*`);
}

async function projectionDrained(stack: BenchStack): Promise<void> {
  for (;;) {
    if ((await projectionBacklog(stack.redis, redisKeysOf(stack.engine))) === 0) return;
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Deletes the Redis state while the engine runs and times its replay until every applied offset is back. */
async function rebuild(
  stack: BenchStack,
  opts: Options,
  streams: Record<InputStream, RawEnvelope[]>,
  ends: [string, number, bigint][],
  rows: [string, string, string][],
  results: Record<string, unknown>,
): Promise<void> {
  await wipe(stack);
  const rebuildStarted = process.hrtime.bigint();
  await new Promise((r) => setTimeout(r, 100));
  const { firstAppliedAt } = await waitForApplied(stack.redis, redisKeysOf(stack.engine), ends);
  const rebuildSeconds = Number(process.hrtime.bigint() - rebuildStarted) / 1e9;
  // Noticing the loss and seeking back: the part of the rebuild that is not folding.
  const startSeconds = Number(firstAppliedAt - rebuildStarted) / 1e9;
  const recheck = await spotCheck(stack, streams, 200);
  rows.push([
    `rebuild of ${opts.customers} customers`,
    `${rebuildSeconds.toFixed(1)} s`,
    `${recheck.mismatches === 0 ? 'exact' : 'MISMATCH'}; target < 15 s for 10,000 (issue 13)`,
  ]);
  rows.push(['rebuild: from the loss to the first batch applied', `${startSeconds.toFixed(1)} s`, '']);
  results.rebuild = { seconds: rebuildSeconds, startSeconds, mismatches: recheck.mismatches };
  // The rebuild re-projects every customer: let that finish, so the latency below is measured in steady state.
  await projectionDrained(stack);
}

/** The history scenario: the engine on long customer lives (unless `stages` only), and the stages in process. */
async function history(opts: Options, rows: [string, string, string][], results: Record<string, unknown>) {
  const run = opts.only === 'stages' ? null : await historyRun(opts.history, opts.partitions);
  const stages = historyStageCosts(historyPhases(opts.history), {
    ...DEFAULT_PARAMETERS,
    timeZone: process.env.DEFAULT_TIME_ZONE ?? 'Europe/Rome',
  });
  rows.push(...historyRows(opts.history, run, stages));
  results.history = { run, stages };
}

function report(rows: [string, string, string][], results: Record<string, unknown>): void {
  const width = Math.max(...rows.map((r) => r[0].length));
  console.log('\n' + rows.map(([a, b, c]) => `${a.padEnd(width)}  ${b.padStart(18)}  ${c}`).join('\n'));
  const out = join(process.cwd(), 'bench-results');
  mkdirSync(out, { recursive: true });
  writeFileSync(
    join(out, 'latest.json'),
    JSON.stringify({ at: new Date().toISOString(), rows, results }, null, 2),
  );
  console.log(`\nwritten to ${join(out, 'latest.json')}`);
}

async function main(): Promise<void> {
  const opts = options(process.argv.slice(2));
  const rows: [string, string, string][] = [];
  const results: Record<string, unknown> = { options: opts, machine: { cpus: cpus().length } };
  if (opts.only !== null) {
    await history(opts, rows, results);
    report(rows, results);
    return;
  }
  const stack = await benchStack(opts.partitions, opts.redisCluster);
  const seconds = (from: bigint) => Number(process.hrtime.bigint() - from) / 1e9;
  try {
    // 1. The input, produced ahead.
    const scenario = generateScenario({
      seed: 42,
      companies: ['IT01'],
      customers: opts.customers,
      eventsPerCustomer: opts.eventsPerCustomer,
      startDate: '2026-05-01',
    });
    const memoryBefore = await redisUsedMemory(stack);
    const total = await produce(stack, scenario.streams);
    const topics = inputTopics(stack.engine.kafka.topics);
    const ends = await inputEnds(stack.kafka, topics);
    console.log(`produced ${total} events for ${opts.customers} customers`);

    // 2. Bare kafkajs against the engine, on the same messages.
    const bareCpu = process.cpuUsage();
    const bareSeconds = await bareConsume(stack.kafka, topics, total, `bench-bare-${stack.id}`);
    const bareCpuUsed = process.cpuUsage(bareCpu);
    const bareCpuSeconds = (bareCpuUsed.user + bareCpuUsed.system) / 1e6;
    const floorCpu = process.cpuUsage();
    const floorSeconds = await domainFloorConsume(
      stack.kafka,
      new Map(
        (Object.keys(STREAM_TOPIC) as InputStream[]).map((s) => [
          stack.engine.kafka.topics[STREAM_TOPIC[s]],
          s,
        ]),
      ),
      total,
      `bench-floor-${stack.id}`,
      { ...DEFAULT_PARAMETERS, timeZone: stack.engine.defaultTimeZone },
    );
    const floorCpuUsed = process.cpuUsage(floorCpu);
    const floorCpuSeconds = (floorCpuUsed.user + floorCpuUsed.system) / 1e6;
    const redisCpuBefore = await redisCpuSeconds(stack);
    const engineStarted = process.hrtime.bigint();
    // The deployed topology: one process folds, another projects into Postgres.
    const engines = Array.from({ length: opts.foldInstances }, () =>
      startApp('exposure-engine', { ...stack.env, ENGINE_ROLE: 'fold' }),
    );
    const projector = startApp('exposure-engine', { ...stack.env, ENGINE_ROLE: 'project' });
    const { firstAppliedAt } = await waitForApplied(stack.redis, redisKeysOf(stack.engine), ends).catch(
      async (error: unknown) => {
        // An engine that did not catch up must not outlive the bench.
        await Promise.all([...engines, projector].map((app) => stopApp(app)));
        throw error;
      },
    );
    const engineTotalSeconds = seconds(engineStarted);
    const engineSeconds = seconds(firstAppliedAt);
    const startupSeconds = engineTotalSeconds - engineSeconds;
    console.log(
      `engine folded ${total} events in ${engineSeconds.toFixed(2)} s from its first batch (bare: ${bareSeconds.toFixed(2)} s)`,
    );
    const engineCpuSeconds = engines.reduce((cpu, engine) => cpu + cpuSecondsOf(engine.pid!), 0);
    const redisFoldCpuSeconds = (await redisCpuSeconds(stack)) - redisCpuBefore;
    const projectionStarted = process.hrtime.bigint();
    await projectionDrained(stack);
    const projectionLagSeconds = seconds(projectionStarted);
    const projectorCpuSeconds = cpuSecondsOf(projector.pid!);
    const rss = engines.reduce((bytes, engine) => bytes + rssOf(engine.pid!), 0);
    const bareRate = total / bareSeconds;
    const engineRate = total / engineSeconds;
    rows.push([
      'fold: bare kafkajs (eachBatch + JSON.parse)',
      `${Math.round(bareRate)} events/s`,
      `${bareSeconds.toFixed(2)} s from first batch`,
    ]);
    rows.push([
      `fold: exposure engine (to lag 0, state complete${opts.foldInstances > 1 ? `, ${opts.foldInstances} fold processes` : ''})`,
      `${Math.round(engineRate)} events/s`,
      `${engineSeconds.toFixed(2)} s from first batch`,
    ]);
    rows.push([
      'engine start-up (process start to first batch applied)',
      `${startupSeconds.toFixed(2)} s`,
      '',
    ]);
    rows.push(['fold ratio engine / bare', (engineRate / bareRate).toFixed(2), 'target >= 0.5']);
    const floorRate = total / floorSeconds;
    rows.push([
      'floor: bare kafkajs + validate, apply, reassess in memory',
      `${Math.round(floorRate)} events/s`,
      `ratio floor / bare ${(floorRate / bareRate).toFixed(2)}: the best any engine could reach`,
    ]);
    rows.push([
      'bare kafkajs CPU per event',
      `${((bareCpuSeconds / total) * 1e6).toFixed(1)} µs`,
      `${bareCpuSeconds.toFixed(1)} s CPU`,
    ]);
    rows.push([
      'floor CPU per event (no I/O beyond the bare consumer)',
      `${((floorCpuSeconds / total) * 1e6).toFixed(1)} µs`,
      `${floorCpuSeconds.toFixed(1)} s CPU`,
    ]);
    rows.push([
      `engine CPU per event (fold process${opts.foldInstances > 1 ? 'es' : ''}, start-up included)`,
      `${((engineCpuSeconds / total) * 1e6).toFixed(1)} µs`,
      `${engineCpuSeconds.toFixed(1)} s CPU`,
    ]);
    rows.push([
      'Redis CPU per event during the fold (commits, and the projector reading)',
      `${((redisFoldCpuSeconds / total) * 1e6).toFixed(1)} µs`,
      `${redisFoldCpuSeconds.toFixed(1)} s CPU`,
    ]);
    rows.push([
      'projector CPU per event (project process)',
      `${((projectorCpuSeconds / total) * 1e6).toFixed(1)} µs`,
      `${projectorCpuSeconds.toFixed(1)} s CPU`,
    ]);
    rows.push(['projection lag after the fold', `${projectionLagSeconds.toFixed(2)} s`, '']);
    results.fold = {
      total,
      bareSeconds,
      engineSeconds,
      startupSeconds,
      bareRate,
      engineRate,
      ratio: engineRate / bareRate,
      floorSeconds,
      floorRate,
      floorRatio: floorRate / bareRate,
      floorCpuSeconds,
      projectionLagSeconds,
      bareCpuSeconds,
      engineCpuSeconds,
      redisFoldCpuSeconds,
      projectorCpuSeconds,
    };

    // 3. Exactness, memory.
    const check = await spotCheck(stack, scenario.streams, 200);
    rows.push([
      'spot check (customers exact / checked)',
      `${check.checked - check.mismatches} / ${check.checked}`,
      check.mismatches === 0 ? 'exact' : 'MISMATCH',
    ]);
    const memory = (await redisUsedMemory(stack)) - memoryBefore;
    const documents = total; // every input event is at most one document state
    rows.push([
      'Redis bytes per customer',
      `${Math.round(memory / opts.customers)}`,
      `${(memory / 1048576).toFixed(1)} MiB in all`,
    ]);
    rows.push(['Redis bytes per input event folded', `${Math.round(memory / documents)}`, '']);
    rows.push(['engine RSS at the end of the fold', `${(rss / 1048576).toFixed(0)} MiB`, '']);
    results.memory = {
      redisBytes: memory,
      perCustomer: memory / opts.customers,
      perEvent: memory / documents,
      engineRss: rss,
    };

    // 4. Rebuild after the Redis state is lost.
    if (!opts.skipRebuild) await rebuild(stack, opts, scenario.streams, ends, rows, results);

    // 5. Breach latency under background load.
    if (opts.latencySamples > 0) {
      const latency = await breachLatency(stack, opts.latencySamples, opts.backgroundRate);
      rows.push([
        `breach latency p50 / p99 / max (${latency.samples} samples, ${opts.backgroundRate} ev/s bg)`,
        `${latency.p50.toFixed(1)} / ${latency.p99.toFixed(1)} / ${latency.max.toFixed(1)} ms`,
        'target p99 <= 50 ms (issue 13)',
      ]);
      results.breachLatency = latency;
      // The background load leaves projections to write: let them finish, so the credit check is measured in steady state.
      await projectionDrained(stack);
    }

    // 6. The synchronous credit check under load from another process, against GET /v1/me.
    if (!opts.skipCreditCheck) {
      const creditCheck = await creditCheckLoad(stack, {
        ...CREDIT_CHECK_DEFAULTS,
        seconds: opts.creditCheckSeconds,
        companyId: 'IT01',
        customerIds: scenario.customers.filter((c) => c.companyId === 'IT01').map((c) => c.customerId),
      });
      rows.push(...creditCheckRows(creditCheck));
      results.creditCheck = creditCheck;
    }
    await Promise.all([...engines.map(stopApp), stopApp(projector)]);
  } finally {
    await stack.cleanup();
  }
  // 7. Long customer lives, on a stack of their own.
  if (!opts.skipHistory) await history(opts, rows, results);
  report(rows, results);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
