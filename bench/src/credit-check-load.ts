import { customerKey } from '@credit/contracts';
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, ClientRequest, request as httpRequest } from 'node:http';
import { createServer } from 'node:net';
import { performance } from 'node:perf_hooks';
import { mintToken } from '@credit/auth';
import {
  businessDateAt,
  CheckDecision,
  checkDocument,
  DEFAULT_PARAMETERS,
  emptyDocuments,
  parseMoney,
} from '@credit/domain';
import { createDataSource } from '@credit/postgres';
import { RedisExposureStore, redisKeysOf } from '@credit/redis';
import { BenchStack, rssOf, startApp, stopApp } from './bench-stack';

/**
 * Credit check under load (issue 5): the synchronous credit check of the built
 * risk-api, run as its own process, against GET /v1/me of the same app (same
 * HTTP stack, JSON and JWT guard, no I/O) as the baseline. The load comes from
 * another process (this file run as a child): a paced open-loop generator at a
 * fixed rate, then autocannon at its maximum.
 */

export interface CreditCheckLoadOptions {
  /** Seconds of each of the four measured runs. */
  seconds: number;
  /** Fixed rate of the paced runs, requests/s. */
  rate: number;
  /** Sockets of the paced runs. */
  rateConnections: number;
  /** Connections of the maximum-throughput runs. */
  maxConnections: number;
  companyId: string;
  /** The scenario's customers of that company, folded by the engine already. */
  customerIds: string[];
  /** Amount of each checked order. */
  amount: string;
}

export const CREDIT_CHECK_DEFAULTS = {
  seconds: 15,
  rate: 1000,
  rateConnections: 20,
  maxConnections: 50,
  amount: '100.00',
} as const;

/** One run of the load generator. */
export interface LoadFigures {
  /** Completed requests (any status). */
  requests: number;
  /** Completed requests per second over the run. */
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  non2xx: number;
  /** Connection errors and timeouts. */
  errors: number;
  /** Paced runs: requests due but not answered 2 s after the last was due (abandoned). */
  unfinished: number;
  /** CPU time of the API process per completed request, ms (utime + stime from /proc). */
  apiCpuMsPerRequest?: number;
  /** CPU seconds of the load generator process. */
  generatorCpuSeconds?: number;
  statusCodes: Record<string, number>;
  seconds: number;
}

export interface CreditCheckFigures {
  options: Omit<CreditCheckLoadOptions, 'customerIds'>;
  /** How requests were spread over customers, and the decisions the API recorded. */
  mix: {
    customers: { allowOrWarn: number; hold: number };
    /** Decisions of the credit-check runs: from the API's outbox, repeated holds by difference. */
    measured: { ALLOW: number; WARN: number; HOLD: number; repeatedHold: number };
    /** Probe checks whose decision differed from the one predicted from the Redis state. */
    unexpectedProbes: string[];
  };
  baselineAtRate: LoadFigures;
  creditCheckAtRate: LoadFigures;
  baselineMax: LoadFigures;
  creditCheckMax: LoadFigures;
  /** max credit-check req/s / max baseline req/s. */
  maxRatio: number;
  /** Unpublished API outbox rows right after the last run. */
  outboxBacklog: number;
  apiRss: number;
  /** Wall-clock time of the whole phase, API start to stop. */
  phaseSeconds: number;
}

/** What the child process is asked to do. */
interface LoadSpec {
  mode: 'paced' | 'max';
  port: number;
  token: string;
  seconds: number;
  connections: number;
  rate?: number;
  /** Absent: GET /v1/me. */
  creditCheck?: {
    companyId: string;
    amount: string;
    /** Round robin; a fixed documentId re-checks a held document (the repeated-hold path). */
    targets: { customerId: string; fixedDocumentId?: string }[];
    documentPrefix: string;
  };
}

const RESULT_MARK = 'LOAD-RESULT ';

// ---------------------------------------------------------------------------------------------
// Parent: the phase.

