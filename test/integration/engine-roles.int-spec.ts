import Redis from 'ioredis';
import { Client } from 'pg';
import { customerKey } from '@credit/contracts';
import { runMigrations } from '@credit/postgres';
import { projectionBacklog, RedisKeys, redisKeysOf } from '@credit/redis';
import { EngineProcess } from '../support/engine-process';
import { isolatedStack, IsolatedStack } from '../support/isolated-stack';
import { eventually, RawEvent, TestProducer } from '../support/kafka-io';

const COMPANY = 'IT01';
const CUSTOMERS = ['C-ROLE-1', 'C-ROLE-2', 'C-ROLE-3'];

/**
 * The deployed topology: one engine process folds (ENGINE_ROLE=fold), another
 * projects into Postgres (ENGINE_ROLE=project). A customer changed many times
 * while nobody projects is due once, and the projector catches up from Redis alone.
 */
describe('engine roles: fold and project in separate processes', () => {
  let stack: IsolatedStack;
  let redis: Redis;
  let keys: RedisKeys;
  let pg: Client;
  let producer: TestProducer;
  const processes: EngineProcess[] = [];

  const event = (
    customerId: string,
    eventId: string,
    type: string,
    data: Record<string, unknown>,
  ): RawEvent => ({
    companyId: COMPANY,
    customerId,
    eventId,
    type,
    data,
  });

  const projectedTotals = async (): Promise<Record<string, string>> => {
    const { rows } = await pg.query<{ customer_id: string; total: string }>(
      'SELECT customer_id, total::text AS total FROM customer_exposure WHERE company_id = $1',
      [COMPANY],
    );
    return Object.fromEntries(rows.map((r) => [r.customer_id, r.total]));
  };

  beforeAll(async () => {
    stack = await isolatedStack();
    await runMigrations(stack.engine.postgres);
    redis = new Redis(stack.engine.redis.url);
    keys = redisKeysOf(stack.engine);
    pg = new Client({ connectionString: stack.engine.postgres.url });
    await pg.connect();
    producer = new TestProducer(stack.kafka);
    await producer.connect();
  });

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.terminate()));
    await producer?.disconnect();
    await pg?.end();
    redis?.disconnect();
    await stack?.cleanup();
  });

  it('a fold-only engine leaves each changed customer due once; the projector projects them', async () => {
    const fold = new EngineProcess(stack, { ENGINE_ROLE: 'fold' });
    processes.push(fold);
    fold.start();
    const t = stack.engine.kafka.topics;
    // Ten orders per customer: ten changes each, folded while nothing projects.
    for (const customerId of CUSTOMERS) {
      await producer.events(
        t.documents,
        Array.from({ length: 10 }, (_, i) =>
          event(customerId, `${customerId}-o${i}`, 'order.confirmed', {
            orderId: `SO-${i}`,
            amount: '100.25',
          }),
        ),
      );
    }
    // Customers due for projection, in every partition.
    const projectionDue = async () =>
      (await Promise.all(keys.allPartitions().map((p) => redis.hlen(keys.projectionDue(p))))).reduce(
        (a, b) => a + b,
        0,
      );
    await eventually(projectionDue, (due) => due === CUSTOMERS.length, 60_000);
    const folded = await eventually(
      () => redis.hget(keys.customer(customerKey(COMPANY, CUSTOMERS[2])), 'v'),
      (v) => v !== null && Number(v) % 1000 >= 10,
      60_000,
    );
    expect(Number(folded) % 1000).toBe(10);
    // Folded and published, yet nothing in Postgres: projecting is not this process's job.
    expect(await projectedTotals()).toEqual({});
    expect(await projectionDue()).toBe(CUSTOMERS.length);

    const projector = new EngineProcess(stack, { ENGINE_ROLE: 'project', ENGINE_HEALTH_PORT: '0' });
    processes.push(projector);
    projector.start();
    const totals = await eventually(
      () => projectedTotals(),
      (p) => Object.keys(p).length === CUSTOMERS.length,
      60_000,
    );
    expect(totals).toEqual(Object.fromEntries(CUSTOMERS.map((c) => [c, '1002.50'])));
    await eventually(
      () => projectionBacklog(redis, keys),
      (backlog) => backlog === 0,
      30_000,
    );
  });

  it('a change after the projection marks the customer due again and is projected', async () => {
    const t = stack.engine.kafka.topics;
    await producer.events(t.documents, [
      event(CUSTOMERS[0], `${CUSTOMERS[0]}-close`, 'order.closed', { orderId: 'SO-0', reason: 'cancelled' }),
    ]);
    const totals = await eventually(
      () => projectedTotals(),
      (p) => p[CUSTOMERS[0]] === '902.25',
      60_000,
    );
    expect(totals[CUSTOMERS[1]]).toBe('1002.50');
    await eventually(
      () => projectionBacklog(redis, keys),
      (backlog) => backlog === 0,
      30_000,
    );
  });
});
