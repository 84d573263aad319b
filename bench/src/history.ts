import Redis, { Cluster } from 'ioredis';
import {
  decodeInputEvent,
  encodeInputEvent,
  fastInputValidator,
  InputEventType,
  InputStream,
  inputValidator,
  customerKey,
  rawEvent,
  RawEnvelope,
} from '@credit/contracts';
import { businessDateAt, CompanyParameters, CustomerRecord } from '@credit/domain';
import { documentFields, recordHeader, redisKeysOf } from '@credit/redis';
import { benchStack, BenchStack, cpuSecondsOf, startApp, stopApp } from './bench-stack';
import { DomainFold, FoldTimes } from './domain-fold';
import { inputEnds, inputTopics, waitForApplied } from './fold-throughput';

/** Messages per fold batch in the stage costs: about one kafkajs batch of the engine. */
const FOLD_BATCH = 500;

/**
 * The history scenario (issue #13): a few customers, each living through many complete sales
 * cycles (order, delivery note, invoice, posting with an open item, payment), fed to the engine in
 * equal phases. A design whose cost per event does not grow with a customer's history folds the last
 * phase as fast as the first, and keeps a settled customer's state small.
 */

export interface HistoryOptions {
  customers: number;
  /** Complete sales cycles per customer (5 events each). */
  cycles: number;
  phases: number;
}

export const HISTORY_DEFAULTS: HistoryOptions = { customers: 10, cycles: 2000, phases: 4 };
export const HISTORY_COMPANY = 'HIST';
export const EVENTS_PER_CYCLE = 5;
const HISTORY_PHASE_TIMEOUT_MS = 3_600_000;

export interface HistoryEvent {
  stream: InputStream;
  envelope: RawEnvelope;
}

const DAY_MS = 86_400_000;
const dateOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const instantOf = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}Z`;
const money = (cents: number) => `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;

/**
 * Each phase's events, customers interleaved cycle by cycle (each customer's events in the order of
 * its life). The cycles are spread evenly over the `cycles` days ending 40 days ago, so that every
 * invoice is paid on its due date (30 days) before today: a settled customer.
 */
export function historyPhases(opts: HistoryOptions, now = Date.now()): HistoryEvent[][] {
  const start = now - (opts.cycles * 0.9 + 40) * DAY_MS;
  const customerIds = Array.from({ length: opts.customers }, (_, i) => `H${String(i + 1).padStart(4, '0')}`);
  const phases: HistoryEvent[][] = Array.from({ length: opts.phases }, () => []);
  const perPhase = Math.ceil(opts.cycles / opts.phases);
  for (const customerId of customerIds) {
    phases[0].push({
      stream: 'creditLimits',
      envelope: rawEvent(
        'creditLimit.set',
        { amount: '50000.00', mode: 'block', setBy: 'bench' },
        {
          eventId: `${customerId}-limit`,
          companyId: HISTORY_COMPANY,
          customerId,
          occurredAt: instantOf(start),
        },
      ),
    });
  }
  for (let cycle = 0; cycle < opts.cycles; cycle++) {
    const phase = phases[Math.min(opts.phases - 1, Math.floor(cycle / perPhase))];
    const day = start + Math.floor(cycle * 0.9) * DAY_MS;
    for (const customerId of customerIds) {
      const id = `${customerId}-${cycle}`;
      const amount = money(100_000 + ((cycle * 7919) % 50_000));
      const at = (offsetMs: number) => ({
        companyId: HISTORY_COMPANY,
        customerId,
        occurredAt: instantOf(day + offsetMs),
      });
      phase.push(
        {
          stream: 'documents',
          envelope: rawEvent(
            'order.confirmed',
            { orderId: `O${id}`, amount, orderDate: dateOf(day) },
            { eventId: `${id}-o`, ...at(3_600_000) },
          ),
        },
        {
          stream: 'documents',
          envelope: rawEvent(
            'delivery.issued',
            {
              deliveryId: `D${id}`,
              amount,
              deliveryDate: dateOf(day),
              orderRefs: [{ orderId: `O${id}`, amount }],
            },
            { eventId: `${id}-d`, ...at(7_200_000) },
          ),
        },
        {
          stream: 'documents',
          envelope: rawEvent(
            'invoice.issued',
            {
              invoiceId: `I${id}`,
              kind: 'invoice',
              amount,
              invoiceDate: dateOf(day),
              deliveryRefs: [{ deliveryId: `D${id}`, amount }],
            },
            { eventId: `${id}-i`, ...at(10_800_000) },
          ),
        },
        {
          stream: 'journalEntries',
          envelope: rawEvent(
            'journal.posted',
            {
              entryId: `E${id}`,
              postingDate: dateOf(day),
              lines: [
                {
                  lineId: '1',
                  side: 'debit',
                  amount,
                  invoiceRef: `I${id}`,
                  openItemId: `OI${id}`,
                  dueDate: dateOf(day + 30 * DAY_MS),
                },
              ],
            },
            { eventId: `${id}-e`, ...at(14_400_000) },
          ),
        },
        {
          stream: 'journalEntries',
          envelope: rawEvent(
            'journal.posted',
            {
              entryId: `P${id}`,
              postingDate: dateOf(day + 30 * DAY_MS),
              lines: [{ lineId: '1', side: 'credit', amount, settles: [{ openItemId: `OI${id}`, amount }] }],
            },
            { eventId: `${id}-p`, ...at(30 * DAY_MS) },
          ),
        },
      );
    }
  }
  return phases;
}

