import request from 'supertest';
import { INestApplication } from '@nestjs/common';
import { isolatedStack, IsolatedStack } from '../support/isolated-stack';
import { eventually, TestProducer } from '../support/kafka-io';
import { startApi, startEngine, TestClock, tokenFor } from '../support/running-apps';

const CO = 'IT01';
const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

/**
 * Actions recorded through the
 * API are folded by the engine, and the worklist and the case read back what it
 * projected (a level reached, a promise pending then broken by the clock, the
 * legal stage blocking with LEGAL).
 */
describe('collections end to end: API actions folded by the engine, worklist from the projection', () => {
  let stack: IsolatedStack;
  let engine: INestApplication;
  let api: INestApplication;
  let producer: TestProducer;
  const clock = new TestClock(new Date());

  beforeAll(async () => {
    stack = await isolatedStack();
    producer = new TestProducer(stack.kafka);
    await producer.connect();
    api = await startApi(stack);
    engine = await startEngine(stack, clock);
  });
  afterAll(async () => {
    await producer?.disconnect();
    await engine?.close();
    await api?.close();
    await stack?.cleanup();
  });

  const http = () => request(api.getHttpServer());
  const viewer = () => tokenFor(stack, ['viewer'], [CO], 'v');
  const worklist = (q = '') =>
    http().get(`/v1/companies/${CO}/worklist${q}`).set('Authorization', `Bearer ${viewer()}`);
  const history = () =>
    http()
      .get(`/v1/companies/${CO}/customers/E1/collection-actions`)
      .set('Authorization', `Bearer ${viewer()}`);
  const act = (body: object) =>
    http()
      .post(`/v1/companies/${CO}/customers/E1/collection-actions`)
      .set('Authorization', `Bearer ${tokenFor(stack, ['approver'], [CO], 'anna')}`)
      .send(body);

  it('lists a level reached, hides a pending promise, tops with it once broken, then with the legal stage', async () => {
    await producer.events(stack.engine.kafka.topics.journalEntries, [
      {
        companyId: CO,
        customerId: 'E1',
        eventId: 'je1',
        type: 'journal.posted',
        data: {
          entryId: 'JE-1',
          postingDate: day(-60),
          lines: [{ lineId: 'L1', side: 'debit', amount: '800.00', openItemId: 'OI-1', dueDate: day(-30) }],
        },
      },
    ]);
    await eventually(
      () => worklist(),
      (r) => r.body.items?.some((i: { customerId: string }) => i.customerId === 'E1'),
    );
    await act({ type: 'promise', text: 'will pay', promise: { amount: '800.00', date: day(3) } }).expect(201);
    await eventually(
      () => history(),
      (r) => r.body.case?.promise?.status === 'pending',
    );
    const second = await worklist().expect(200);
    expect(second.body.items.filter((i: { customerId: string }) => i.customerId === 'E1')).toEqual([]);
    clock.set(new Date(Date.now() + 4 * 86_400_000).toISOString());
    await eventually(
      () => history(),
      (r) => r.body.case?.promise?.status === 'broken',
      30_000,
    );
    const third = await worklist(`?date=${day(4)}`).expect(200);
    expect(third.body.items[0]).toMatchObject({ kind: 'promise-broken', customerId: 'E1' });
    await act({ type: 'stage', stage: 'legal', text: 'to the lawyers' }).expect(201);
    const legal = await eventually(
      () => history(),
      (r) => r.body.case?.stage === 'legal',
      30_000,
    );
    expect(legal.body.case.blockReasons).toContain('LEGAL');
    const fourth = await worklist(`?date=${day(4)}`).expect(200);
    expect(fourth.body.items[0]).toMatchObject({ kind: 'legal', customerId: 'E1' });
  }, 120_000);
});
