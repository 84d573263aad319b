import request from 'supertest';
import { INestApplication } from '@nestjs/common';
import { apiSettings } from '@credit/config';
import { createApiApp } from '../../apps/risk-api/src/app';
import { IsolatedStack } from '../support/isolated-stack';
import {
  FaultInfrastructure,
  faultStack,
  PostgresProxy,
  startFaultInfrastructure,
  stopFaultInfrastructure,
} from '../support/fault-infra';
import { eventually, TopicRecorder } from '../support/kafka-io';
import { grantUnlimitedLimitAuthority } from '../support/limit-authority';
import { startApi, tokenFor } from '../support/running-apps';
import { countClass, faultProfile, reportFault } from '../support/fault-report';

const COMPANY = 'IT01';
const profile = faultProfile();
/** Customers decided on at the same time, each by a chain of decisions alternating between the instances. */
const CUSTOMERS = profile.name === 'full' ? 12 : 6;
const DECISIONS_PER_CUSTOMER = profile.name === 'full' ? 60 : 30;
/** How late Postgres's answers reach the slow instance. */
const SLOW_LINK_MS = 60;

/**
 * Two API instances (two apps, each with its own pool, producer and outbox
 * relay) on one database and one broker. A credit manager changes each
 * customer's limit again and again, one change after the other, alternating
 * the instance: the limit amounts count up, so the order of a customer's
 * creditLimit.set events on Kafka must be the order of the amounts. One
 * instance reaches Postgres over a slow link (its answers arrive late), so
 * its relay learns which rows it claimed only after the other instance could
 * have claimed and published later ones.
 */
describe('API outbox order with two API instances', () => {
  let infra: FaultInfrastructure;
  let stack: IsolatedStack;
  let instances: INestApplication[];
  let recorder: TopicRecorder;
  let slowLink: PostgresProxy;

  beforeAll(async () => {
    infra = await startFaultInfrastructure();
    stack = await faultStack(infra);
    recorder = new TopicRecorder(stack.kafka, [stack.api.kafka.topics.creditLimits], `rec-${stack.id}`);
    await recorder.start();
    slowLink = new PostgresProxy(5432, '127.0.0.1', SLOW_LINK_MS);
    await slowLink.start();
    const url = new URL(stack.env.POSTGRES_URL);
    url.port = String(slowLink.port);
    const slow = await createApiApp(apiSettings({ ...stack.env, POSTGRES_URL: url.toString() }), ['error']);
    await slow.init();
    instances = [slow, await startApi(stack)];
  });

  afterAll(async () => {
    await recorder?.stop();
    for (const app of instances ?? []) await app.close();
    await slowLink?.stop();
    await stack?.cleanup();
    await stopFaultInfrastructure(infra);
  });

  it("publishes each customer's decisions in the order they were decided", async () => {
    const manager = tokenFor(stack, ['credit-manager'], [COMPANY], 'maria.rossi');
    // Four eyes (spec section 11) would turn each change into a request: maria sets limits of any amount.
    await grantUnlimitedLimitAuthority(instances[1], stack, COMPANY, ['maria.rossi']);
    const statusClasses: Record<string, number> = {};
    const customers = Array.from({ length: CUSTOMERS }, (_, c) => `C-ORD-${c}`);
    await Promise.all(
      customers.map(async (customerId, c) => {
        for (let n = 1; n <= DECISIONS_PER_CUSTOMER; n++) {
          const response = await request(instances[(n + c) % 2].getHttpServer())
            .put(`/v1/companies/${COMPANY}/customers/${customerId}/credit-limit`)
            .set('Authorization', `Bearer ${manager}`)
            .send({ amount: `${1000 + n}.00`, mode: 'block', reason: `decision ${n}` });
          countClass(statusClasses, response.status);
          expect(response.status).toBe(200);
        }
      }),
    );
    const total = CUSTOMERS * DECISIONS_PER_CUSTOMER;
    const events = await eventually(
      () => recorder.json(stack.api.kafka.topics.creditLimits),
      (list) => list.length >= total,
      60_000,
    );
    // Per customer, the decision number of each event in the order Kafka holds them.
    const published = new Map<string, number[]>(customers.map((c) => [c, []]));
    for (const event of events) {
      const amount = (event.data as { amount: string }).amount;
      published.get(event.customerId as string)!.push(Number(amount) - 1000);
    }
    const decided = Array.from({ length: DECISIONS_PER_CUSTOMER }, (_, i) => i + 1);
    const outOfOrder = customers.filter((c) => published.get(c)!.some((n, i) => n !== decided[i]));
    reportFault({
      scenario: 'two API instances, one on a slow Postgres link: decision order on Kafka',
      faults: 1,
      events: events.length,
      customers: CUSTOMERS,
      mismatches: outOfOrder.length,
      lostNotifications: total - new Set(events.map((e) => e.eventId)).size,
      requests: total,
      statusClasses,
      notes: 'customers whose creditLimit.set events are not in decision order count as mismatches',
    });
    for (const customerId of customers) expect(published.get(customerId)).toEqual(decided);
  });
});