export async function creditCheckLoad(
  stack: BenchStack,
  options: CreditCheckLoadOptions,
): Promise<CreditCheckFigures> {
  const { companyId } = options;
  const phaseStarted = performance.now();
  const { okCustomers, holdCustomers, predicted } = await pickCustomers(stack, options);
  if (okCustomers.length === 0)
    throw new Error(`no customer of ${companyId} would be allowed ${options.amount}`);
  // About 1 in 20 requests re-checks a held order of a customer over its limit (an ERP retrying);
  // the rest are new orders of customers within their limits.
  const targets: { customerId: string; fixedDocumentId?: string }[] = [];
  for (let i = 0; i < 20 * Math.max(1, holdCustomers.length); i++) {
    if (i % 20 === 19 && holdCustomers.length > 0) {
      targets.push({
        customerId: holdCustomers[Math.floor(i / 20) % holdCustomers.length],
        fixedDocumentId: 'SO-BENCH-HELD',
      });
    } else {
      targets.push({ customerId: okCustomers[i % okCustomers.length] });
    }
  }

  const port = await freePort();
  const api = startApp('risk-api', { ...stack.env, API_PORT: String(port), LOG_LEVEL: 'error' });
  const db = createDataSource(stack.api.postgres, 2);
  try {
    await waitForHealth(api, port, 60_000);
    await db.initialize();
    const token = mintToken({
      sub: 'bench-erp',
      roles: ['erp-service'],
      companies: [companyId],
      ttlSeconds: 3600,
      secret: stack.env.AUTH_JWT_SECRET,
    });

    const unexpectedProbes = await probe(port, token, companyId, options.amount, predicted);
    const creditCheck = (label: string): LoadSpec['creditCheck'] => ({
      companyId,
      amount: options.amount,
      targets,
      documentPrefix: `SO-BENCH-${label}`,
    });
    const run = async (spec: Omit<LoadSpec, 'port' | 'token'>) => {
      const cpuBefore = cpuSeconds(api.pid!);
      const figures = await runLoad({ ...spec, port, token });
      const cpu = cpuSeconds(api.pid!) - cpuBefore;
      await settle(api.pid!);
      return { ...figures, apiCpuMsPerRequest: (1000 * cpu) / Math.max(1, figures.requests) };
    };
    const paced = {
      mode: 'paced',
      seconds: options.seconds,
      connections: options.rateConnections,
      rate: options.rate,
    } as const;
    const max = { mode: 'max', seconds: options.seconds, connections: options.maxConnections } as const;

    // Warm-up (JIT, connection pools), not measured.
    await run({ ...max, seconds: 2 });
    await run({ ...max, seconds: 2, creditCheck: creditCheck('WARM') });

    const outboxFrom = await lastOutboxId(db);
    const baselineAtRate = await run(paced);
    const creditCheckAtRate = await run({ ...paced, creditCheck: creditCheck('RATE') });
    const baselineMax = await run(max);
    // BENCH_PROFILE_API=1: SIGWINCH around this run, for a profiler preloaded into the API (docs/performance.md).
    const profiling = process.env.BENCH_PROFILE_API === '1';
    if (profiling) api.kill('SIGWINCH');
    const creditCheckMax = await run({ ...max, creditCheck: creditCheck('MAX') });
    if (profiling) api.kill('SIGWINCH');
    const outboxBacklog = Number(
      (await db.query(`SELECT count(*)::int AS n FROM api_outbox WHERE published_at IS NULL`))[0].n,
    );
    const apiRss = rssOf(api.pid!);

    const decisions = await outboxDecisions(db, outboxFrom);
    const ok2xx = (f: LoadFigures) => f.requests - f.non2xx;
    const recorded = decisions.ALLOW + decisions.WARN + decisions.HOLD;
    return {
      options: {
        seconds: options.seconds,
        rate: options.rate,
        rateConnections: options.rateConnections,
        maxConnections: options.maxConnections,
        companyId,
        amount: options.amount,
      },
      mix: {
        customers: { allowOrWarn: okCustomers.length, hold: holdCustomers.length },
        measured: {
          ...decisions,
          repeatedHold: Math.max(0, ok2xx(creditCheckAtRate) + ok2xx(creditCheckMax) - recorded),
        },
        unexpectedProbes,
      },
      baselineAtRate,
      creditCheckAtRate,
      baselineMax,
      creditCheckMax,
      maxRatio: creditCheckMax.rps / baselineMax.rps,
      outboxBacklog,
      apiRss,
      phaseSeconds: (performance.now() - phaseStarted) / 1000,
    };
  } finally {
    if (db.isInitialized) await db.destroy();
    await stopApp(api);
  }
}

