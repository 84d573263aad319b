import request from 'supertest';
import { INestApplication } from '@nestjs/common';
import { isolatedStack, IsolatedStack } from '../support/isolated-stack';
import { eventually, TestProducer } from '../support/kafka-io';
import { listen } from '../browser/desk-browser';
import { startApi, startEngine, TestClock, tokenFor } from '../support/running-apps';

const CO = 'IT01';

/** Reads a text/event-stream with fetch(), as the desk does, and collects its events. */
async function follow(url: string, bearer: string) {
  const controller = new AbortController();
  const response = await fetch(url, {
    headers: { Authorization: `Bearer ${bearer}`, Accept: 'text/event-stream' },
    signal: controller.signal,
  });
  const events: { event: string; data: Record<string, unknown> }[] = [];
  const reading = (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(frame)?.[1];
          const data = /^data: (.*)$/m.exec(frame)?.[1];
          if (event && data) events.push({ event, data: JSON.parse(data) });
        }
      }
    } catch {
      // aborted
    }
  })();
  return { response, events, close: () => (controller.abort(), reading) };
}

/**
 * The desk's live route on the real stack: what the engine and the API publish on
 * risk.breaches / risk.blocks reaches the streams of that company, and only them.
 */
describe('desk: live updates (server-sent events)', () => {
  let stack: IsolatedStack;
  let api: INestApplication;
  let engine: INestApplication;
  let producer: TestProducer;
  let url: string;

  beforeAll(async () => {
    stack = await isolatedStack();
    api = await startApi(stack);
    url = await listen(api);
    engine = await startEngine(stack, new TestClock(new Date()));
    producer = new TestProducer(stack.kafka);
    await producer.connect();
  });

  afterAll(async () => {
    await producer?.disconnect();
    await engine?.close();
    await api?.close();
    await stack?.cleanup();
  });

  it('is authorised like every route and only answers clients that accept an event stream', async () => {
    const server = api.getHttpServer();
    await request(server).get(`/v1/companies/${CO}/live`).set('Accept', 'text/event-stream').expect(401);
    await request(server)
      .get(`/v1/companies/${CO}/live`)
      .set('Accept', 'text/event-stream')
      .set('Authorization', `Bearer ${tokenFor(stack, ['viewer'], ['DE01'])}`)
      .expect(403);
    const refused = await request(server)
      .get(`/v1/companies/${CO}/live`)
      .set('Authorization', `Bearer ${tokenFor(stack, ['viewer'], [CO])}`)
      .set('Accept', 'application/json')
      .expect(406);
    expect(refused.body.message).toContain('text/event-stream');
  });

  it('streams ready, then the status changes and blocks of the company, and nothing of another', async () => {
    const it01 = await follow(`${url}/v1/companies/${CO}/live`, tokenFor(stack, ['viewer'], [CO]));
    const de01 = await follow(`${url}/v1/companies/DE01/live`, tokenFor(stack, ['viewer'], ['DE01']));
    expect(it01.response.headers.get('content-type')).toContain('text/event-stream');
    await eventually(
      () => it01.events.length + de01.events.length,
      (n) => n === 2,
    );
    expect(it01.events[0]).toEqual({ event: 'ready', data: { companyId: CO } });

    const topics = stack.engine.kafka.topics;
    await producer.events(topics.creditLimits, [
      {
        eventId: 'live-limit',
        companyId: CO,
        customerId: 'C-1',
        type: 'creditLimit.set',
        data: { amount: '100.00', mode: 'block', setBy: 'seed' },
      },
    ]);
    await producer.events(topics.documents, [
      {
        eventId: 'live-order',
        companyId: CO,
        customerId: 'C-1',
        type: 'order.confirmed',
        data: { orderId: 'SO-1', amount: '150.00' },
      },
    ]);
    const changes = await eventually(
      () => it01.events.filter((e) => e.event === 'change').map((e) => e.data),
      (list) => list.some((e) => e.type === 'customer.blocked'),
    );
    expect(changes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          type: 'exposure.statusChanged',
          companyId: CO,
          customerId: 'C-1',
          data: expect.objectContaining({ to: 'EXCEEDED', total: '150.00' }),
        }),
        expect.objectContaining({ type: 'customer.blocked', data: { reasons: ['LIMIT_EXCEEDED'] } }),
      ]),
    );
    expect(de01.events.filter((e) => e.event === 'change')).toEqual([]);
    await it01.close();
    await de01.close();
  });
});