/** The customers of the scenario, as Kafka keys. */
export const historyCustomerKeys = (opts: HistoryOptions): string[] =>
  Array.from({ length: opts.customers }, (_, i) =>
    customerKey(HISTORY_COMPANY, `H${String(i + 1).padStart(4, '0')}`),
  );

/**
 * Redis bytes of each customer: MEMORY USAGE (exact, SAMPLES 0) summed over every key under the
 * prefix whose name holds the customer's key (its state, its seen eventIds, its holds, whatever the
 * layout), and the bytes of the keys that name no customer (shared: offsets, outbox, queues).
 */
export async function redisBytesByCustomer(
  redis: Redis,
  prefix: string,
  customerKeys: string[],
): Promise<{ perCustomer: Map<string, number>; shared: number; byFamily: Map<string, number> }> {
  const perCustomer = new Map(customerKeys.map((k) => [k, 0]));
  // The customers' bytes by key family (customer, applied-ids, document-holds...): what bounds the figure.
  const byFamily = new Map<string, number>();
  let shared = 0;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    for (const key of keys) {
      const bytes = Number((await redis.call('MEMORY', 'USAGE', key, 'SAMPLES', '0')) ?? 0);
      const owner = customerKeys.find((k) => key.endsWith(`:${k}`) || key.includes(`:${k}:`));
      if (owner === undefined) shared += bytes;
      else {
        perCustomer.set(owner, perCustomer.get(owner)! + bytes);
        const family = key
          .slice(prefix.length)
          .replace(/^\{[^}]*\}/, '')
          .split(':')[0];
        byFamily.set(family, (byFamily.get(family) ?? 0) + bytes);
      }
    }
  } while (cursor !== '0');
  return { perCustomer, shared, byFamily };
}

// ---------------------------------------------------------------------------------------------
// CPU per stage, in process
// ---------------------------------------------------------------------------------------------

export interface HistoryStageCosts {
  phase: number;
  events: number;
  /** µs per event. */
  parse: number;
  decode: number;
  validateAjv: number;
  validateFast: number;
  apply: number;
  evaluate: number;
  /** µs per whole write of a customer as stored (header, document pages, archive); a batch writes only what changed. */
  encodePerWrite: number;
  /** Bytes of one customer as stored (header, document pages, archive) at the end of the phase (average). */
  stateBytes: number;
}