/** Table rows for main.ts. */
export function creditCheckRows(f: CreditCheckFigures): [string, string, string][] {
  const ms = (v: number) => v.toFixed(1);
  const errors = (l: LoadFigures) =>
    [
      `${l.non2xx} non-2xx`,
      l.errors > 0 ? `${l.errors} errors` : '',
      l.unfinished > 0 ? `${l.unfinished} UNANSWERED (rate not sustained)` : '',
    ]
      .filter(Boolean)
      .join(', ');
  const m = f.mix.measured;
  const total = m.ALLOW + m.WARN + m.HOLD + m.repeatedHold;
  const pct = (n: number) => `${((100 * n) / Math.max(1, total)).toFixed(1)}%`;
  const atRate = `at ${f.options.rate} req/s (paced, ${f.options.rateConnections} sockets)`;
  const atMax = `at max (autocannon, ${f.options.maxConnections} conns)`;
  return [
    [
      `credit check mix (${f.options.amount} orders, ${f.mix.customers.allowOrWarn}+${f.mix.customers.hold} customers)`,
      `${pct(m.ALLOW + m.WARN)} ALLOW/WARN`,
      `ALLOW ${pct(m.ALLOW)}, WARN ${pct(m.WARN)}, new HOLD ${pct(m.HOLD)}, repeated HOLD ${pct(m.repeatedHold)}` +
        (f.mix.unexpectedProbes.length > 0 ? `; UNEXPECTED ${f.mix.unexpectedProbes.join(', ')}` : ''),
    ],
    [
      `baseline GET /v1/me ${atRate} p50 / p99`,
      `${ms(f.baselineAtRate.p50)} / ${ms(f.baselineAtRate.p99)} ms`,
      `${Math.round(f.baselineAtRate.rps)} req/s, ${errors(f.baselineAtRate)}`,
    ],
    [
      `credit check ${atRate} p50 / p99`,
      `${ms(f.creditCheckAtRate.p50)} / ${ms(f.creditCheckAtRate.p99)} ms`,
      `${Math.round(f.creditCheckAtRate.rps)} req/s, ${errors(f.creditCheckAtRate)}; target p99 <= 15 ms`,
    ],
    [
      `baseline GET /v1/me ${atMax}`,
      `${Math.round(f.baselineMax.rps)} req/s`,
      `p50 / p99 ${ms(f.baselineMax.p50)} / ${ms(f.baselineMax.p99)} ms, ${errors(f.baselineMax)}`,
    ],
    [
      `credit check ${atMax}`,
      `${Math.round(f.creditCheckMax.rps)} req/s`,
      `p50 / p99 ${ms(f.creditCheckMax.p50)} / ${ms(f.creditCheckMax.p99)} ms, ${errors(f.creditCheckMax)}`,
    ],
    [
      'API CPU per request at max, baseline / credit check',
      `${(f.baselineMax.apiCpuMsPerRequest ?? 0).toFixed(2)} / ${(f.creditCheckMax.apiCpuMsPerRequest ?? 0).toFixed(2)} ms`,
      `risk-api process only (not Postgres, Redis, Kafka); RSS ${(f.apiRss / 1048576).toFixed(0)} MiB`,
    ],
    [
      'credit check max ratio credit check / baseline',
      f.maxRatio.toFixed(2),
      `target >= 0.8 (issue 13); outbox backlog after ${f.outboxBacklog}`,
    ],
  ];
}

/**
 * Reads the engine's state of the company's customers and predicts, with the
 * API's own decision function, the decision for an order of `amount`: the load
 * then hits real state with a known mix.
 */
async function pickCustomers(stack: BenchStack, options: CreditCheckLoadOptions) {
  const store = new RedisExposureStore(stack.redis, redisKeysOf(stack.engine));
  const params = { ...DEFAULT_PARAMETERS, timeZone: stack.api.defaultTimeZone };
  const businessDate = businessDateAt(new Date(), params.timeZone);
  const candidates = options.customerIds.slice(0, 1000);
  const keys = candidates.map((c) => customerKey(options.companyId, c));
  const records = await store.records(keys);
  const okCustomers: string[] = [];
  const holdCustomers: string[] = [];
  const predicted = new Map<string, CheckDecision>();
  candidates.forEach((customerId, i) => {
    const documents = records.get(keys[i])?.documents ?? emptyDocuments();
    const { decision } = checkDocument(
      documents,
      {
        documentType: 'order',
        documentId: 'probe',
        amount: parseMoney(options.amount),
        orderRefs: [],
        deliveryRefs: [],
      },
      businessDate,
      params,
    );
    predicted.set(customerId, decision);
    if (decision === 'HOLD') holdCustomers.push(customerId);
    else okCustomers.push(customerId);
  });
  return { okCustomers: okCustomers.slice(0, 200), holdCustomers: holdCustomers.slice(0, 10), predicted };
}

