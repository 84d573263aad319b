import request from 'supertest';
import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { rawEvent, RawEnvelope } from '@credit/contracts';
import {
  applyFacts,
  businessDateAt,
  DEFAULT_PARAMETERS,
  emptyDocuments,
  Fact,
  newCustomerRecord,
  reassess,
} from '@credit/domain';
import { RedisExposureStore, redisKeysOf } from '@credit/redis';
import { faultProfile } from '../support/fault-report';
import { faultSuite, feed, sleep, startEngineProcess, verifyAndReport } from '../support/fault-harness';
import { waitUntilFolded } from '../support/folding';
import { eventually } from '../support/kafka-io';
import { tokenFor } from '../support/running-apps';
import { picker, withDuplicatesAndBadInput } from '../support/scenario-feed';
import { Streams } from '../support/reference';
import { generateScenario } from '../../apps/erp-simulator/src/scenario';

const profile = faultProfile();
const COMPANY = 'V1';
const MAX_AMOUNT = '9999999999999.99';

/** Customers whose orders sum far beyond 18 integer digits of utilisation: a limit of 0.01 and 20 of the largest orders. */
function whales(count: number): Streams {
  const limits: RawEnvelope[] = [];
  const documents: RawEnvelope[] = [];
  for (let w = 0; w < count; w++) {
    const head = { companyId: COMPANY, customerId: `WHALE-${w}` };
    limits.push(
      rawEvent(
        'creditLimit.set',
        { amount: '0.01', mode: 'warn', setBy: 'maria' },
        { ...head, eventId: `whale-${w}-limit` },
      ),
    );
    for (let o = 0; o < 20; o++) {
      documents.push(
        rawEvent(
          'order.confirmed',
          { orderId: `SO-${o}`, amount: MAX_AMOUNT },
          { ...head, eventId: `whale-${w}-${o}` },
        ),
      );
    }
  }
  return { creditLimits: limits, documents };
}

/** A state an earlier engine folded without checking its text (the contract now dead-letters such events). */
const POISONED_STATES: [string, (customerId: string) => Fact][] = [
  ['NUL in a document id', (customerId) => order(customerId, 'SO-\u0000')],
  [
    'unpaired surrogate in a reference (jsonb)',
    (customerId) => ({
      ...base(customerId),
      type: 'delivery.issued',
      deliveryId: 'DN-1',
      amount: 100n,
      orderRefs: [{ orderId: '\uD800', amount: 100n }],
    }),
  ],
  [
    'NUL in a bill id',
    (customerId) => ({
      ...base(customerId),
      type: 'bill.issued',
      billId: 'RB\u0000',
      amount: 100n,
      dueDate: '2099-01-01',
      instrument: 'riba',
    }),
  ],
];
const base = (customerId: string) => ({
  eventId: `poisoned-${customerId}`,
  occurredAt: '2026-03-01T10:00:00+01:00',
  companyId: COMPANY,
  customerId,
});
const order = (customerId: string, orderId: string): Fact => ({
  ...base(customerId),
  type: 'order.confirmed',
  orderId,
  amount: 12345n,
});