const cpuMicros = (from: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(from);
  return used.user + used.system;
};

/** A whole write of the record as the store lays it out: header, pages of documents, archive. */
function storedBytes(record: CustomerRecord): number {
  let bytes = recordHeader(record).length;
  for (const value of documentFields(record, 'all', undefined).set) bytes += value.length;
  return bytes;
}

/**
 * The pure stages of the fold measured in this process, phase by phase, on the history's events:
 * each decoding stage over the whole phase under process.cpuUsage (no per-event overhead), apply and
 * evaluate bracketed per event (performance.now, ~0.05 µs each), encode once per customer at the end
 * of the phase. What the engine spends beyond these is the commit, the publication and the Kafka client.
 */

export function historyStageCosts(phases: HistoryEvent[][], params: CompanyParameters): HistoryStageCosts[] {
  // The engine's window and quiet period (libs/config), so that the state bytes match the engine's.
  const fold = new DomainFold(
    params,
    Number(process.env.ENGINE_DEDUP_WINDOW_DAYS ?? 35),
    Number(process.env.ENGINE_ARCHIVE_QUIET_DAYS ?? 35),
  );
  const customers = fold.customers;
  const businessDate = businessDateAt(new Date(), params.timeZone);
  const results: HistoryStageCosts[] = [];
  // Warm-up: every validator compiled and the decoding paths optimised before anything is timed.
  for (const { stream, envelope } of phases[0].slice(0, 2000)) {
    const type = envelope.type as InputEventType;
    const value = encodeInputEvent(envelope);
    decodeInputEvent(stream, Buffer.from(customerKey(envelope.companyId, envelope.customerId)), value);
    inputValidator(type)(JSON.parse(value.toString('utf8')));
    fastInputValidator(type)(JSON.parse(value.toString('utf8')));
  }
  phases.forEach((events, index) => {
    const messages = events.map(({ stream, envelope }) => ({
      stream,
      type: envelope.type as InputEventType,
      key: Buffer.from(customerKey(envelope.companyId, envelope.customerId)),
      value: encodeInputEvent(envelope),
    }));
    let from = process.cpuUsage();
    const parsed = messages.map((m) => JSON.parse(m.value.toString('utf8')) as unknown);
    const parse = cpuMicros(from);
    from = process.cpuUsage();
    const facts = messages.map((m) => decodeInputEvent(m.stream, m.key, m.value));
    const decode = cpuMicros(from);
    from = process.cpuUsage();
    let valid = 0;
    for (let i = 0; i < messages.length; i++) if (inputValidator(messages[i].type)(parsed[i])) valid++;
    const validateAjv = cpuMicros(from);
    from = process.cpuUsage();
    for (let i = 0; i < messages.length; i++) if (fastInputValidator(messages[i].type)(parsed[i])) valid--;
    const validateFast = cpuMicros(from);
    if (valid !== 0) throw new Error('the fast validation path and ajv disagree on the history');
    // Folded as the engine folds: batches of FOLD_BATCH messages, one draft per customer per batch.
    const times: FoldTimes = { apply: 0, evaluate: 0, finish: 0 };
    for (let b = 0; b < facts.length; b += FOLD_BATCH) {
      const batch = facts.slice(b, b + FOLD_BATCH).map((decoded) => {
        if (!decoded.ok) throw new Error(`a history event is invalid: ${decoded.message}`);
        return decoded.fact;
      });
      fold.batch(batch, businessDate, times);
    }
    const apply = times.apply + times.finish;
    const evaluate = times.evaluate;
    const ROUNDS = 5;
    let bytes = 0;
    from = process.cpuUsage();
    for (let round = 0; round < ROUNDS; round++) {
      for (const record of customers.values()) bytes += storedBytes(record);
    }
    const encode = cpuMicros(from);
    const writes = ROUNDS * customers.size;
    const n = events.length;
    results.push({
      phase: index + 1,
      events: n,
      parse: parse / n,
      decode: decode / n,
      validateAjv: validateAjv / n,
      validateFast: validateFast / n,
      apply: (apply * 1000) / n,
      evaluate: (evaluate * 1000) / n,
      encodePerWrite: encode / writes,
      stateBytes: bytes / writes,
    });
  });
  return results;
}