/** A few checks before the load: the API must decide as predicted from the Redis state. */
async function probe(
  port: number,
  token: string,
  companyId: string,
  amount: string,
  predicted: Map<string, CheckDecision>,
): Promise<string[]> {
  const sample = [...predicted].filter((_, i) => i % 10 === 0).slice(0, 20);
  const unexpected: string[] = [];
  for (const [customerId, decision] of sample) {
    const response = await fetch(
      `http://127.0.0.1:${port}/v1/companies/${companyId}/customers/${customerId}/credit-checks`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ documentType: 'order', documentId: `SO-BENCH-PROBE-${customerId}`, amount }),
      },
    );
    const body = (await response.json()) as { decision?: string };
    if (response.status !== 200 || body.decision !== decision)
      unexpected.push(`${customerId}: ${response.status} ${body.decision} (expected ${decision})`);
  }
  const me = await fetch(`http://127.0.0.1:${port}/v1/me`, { headers: { authorization: `Bearer ${token}` } });
  if (me.status !== 200) unexpected.push(`GET /v1/me: ${me.status}`);
  return unexpected;
}

async function lastOutboxId(db: ReturnType<typeof createDataSource>): Promise<string> {
  return String((await db.query(`SELECT coalesce(max(id), 0)::text AS id FROM api_outbox`))[0].id);
}

async function outboxDecisions(db: ReturnType<typeof createDataSource>, afterId: string) {
  const rows: { type: string; n: number }[] = await db.query(
    `SELECT value::jsonb->>'type' AS type, count(*)::int AS n FROM api_outbox
      WHERE id > $1::bigint AND value::jsonb->'data'->>'documentId' NOT LIKE 'SO-BENCH-WARM-%'
      GROUP BY 1`,
    [afterId],
  );
  const count = (type: string) => rows.find((r) => r.type === type)?.n ?? 0;
  return { ALLOW: count('document.allowed'), WARN: count('document.warned'), HOLD: count('document.held') };
}

/** utime + stime of a process, in seconds, from /proc. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** Waits (up to 5 s) until the API is idle: abandoned requests of an overloaded run must not leak into the next. */
async function settle(pid: number): Promise<void> {
  for (let i = 0; i < 20; i++) {
    const before = cpuSeconds(pid);
    await new Promise((r) => setTimeout(r, 250));
    if (cpuSeconds(pid) - before < 0.03) return;
  }
}