describe(`unstorable values (${profile.name} profile)`, () => {
  const suite = faultSuite();

  it('dead-letters unstorable text, stores the largest sums and quarantines unstorable states mid-stream; every other customer stays exact', async () => {
    const h = await suite.harness();
    const scenario = generateScenario({
      seed: 808,
      companies: [COMPANY],
      customers: profile.streamCustomers,
      eventsPerCustomer: 40,
      startDate: '2026-01-05',
    });
    const clean = scenario.streams as Streams;
    const valid = Object.values(clean).reduce((n, list) => n + list.length, 0);
    const { streams: fed, bad } = withDuplicatesAndBadInput(
      clean,
      809,
      0.05,
      Math.max(3, Math.round(valid / 100)),
      {
        kinds: ['NUL_TEXT', 'LONE_SURROGATE', 'OVERLONG_TEXT'],
      },
    );
    const big = whales(3);
    const streams: Streams = {
      ...fed,
      creditLimits: [...(fed.creditLimits ?? []), ...big.creditLimits!],
      documents: [...(fed.documents ?? []), ...big.documents!],
    };
    const events = Object.values(streams).reduce((n, list) => n + list.length, 0) + bad.length;

    startEngineProcess(h);
    const redis = new Redis(h.stack.engine.redis.url);
    const keys = redisKeysOf(h.stack.engine);
    const store = new RedisExposureStore(redis, keys);
    const today = businessDateAt(new Date(), h.stack.engine.defaultTimeZone);
    const state = (customerId: string, facts: Fact[], version: number) => ({
      ...reassess(newCustomerRecord(COMPANY, customerId), applyFacts(emptyDocuments(), facts), today, {
        ...DEFAULT_PARAMETERS,
        timeZone: h.stack.engine.defaultTimeZone,
      }).record,
      version,
    });
    const commit = async (customerId: string, facts: Fact[], expectedVersion: number, version: number) =>
      expect(
        await store.commit({
          partition: keys.partitionOf(`${COMPANY}:${customerId}`),
          customers: [
            {
              key: `${COMPANY}:${customerId}`,
              expectedVersion,
              record: state(customerId, facts, version),
              appliedEventIds: [],
              events: [],
              assessedWith: '',
            },
          ],
          outbox: [],
        }),
      ).toEqual({ ok: true });
    const admin = tokenFor(h.stack, ['admin'], [COMPANY]);
    const quarantined = async () =>
      (
        await request(h.api.getHttpServer())
          .get(`/v1/companies/${COMPANY}/projection-quarantine`)
          .set('Authorization', `Bearer ${admin}`)
          .expect(200)
      ).body as { total: number; items: { customerId: string; reason: string }[] };

    try {
      // The poisoned states land while the stream is being folded and projected.
      const random = picker(810);
      const producing = feed(h, streams, bad, 200, 6_000);
      for (const [i, [, poisoned]] of POISONED_STATES.entries()) {
        await sleep(1000 + random() * 1000);
        await commit(`POISONED-${i}`, [poisoned(`POISONED-${i}`)], 0, 1);
      }
      await producing;
      const verdict = await verifyAndReport(h, {
        scenario:
          'unstorable values mid-stream: text dead-lettered, 10^18 sums stored, bad states quarantined',
        faults: bad.length + POISONED_STATES.length,
        events,
        streams,
        bad,
        notes: `${bad.length} unstorable texts (NUL, lone surrogate, overlong), 3 customers at 2 x 10^18 % utilisation, ${POISONED_STATES.length} states quarantined`,
      });
      expect(verdict.mismatches).toEqual([]);
      expect(verdict.applied).toEqual([]);
      expect(verdict.notifications).toEqual([]);
      expect(verdict.deadLetters).toEqual([]);

      const listed = await quarantined();
      expect(listed.items.map((q) => q.customerId).sort()).toEqual(
        POISONED_STATES.map((_, i) => `POISONED-${i}`),
      );
      for (const item of listed.items) expect(item.reason).toMatch(/ (22021|22P02) /);

      // A later state without the bad value projects and lifts the quarantine of that customer only.
      await commit('POISONED-0', [order('POISONED-0', 'SO-1')], 1, 2);
      await waitUntilFolded(h.stack);
      await eventually(quarantined, (q) => q.total === POISONED_STATES.length - 1);
      const pg = new DataSource({ type: 'postgres', url: h.stack.api.postgres.url });
      await pg.initialize();
      try {
        expect(
          await pg.query(
            `SELECT total::text, state_version::int FROM customer_exposure
              WHERE company_id = $1 AND customer_id = 'POISONED-0'`,
            [COMPANY],
          ),
        ).toEqual([{ total: '123.45', state_version: 2 }]);
      } finally {
        await pg.destroy();
      }
    } finally {
      redis.disconnect();
    }
  }, 900_000);
});
