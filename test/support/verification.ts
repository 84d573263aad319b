import request from 'supertest';
import { createRedis, RedisExposureStore, redisKeysOf } from '@credit/redis';
import { exposureViewOfRecord } from '../../apps/risk-api/src/exposure/exposure.view';
import { INestApplication } from '@nestjs/common';
import { decodeInputEvent, encodeInputEvent, InputStream, customerKey, RawEnvelope } from '@credit/contracts';
import { IsolatedStack } from './isolated-stack';
import { TopicRecorder } from './kafka-io';
import { tokenFor } from './running-apps';
import { ExpectedExposure, publishedHistoryProblems, Streams } from './reference';
import { ReferenceExposure } from './independent-reference';
import { BadInput } from './scenario-feed';

/** Each customer's `GET …/exposure` answer (status and body), a few requests at a time. */
async function apiExposures(
  stack: IsolatedStack,
  api: INestApplication,
  keys: string[],
  concurrency = 8,
): Promise<Map<string, { status: number; body: Record<string, unknown> }>> {
  const token = tokenFor(stack, ['viewer'], '*');
  const answers = new Map<string, { status: number; body: Record<string, unknown> }>();
  const read = async (key: string) => {
    const [companyId, customerId] = key.split(':');
    const response = await request(api.getHttpServer())
      .get(`/v1/companies/${companyId}/customers/${encodeURIComponent(customerId)}/exposure`)
      .set('Authorization', `Bearer ${token}`);
    answers.set(key, { status: response.status, body: response.body });
  };
  for (let i = 0; i < keys.length; i += concurrency) {
    await Promise.all(keys.slice(i, i + concurrency).map(read));
  }
  return answers;
}

/** Every customer's exposure from the API, compared field by field with the reference. */
export async function exposureMismatches(
  stack: IsolatedStack,
  api: INestApplication,
  expected: Map<string, ExpectedExposure>,
): Promise<string[]> {
  const problems: string[] = [];
  for (const [key, { body: got }] of await apiExposures(stack, api, [...expected.keys()])) {
    const actual = {
      components: got.components,
      total: got.total,
      overdueAmount: got.overdueAmount,
      oldestOverdueDays: got.oldestOverdueDays,
      limit: got.limit,
      status: got.status,
      blocked: got.blocked,
      riskClass: got.riskClass,
    };
    if (JSON.stringify(actual) !== JSON.stringify(expected.get(key))) {
      problems.push(`${key}: got ${JSON.stringify(actual)}, want ${JSON.stringify(expected.get(key))}`);
    }
  }
  return problems;
}

/**
 * Every customer's exposure as the engine's live state in Redis holds it (not
 * the Postgres projection, which keeps the last version it saw), compared
 * field by field with the reference.
 */
export async function liveMismatches(
  stack: IsolatedStack,
  expected: Map<string, ExpectedExposure>,
): Promise<string[]> {
  const redis = createRedis(stack.engine.redis, 'test-support');
  try {
    const store = new RedisExposureStore(redis, redisKeysOf(stack.engine));
    const records = await store.records([...expected.keys()]);
    const problems: string[] = [];
    for (const [key, want] of expected) {
      const record = records.get(key);
      const view = record ? exposureViewOfRecord(record, new Date()) : null;
      const actual = view && {
        components: view.components,
        total: view.total,
        overdueAmount: view.overdueAmount,
        oldestOverdueDays: view.oldestOverdueDays,
        limit: view.limit,
        status: view.status,
        blocked: view.blocked,
        riskClass: view.riskClass,
      };
      if (JSON.stringify(actual) !== JSON.stringify(want)) {
        problems.push(`${key}: live ${JSON.stringify(actual)}, want ${JSON.stringify(want)}`);
      }
    }
    return problems;
  } finally {
    redis.disconnect();
  }
}

/** The fields of the exposure the independent reference models. */
const INDEPENDENT_FIELDS = [
  'components',
  'total',
  'overdueAmount',
  'oldestOverdueDays',
  'status',
  'blocked',
  'blockReasons',
  'riskClass',
  'avgDaysLate',
  'dishonouredBills12m',
] as const;

/**
 * Every customer's exposure from the API against the independent reference
 * (test/support/independent-reference.ts), field by field; block reasons in any order.
 */
export async function independentMismatches(
  stack: IsolatedStack,
  api: INestApplication,
  expected: Map<string, ReferenceExposure>,
): Promise<string[]> {
  const problems: string[] = [];
  const normalise = (field: string, value: unknown) =>
    JSON.stringify(field === 'blockReasons' && Array.isArray(value) ? [...value].sort() : value);
  for (const [key, { status, body: got }] of await apiExposures(stack, api, [...expected.keys()])) {
    const want = expected.get(key)!;
    if (status !== 200) {
      problems.push(`${key}: ${status} ${JSON.stringify(got)}`);
      continue;
    }
    const differs = INDEPENDENT_FIELDS.filter((f) => normalise(f, got[f]) !== normalise(f, want[f]));
    if (differs.length > 0)
      problems.push(
        `${key}: ${differs.map((f) => `${f} engine ${JSON.stringify(got[f])}, reference ${JSON.stringify(want[f])}`).join('; ')}`,
      );
  }
  return problems.sort();
}