const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitForHealth(api: ChildProcess, port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (api.exitCode !== null) throw new Error(`risk-api exited with code ${api.exitCode}`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/health/ready`);
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`risk-api not healthy on port ${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Runs one load in a child process (this file), so the generator shares no process with the API. */
function runLoad(spec: LoadSpec): Promise<LoadFigures> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [__filename, '--load-child'], {
      env: { ...process.env, CREDIT_CHECK_LOAD: JSON.stringify(spec) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith(RESULT_MARK));
      if (code !== 0 || !line) reject(new Error(`load generator exited with ${code}: ${out.slice(-500)}`));
      else resolve(JSON.parse(line.slice(RESULT_MARK.length)) as LoadFigures);
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Child: the load generator.

function requestsOf(spec: LoadSpec): (n: number) => { method: string; path: string; body?: string } {
  const cc = spec.creditCheck;
  if (!cc) return () => ({ method: 'GET', path: '/v1/me' });
  const tag = `${cc.documentPrefix}-${process.pid}`;
  return (n) => {
    const target = cc.targets[n % cc.targets.length];
    return {
      method: 'POST',
      path: `/v1/companies/${cc.companyId}/customers/${target.customerId}/credit-checks`,
      body: JSON.stringify({
        documentType: 'order',
        documentId: target.fixedDocumentId ?? `${tag}-${n}`,
        amount: cc.amount,
      }),
    };
  };
}

function figures(
  latencies: number[],
  statusCodes: Record<string, number>,
  errors: number,
  unfinished: number,
  seconds: number,
): LoadFigures {
  const sorted = Float64Array.from(latencies).sort();
  const at = (p: number) =>
    sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
  const requests = Object.values(statusCodes).reduce((a, b) => a + b, 0);
  const non2xx = Object.entries(statusCodes)
    .filter(([code]) => !code.startsWith('2'))
    .reduce((a, [, n]) => a + n, 0);
  return {
    requests,
    rps: requests / seconds,
    p50: at(50),
    p90: at(90),
    p99: at(99),
    max: sorted.length === 0 ? 0 : sorted[sorted.length - 1],
    non2xx,
    errors,
    unfinished,
    statusCodes,
    seconds,
  };
}

/**
 * Open loop at a fixed rate, evenly spaced (autocannon's -R sends each
 * connection's per-second budget back to back at the start of every second,
 * which measures bursts rather than a rate). Latency counts from the moment a
 * request was due, so a request that waited for a free socket counts its wait.
 * Requests still unanswered 2 s after the last one was due are abandoned and
 * counted as unfinished (the API could not sustain the rate).
 */
async function paced(spec: LoadSpec): Promise<LoadFigures> {
  const rate = spec.rate!;
  const agent = new Agent({ keepAlive: true, maxSockets: spec.connections });
  const next = requestsOf(spec);
  const latencies: number[] = [];
  const statusCodes: Record<string, number> = {};
  const outstanding = new Set<ClientRequest>();
  let errors = 0;
  let unfinished = 0;
  let stopping = false;
  const total = Math.round(rate * spec.seconds);
  const start = performance.now();
  let sent = 0;
  let lastDone = start;
  await new Promise<void>((resolve) => {
    const send = (n: number, due: number) => {
      const { method, path, body } = next(n);
      const req = httpRequest(
        {
          agent,
          host: '127.0.0.1',
          port: spec.port,
          method,
          path,
          headers: {
            authorization: `Bearer ${spec.token}`,
            ...(body === undefined
              ? {}
              : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }),
          },
        },
        (res) => {
          res.on('data', () => undefined);
          res.on('end', () => {
            if (stopping) return;
            lastDone = performance.now();
            latencies.push(lastDone - due);
            const code = String(res.statusCode);
            statusCodes[code] = (statusCodes[code] ?? 0) + 1;
            done();
          });
        },
      );
      outstanding.add(req);
      const done = () => {
        outstanding.delete(req);
        if (sent === total && outstanding.size === 0) resolve();
      };
      req.on('error', () => {
        if (stopping) return;
        errors++;
        done();
      });
      req.end(body);
    };
    const tick = () => {
      const due = Math.min(total, Math.floor(((performance.now() - start) * rate) / 1000) + 1);
      while (sent < due) {
        send(sent, start + (sent * 1000) / rate);
        sent++;
      }
      if (sent < total) setTimeout(tick, 1);
    };
    tick();
    setTimeout(
      () => {
        stopping = true;
        unfinished = total - sent + outstanding.size;
        for (const req of outstanding) req.destroy();
        resolve();
      },
      spec.seconds * 1000 + 2000,
    ).unref();
  });
  agent.destroy();
  return figures(latencies, statusCodes, errors, unfinished, (lastDone - start) / 1000);
}

/** Closed loop at the maximum: autocannon, latencies as it measures them. */
async function max(spec: LoadSpec): Promise<LoadFigures> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const autocannon = require('autocannon') as (options: Record<string, unknown>) => AutocannonInstance;
  const next = requestsOf(spec);
  let n = 0;
  const first = next(0);
  const instance = autocannon({
    url: `http://127.0.0.1:${spec.port}`,
    connections: spec.connections,
    duration: spec.seconds,
    timeout: 10,
    headers: {
      authorization: `Bearer ${spec.token}`,
      ...(first.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    requests: [
      {
        method: first.method,
        path: first.path,
        setupRequest: (req: Record<string, unknown>) => {
          const r = next(n++);
          return { ...req, method: r.method, path: r.path, body: r.body };
        },
      },
    ],
  });
  const latencies: number[] = [];
  instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTime: number) =>
    latencies.push(responseTime),
  );
  const result = await instance;
  const statusCodes: Record<string, number> = {};
  for (const [code, { count }] of Object.entries(result.statusCodeStats)) statusCodes[code] = count;
  return figures(latencies, statusCodes, result.errors + result.timeouts, 0, result.duration);
}

interface AutocannonInstance extends PromiseLike<AutocannonResult> {
  on(
    event: 'response',
    listener: (client: unknown, status: number, bytes: number, time: number) => void,
  ): void;
}

interface AutocannonResult {
  duration: number;
  errors: number;
  timeouts: number;
  statusCodeStats: Record<string, { count: number }>;
}

if (require.main === module && process.argv.includes('--load-child')) {
  const spec = JSON.parse(process.env.CREDIT_CHECK_LOAD!) as LoadSpec;
  (spec.mode === 'paced' ? paced(spec) : max(spec))
    .then((figures) => {
      const { user, system } = process.cpuUsage();
      const result: LoadFigures = { ...figures, generatorCpuSeconds: (user + system) / 1e6 };
      process.stdout.write(`${RESULT_MARK}${JSON.stringify(result)}\n`);
      process.exit(0);
    })
    .catch((error) => {
      console.error(error);
      process.exit(1);
    });
}