// ---------------------------------------------------------------------------------------------
// The engine on the history
// ---------------------------------------------------------------------------------------------

export interface HistoryPhaseResult {
  phase: number;
  events: number;
  seconds: number;
  rate: number;
  /** Fold process CPU per event in the phase, µs. */
  foldCpu: number;
  /** Projector process CPU per event in the phase, µs (it may still be projecting the phase). */
  projectorCpu: number;
}

export interface HistoryRun {
  phases: HistoryPhaseResult[];
  lastOverFirst: number;
  redisBytesPerCustomer: number;
  redisBytesMaxCustomer: number;
  redisSharedBytes: number;
  /** Bytes per customer by key family (the key name after the prefix, up to its first colon). */
  redisBytesPerCustomerByFamily: Record<string, number>;
}

async function produceEvents(stack: BenchStack, events: HistoryEvent[]): Promise<void> {
  const producer = stack.kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    const byTopic = new Map<string, { key: string; value: Buffer }[]>();
    for (const { stream, envelope } of events) {
      const topic = stack.engine.kafka.topics[stream];
      const list = byTopic.get(topic) ?? [];
      list.push({
        key: customerKey(envelope.companyId, envelope.customerId),
        value: encodeInputEvent(envelope),
      });
      byTopic.set(topic, list);
    }
    for (const [topic, messages] of byTopic) {
      for (let i = 0; i < messages.length; i += 1000) {
        await producer.send({ topic, messages: messages.slice(i, i + 1000), acks: 1 });
      }
    }
  } finally {
    await producer.disconnect();
  }
}

/**
 * Runs the engine (a fold process and a projector, as deployed) on the history, phase by phase, on
 * a stack of its own: each phase is produced and timed from the start of its production until the
 * engine's applied offsets reach the ends (the state complete). Then the Redis bytes per customer.
 */
export async function historyRun(opts: HistoryOptions, partitions: number): Promise<HistoryRun> {
  const stack = await benchStack(partitions);
  try {
    const phases = historyPhases(opts);
    const topics = inputTopics(stack.engine.kafka.topics);
    const fold = startApp('exposure-engine', { ...stack.env, ENGINE_ROLE: 'fold' });
    const projector = startApp('exposure-engine', { ...stack.env, ENGINE_ROLE: 'project' });
    try {
      // Warm-up: the limits alone, so that the engine's start-up is not in the first phase.
      const [limits, ...cycles] = [phases[0].slice(0, opts.customers), phases[0].slice(opts.customers)];
      await produceEvents(stack, limits);
      await waitForApplied(stack.redis, redisKeysOf(stack.engine), await inputEnds(stack.kafka, topics));
      phases[0] = cycles[0];
      const results: HistoryPhaseResult[] = [];
      for (const [index, events] of phases.entries()) {
        const foldCpu = cpuSecondsOf(fold.pid!);
        const projectorCpu = cpuSecondsOf(projector.pid!);
        const started = process.hrtime.bigint();
        await produceEvents(stack, events);
        // A long life on a busy machine can take far longer than the other phases' 10 minutes.
        await waitForApplied(
          stack.redis,
          redisKeysOf(stack.engine),
          await inputEnds(stack.kafka, topics),
          HISTORY_PHASE_TIMEOUT_MS,
        );
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        const result: HistoryPhaseResult = {
          phase: index + 1,
          events: events.length,
          seconds,
          rate: events.length / seconds,
          foldCpu: ((cpuSecondsOf(fold.pid!) - foldCpu) / events.length) * 1e6,
          projectorCpu: ((cpuSecondsOf(projector.pid!) - projectorCpu) / events.length) * 1e6,
        };
        console.log(
          `history phase ${result.phase}: ${result.events} events in ${seconds.toFixed(1)} s (${Math.round(result.rate)} events/s)`,
        );
        results.push(result);
      }
      if (stack.redis instanceof Cluster) throw new Error('the history scenario measures a single Redis');
      const bytes = await redisBytesByCustomer(
        stack.redis,
        stack.engine.redis.keyPrefix,
        historyCustomerKeys(opts),
      );
      const perCustomer = [...bytes.perCustomer.values()];
      return {
        phases: results,
        lastOverFirst: results[results.length - 1].rate / results[0].rate,
        redisBytesPerCustomer: perCustomer.reduce((a, b) => a + b, 0) / perCustomer.length,
        redisBytesMaxCustomer: Math.max(...perCustomer),
        redisSharedBytes: bytes.shared,
        redisBytesPerCustomerByFamily: Object.fromEntries(
          [...bytes.byFamily].map(([family, total]) => [family, Math.round(total / perCustomer.length)]),
        ),
      };
    } finally {
      await Promise.all([stopApp(fold), stopApp(projector)]);
    }
  } finally {
    await stack.cleanup();
  }
}