/** What was published on risk.breaches, risk.blocks and risk.collections (one sequence per customer), checked against the final statuses. */
export function notificationProblems(
  stack: IsolatedStack,
  recorder: TopicRecorder,
  expected: Map<string, ExpectedExposure>,
): string[] {
  const t = stack.engine.kafka.topics;
  const events = [
    ...recorder.json(t.breaches),
    ...recorder.json(t.blocks),
    ...recorder.json(t.collections),
  ] as never[];
  return publishedHistoryProblems(events, new Map([...expected].map(([key, e]) => [key, e.status])));
}

/** Waits (bounded) until the recorder has read everything the engine published, then returns the problems left. */
export async function settledNotificationProblems(
  stack: IsolatedStack,
  recorder: TopicRecorder,
  expected: Map<string, ExpectedExposure>,
  timeoutMs = 60_000,
): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  let problems = notificationProblems(stack, recorder, expected);
  while (problems.length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 500));
    problems = notificationProblems(stack, recorder, expected);
  }
  return problems;
}

/** Output events published more than once (with the same eventId: a republish after a crash). */
export function republishedCount(stack: IsolatedStack, recorder: TopicRecorder): number {
  const t = stack.engine.kafka.topics;
  const ids = [...recorder.json(t.breaches), ...recorder.json(t.blocks), ...recorder.json(t.collections)].map(
    (e) => String(e.eventId),
  );
  return ids.length - new Set(ids).size;
}

/**
 * The eventIds each customer's state says it applied (the store's applied-ids sets, one per topic)
 * against the valid eventIds of the streams: an eventId missing or extra is a problem. The memory is
 * bounded by the window (spec 4.1): an eventId that occurred more than the window before the latest
 * of its stream and customer may be forgotten, and is not looked for.
 */
export async function appliedEventProblems(stack: IsolatedStack, streams: Streams): Promise<string[]> {
  const want = new Map<string, Set<string>>();
  const allValid = new Map<string, Set<string>>();
  const windowMs = stack.engine.dedupWindowDays * 86_400_000;
  for (const [stream, envelopes] of Object.entries(streams) as [InputStream, RawEnvelope[]][]) {
    const latest = new Map<string, number>();
    const facts = envelopes.flatMap((envelope) => {
      const key = customerKey(envelope.companyId, envelope.customerId);
      const decoded = decodeInputEvent(stream, Buffer.from(key), encodeInputEvent(envelope));
      if (!decoded.ok) return [];
      const at = Date.parse(decoded.fact.occurredAt);
      latest.set(key, Math.max(latest.get(key) ?? at, at));
      return [{ key, eventId: decoded.fact.eventId, at }];
    });
    for (const { key, eventId, at } of facts) {
      const ids = want.get(key) ?? new Set<string>();
      if (at >= latest.get(key)! - windowMs) ids.add(eventId);
      want.set(key, ids);
      allValid.set(key, (allValid.get(key) ?? new Set<string>()).add(eventId));
    }
  }
  const redis = createRedis(stack.engine.redis, 'test-support');
  const keys = redisKeysOf(stack.engine);
  const problems: string[] = [];
  try {
    for (const [key, ids] of want) {
      const t = stack.engine.kafka.topics;
      const seen = new Set<string>();
      for (const topic of [t.documents, t.journalEntries, t.billPortfolio, t.creditLimits, t.customers])
        for (const id of await redis.zrange(keys.appliedIds(topic, key), 0, -1)) seen.add(id);
      const missing = [...ids].filter((id) => !seen.has(id));
      const valid = allValid.get(key) ?? new Set<string>();
      const extra = [...seen].filter((id) => !valid.has(id));
      if (missing.length > 0 || extra.length > 0)
        problems.push(`${key}: ${missing.length} eventIds not applied, ${extra.length} unexpected`);
    }
  } finally {
    redis.disconnect();
  }
  return problems;
}

/**
 * The dead-letter topic against the injected inputs: every injected input is
 * there (once or republished with the same bytes) with its reason, and nothing else is.
 */
export function deadLetterProblems(
  stack: IsolatedStack,
  recorder: TopicRecorder,
  bad: BadInput[],
): { deadLettered: number; problems: string[] } {
  const received = recorder.received.get(stack.engine.kafka.topics.deadLetter)!;
  const byBytes = new Map<string, string>();
  for (const d of received) byBytes.set(d.value.toString('base64'), d.headers['dlq.reason']);
  const injected = new Map(bad.map((b) => [b.value.toString('base64'), b]));
  const problems: string[] = [];
  for (const [bytes, input] of injected) {
    const reason = byBytes.get(bytes);
    if (reason !== input.reason)
      problems.push(
        `${input.kind} on ${input.stream}: dead-lettered as ${reason ?? 'nothing'}, want ${input.reason}`,
      );
  }
  for (const bytes of byBytes.keys()) {
    if (!injected.has(bytes))
      problems.push(`unexpected dead letter: ${Buffer.from(bytes, 'base64').toString().slice(0, 120)}`);
  }
  return { deadLettered: byBytes.size, problems };
}
