import request from 'supertest';
import { INestApplication } from '@nestjs/common';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { redrivenEventId, REDRIVEN_FROM_HEADER } from '@credit/contracts';
import { ApiOutbox, createDataSource, DeadLettersRepository } from '@credit/postgres';
import { DeadLetters } from '../../apps/risk-api/src/dead-letters/dead-letters.service';
import { runDlq } from '../../apps/risk-api/src/dead-letters/dlq-cli';
import { isolatedStack, IsolatedStack } from '../support/isolated-stack';
import { eventually, TestProducer, TopicRecorder } from '../support/kafka-io';
import { startApi, startEngine, TestClock, tokenFor } from '../support/running-apps';

const COMPANY = 'IT01';
const CUSTOMER = 'C000777';

/**
 * A fixed dead letter re-driven through the admin API: the order the ERP sent
 * with a number for an amount is dead-lettered, projected into Postgres, listed
 * and counted by reason, re-driven with the amount corrected, and the exposure
 * is then exact, with the trail kept.
 */
describe('dead letters: listed, inspected and re-driven', () => {
  let stack: IsolatedStack;
  let engine: INestApplication;
  let api: INestApplication;
  let producer: TestProducer;
  let recorder: TopicRecorder;
  let admin: string;
  let otherCompanyAdmin: string;
  let viewer: string;

  const http = () => request(api.getHttpServer());
  const exposure = () =>
    http()
      .get(`/v1/companies/${COMPANY}/customers/${CUSTOMER}/exposure`)
      .set('Authorization', `Bearer ${viewer}`);

  const badOrder = {
    eventId: 'o-bad',
    type: 'order.confirmed',
    schemaVersion: 1,
    occurredAt: '2026-03-01T10:15:00+01:00',
    companyId: COMPANY,
    customerId: CUSTOMER,
    data: { orderId: 'SO-9', amount: 100 },
  };

  beforeAll(async () => {
    stack = await isolatedStack({ API_DEAD_LETTER_INTAKE: 'true' });
    recorder = new TopicRecorder(stack.kafka, [stack.engine.kafka.topics.documents], `rec-${stack.id}`);
    await recorder.start();
    producer = new TestProducer(stack.kafka);
    await producer.connect();
    api = await startApi(stack);
    engine = await startEngine(stack, new TestClock(new Date('2026-03-02T09:00:00Z')));
    admin = tokenFor(stack, ['admin'], '*', 'ops.anna');
    otherCompanyAdmin = tokenFor(stack, ['admin'], ['DE01'], 'ops.bernd');
    viewer = tokenFor(stack, ['viewer'], [COMPANY]);
  });

  afterAll(async () => {
    await producer?.disconnect();
    await recorder?.stop();
    await engine?.close();
    await api?.close();
    await stack?.cleanup();
  });

  it('re-drives a corrected copy with a new eventId to the original topic; the exposure is exact after', async () => {
    const topics = stack.engine.kafka.topics;
    await producer.events(topics.documents, [
      {
        companyId: COMPANY,
        customerId: CUSTOMER,
        eventId: 'o-1',
        type: 'order.confirmed',
        data: { orderId: 'SO-1', amount: '600.00' },
      },
    ]);
    await producer.raw(topics.documents, `${COMPANY}:${CUSTOMER}`, JSON.stringify(badOrder));
    await producer.raw(topics.documents, null, 'not json at all');

    const listed = await eventually(
      () => http().get('/v1/admin/dead-letters').set('Authorization', `Bearer ${admin}`),
      (r) => r.status === 200 && r.body.total === 2,
    );
    const [letter] = listed.body.items.filter((d: { reason: string }) => d.reason === 'VALIDATION_FAILED');
    expect(letter).toMatchObject({
      field: 'data.amount',
      companyId: COMPANY,
      customerId: CUSTOMER,
      eventType: 'order.confirmed',
      source: { topic: topics.documents },
      redrive: null,
    });

    const counts = await http().get('/v1/admin/dead-letters/counts').set('Authorization', `Bearer ${admin}`);
    expect(counts.body.reasons).toEqual(
      expect.arrayContaining([
        { reason: 'VALIDATION_FAILED', total: 1, pending: 1 },
        { reason: 'NOT_JSON', total: 1, pending: 1 },
      ]),
    );
    const byReason = await http()
      .get('/v1/admin/dead-letters?reason=NOT_JSON')
      .set('Authorization', `Bearer ${admin}`);
    expect(byReason.body.items.map((d: { reason: string }) => d.reason)).toEqual(['NOT_JSON']);

    // The original bytes, exactly as the ERP sent them.
    const shown = await http()
      .get(`/v1/admin/dead-letters/${letter.eventId}`)
      .set('Authorization', `Bearer ${admin}`);
    expect(shown.status).toBe(200);
    expect(shown.body.original).toBe(JSON.stringify(badOrder));
    expect(shown.body.key).toBe(`${COMPANY}:${CUSTOMER}`);

    // An admin of another company sees none of them (one names no company, the other names IT01).
    const foreign = await http()
      .get('/v1/admin/dead-letters')
      .set('Authorization', `Bearer ${otherCompanyAdmin}`);
    expect(foreign.body.total).toBe(0);

    // A correction that is still wrong is refused, naming the field and the rule; nothing is published.
    const stillWrong = await http()
      .post(`/v1/admin/dead-letters/${letter.eventId}/redrive`)
      .set('Authorization', `Bearer ${admin}`)
      .send({ event: { ...badOrder, data: { orderId: 'SO-9', amount: '100,00' } }, reason: 'comma' });
    expect(stillWrong.status).toBe(400);
    expect(stillWrong.body.message).toMatch(/^event\.data\.amount: .*data\.amount must/);

    const redriven = await http()
      .post(`/v1/admin/dead-letters/${letter.eventId}/redrive`)
      .set('Authorization', `Bearer ${admin}`)
      .send({
        event: { ...badOrder, data: { orderId: 'SO-9', amount: '100.00' } },
        reason: 'The ERP export sent the amount as a number; corrected',
      });
    expect(redriven.status).toBe(201);
    expect(redriven.body).toMatchObject({
      deadLetterEventId: letter.eventId,
      newEventId: redrivenEventId(letter.eventId),
      topic: topics.documents,
      key: `${COMPANY}:${CUSTOMER}`,
      by: 'ops.anna',
      originalPartition: letter.source.partition,
      originalOffset: letter.source.offset,
    });
    expect(redriven.body.newEventId).not.toBe('o-bad');

    // The exposure is exact: the first order and the corrected one, each once.
    const final = await eventually(
      () => exposure(),
      (r) => r.status === 200 && r.body.components?.orders === '700.00',
    );
    expect(final.body.total).toBe('700.00');

    // On the original topic: the corrected copy, with its new eventId and the dead letter it corrects.
    const copies = (recorder.received.get(topics.documents) ?? []).filter(
      (m) => m.headers[REDRIVEN_FROM_HEADER] === letter.eventId,
    );
    expect(copies).toHaveLength(1);
    expect(JSON.parse(copies[0].value.toString())).toMatchObject({
      eventId: redrivenEventId(letter.eventId),
      data: { amount: '100.00' },
    });

    // Once only: a second re-drive is refused and the trail stays as it was.
    const again = await http()
      .post(`/v1/admin/dead-letters/${letter.eventId}/redrive`)
      .set('Authorization', `Bearer ${admin}`)
      .send({ event: { ...badOrder, data: { orderId: 'SO-9', amount: '100.00' } }, reason: 'twice' });
    expect(again.status).toBe(409);
    const trail = await http()
      .get(`/v1/admin/dead-letters/${letter.eventId}`)
      .set('Authorization', `Bearer ${admin}`);
    expect(trail.body.redriven).toMatchObject({
      by: 'ops.anna',
      newEventId: redrivenEventId(letter.eventId),
    });
    const pending = await http().get('/v1/admin/dead-letters/counts').set('Authorization', `Bearer ${admin}`);
    expect(pending.body.reasons).toContainEqual({ reason: 'VALIDATION_FAILED', total: 1, pending: 0 });
    await eventually(
      () => exposure(),
      (r) => r.body.components?.orders === '700.00',
    );
  });

  it('lists, counts, shows and re-drives from the shell (npm run dlq)', async () => {
    const db = createDataSource(stack.api.postgres, 1);
    await db.initialize();
    const deadLetters = new DeadLetters(
      new DeadLettersRepository(db, new ApiOutbox(db)),
      stack.api.kafka.topics,
      () => new Date(),
    );
    const dlq = async (...argv: string[]) => {
      const out: string[] = [];
      const err: string[] = [];
      const code = await runDlq(argv, deadLetters, { out: (l) => out.push(l), err: (l) => err.push(l) });
      return { code, out, err };
    };
    try {
      const pending = await dlq('list', '--pending');
      expect(pending.code).toBe(0);
      expect(pending.out).toHaveLength(2);
      expect(pending.out[0]).toMatch(/ NOT_JSON .* pending$/);
      const id = pending.out[0].split('  ')[0];
      expect((await dlq('counts')).out).toContain('NOT_JSON  1 total  1 pending');
      expect(JSON.parse((await dlq('show', id)).out.join('\n'))).toMatchObject({
        original: 'not json at all',
      });

      const file = join(mkdtempSync(join(tmpdir(), 'dlq-')), 'corrected.json');
      writeFileSync(file, JSON.stringify({ ...badOrder, data: { orderId: 'SO-10', amount: '50.00' } }));
      expect(await dlq('redrive', id, '--file', file)).toMatchObject({ code: 2 });
      const redriven = await dlq(
        'redrive',
        id,
        '--file',
        file,
        '--reason',
        'ERP resent as JSON',
        '--by',
        'ops.carla',
      );
      expect(redriven.code).toBe(0);
      expect(JSON.parse(redriven.out[0])).toMatchObject({ by: 'ops.carla', newEventId: redrivenEventId(id) });
      expect(await dlq('redrive', id, '--file', file, '--reason', 'again')).toMatchObject({
        code: 1,
        err: [expect.stringMatching(/already re-driven by ops.carla/)],
      });
      // Published by the API's outbox relay, folded by the engine: 600 + 100 + 50.
      await eventually(
        () => exposure(),
        (r) => r.body.components?.orders === '750.00',
      );
      expect((await dlq('list', '--pending')).out).toEqual(['0 of 0']);
    } finally {
      await db.destroy();
    }
  });

  it('is for admins only', async () => {
    const response = await http().get('/v1/admin/dead-letters').set('Authorization', `Bearer ${viewer}`);
    expect(response.status).toBe(403);
  });
});