/** The table rows of the history scenario. */
export function historyRows(
  opts: HistoryOptions,
  run: HistoryRun | null,
  stages: HistoryStageCosts[] | null,
): [string, string, string][] {
  const rows: [string, string, string][] = [];
  const life = `${opts.customers} customers x ${opts.cycles} cycles`;
  if (run !== null) {
    rows.push([
      `history (${life}): fold rate per phase`,
      run.phases.map((p) => Math.round(p.rate)).join(' -> '),
      `events/s; last / first ${run.lastOverFirst.toFixed(2)} (target >= 0.8)`,
    ]);
    rows.push([
      'history: fold / projector CPU per event per phase',
      run.phases.map((p) => `${p.foldCpu.toFixed(0)}/${p.projectorCpu.toFixed(0)}`).join(' -> '),
      'µs',
    ]);
    rows.push([
      'history: Redis bytes per customer (MEMORY USAGE of its keys)',
      `${Math.round(run.redisBytesPerCustomer)}`,
      `max ${Math.round(run.redisBytesMaxCustomer)}; shared keys ${Math.round(run.redisSharedBytes)} (target <= 65536)`,
    ]);
    rows.push([
      '  of which, per key family',
      Object.entries(run.redisBytesPerCustomerByFamily)
        .map(([family, bytes]) => `${family} ${bytes}`)
        .join(', '),
      'bytes per customer',
    ]);
  }
  if (stages !== null) {
    const per = (pick: (s: HistoryStageCosts) => number) =>
      stages.map((s) => pick(s).toFixed(1)).join(' -> ');
    rows.push(['history stages (in process), µs per event per phase:', '', '']);
    rows.push(['  parse (JSON.parse, part of decode)', per((s) => s.parse), '']);
    rows.push(['  decode (all checks, validation fast path included)', per((s) => s.decode), '']);
    rows.push([
      '  validate: ajv / fast path',
      `${per((s) => s.validateAjv)} / ${per((s) => s.validateFast)}`,
      '',
    ]);
    rows.push(['  apply (draft, archive per batch)', per((s) => s.apply), '']);
    rows.push(['  evaluate (reassess)', per((s) => s.evaluate), '']);
    rows.push([
      '  encode, µs per whole customer write (as stored)',
      per((s) => s.encodePerWrite),
      `state ${stages.map((s) => Math.round(s.stateBytes)).join(' -> ')} bytes`,
    ]);
  }
  return rows;
}
