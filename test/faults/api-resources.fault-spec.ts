import request from 'supertest';
import { connect, Socket } from 'node:net';
import { NestExpressApplication } from '@nestjs/platform-express';
import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { apiSettings } from '@credit/config';
import { createDataSource } from '@credit/postgres';
import { RebuildMarker, redisKeysOf } from '@credit/redis';
import { createApiApp } from '../../apps/risk-api/src/app';
import { IsolatedStack } from '../support/isolated-stack';
import {
  FaultInfrastructure,
  faultStack,
  PostgresProxy,
  startFaultInfrastructure,
  stopFaultInfrastructure,
} from '../support/fault-infra';
import { eventually, TestProducer } from '../support/kafka-io';
import { tokenFor } from '../support/running-apps';
import { countClass, reportFault } from '../support/fault-report';

const EXPORT_COMPANY = 'EXP1';
const LIVE_COMPANY = 'LIV1';
/**
 * Enough rows (with long customer ids) that an export (~20 MB) is far larger than what the
 * sockets of a client that never reads can hold (a few MB on loopback).
 */
const EXPORT_ROWS = 100_000;
const EXPORT_CONCURRENCY = 2;
const EXPORT_TIMEOUT_MS = 8_000;
const STALLED_EXPORTS = 12;
const LIVE_MAX_BUFFER_BYTES = 2_097_152;

/** A request whose client reads the status line, then stops reading (until `resume`). */
interface StalledClient {
  status: number;
  head: string;
  socket: Socket;
  /** Starts reading again, for a client that keeps up. */
  resume(): void;
  /** What was received so far. */
  received(): Buffer;
  /** Reads the rest until the server closes the connection; resolves with every byte received. */
  drain(): Promise<Buffer>;
}

function stalledRequest(port: number, path: string, headers: Record<string, string>): Promise<StalledClient> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let headSeen = false;
    const closed = new Promise<void>((done) => socket.once('close', () => done()));
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      const received = Buffer.concat(chunks).toString('latin1');
      const end = received.indexOf('\r\n\r\n');
      if (end < 0 || headSeen) return;
      headSeen = true;
      socket.pause();
      resolve({
        status: Number(/^HTTP\/1\.1 (\d{3})/.exec(received)?.[1]),
        head: received.slice(0, end),
        socket,
        resume: () => socket.resume(),
        received: () => Buffer.concat(chunks),
        drain: async () => {
          socket.resume();
          await closed;
          return Buffer.concat(chunks);
        },
      });
    });
    socket.once('close', () => reject(new Error(`${path}: closed before the response head`)));
    const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
    // Connection: close, so that a response that does complete ends the connection too.
    socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n${lines.join('')}\r\n`);
  });
}

/** Internals a health answer must never show: driver errors, addresses, stack traces. */
const INTERNALS = /ECONN|refused|terminat|timeout|connect|127\.0\.0\.1|localhost|error|stack/i;

/**
 * What a slow or stalled client, or a storm of probes, may hold in one API
 * instance: exports have their own small pool and a time bound, live streams
 * a buffer bound and a cap per user, and the health routes answer from the
 * existing clients without leaking why a dependency is down.
 */
describe('API resources under slow clients and probes', () => {
  let infra: FaultInfrastructure;
  let stack: IsolatedStack;
  let api: NestExpressApplication;
  let port: number;
  let db: DataSource;
  let viewer: string;

  const listening = async (env: Record<string, string>) => {
    const app = await createApiApp(apiSettings(env), ['error']);
    await app.listen(0, '127.0.0.1');
    return app;
  };

  beforeAll(async () => {
    infra = await startFaultInfrastructure();
    stack = await faultStack(infra, {
      API_EXPORT_CONCURRENCY: String(EXPORT_CONCURRENCY),
      API_EXPORT_TIMEOUT_MS: String(EXPORT_TIMEOUT_MS),
      API_LIVE_STREAMS_PER_USER: '1',
      API_LIVE_MAX_BUFFER_BYTES: String(LIVE_MAX_BUFFER_BYTES),
    });
    api = await listening(stack.env);
    port = (api.getHttpServer().address() as { port: number }).port;
    db = createDataSource(stack.api.postgres, 1);
    await db.initialize();
    await db.query(
      `INSERT INTO customer_exposure (company_id, customer_id, orders, deliveries, unposted_invoices,
         receivables, bills, total, overdue_amount, oldest_overdue_days, status, blocked, block_reasons,
         risk_class, avg_days_late, dishonoured_bills_12m, business_date, state_version, as_of)
       SELECT $1, 'C' || lpad(n::text, 63, '0'), 100.00, 0, 0, 250.50, 0, 350.50, 0, 0, 'NO_LIMIT',
              n % 1000 = 0, '{}', 'A', 0, 0, '2026-03-02', 1, now()
         FROM generate_series(1, $2) n`,
      [EXPORT_COMPANY, EXPORT_ROWS],
    );
    // No engine runs here: the state store's epoch is created as an engine would on an empty topic set,
    // or credit checks would answer 503 (the state is being rebuilt).
    const redis = new Redis(stack.engine.redis.url);
    await new RebuildMarker(redis, redisKeysOf(stack.engine)).begin(String(Date.now()), []);
    redis.disconnect();
    viewer = tokenFor(stack, ['viewer'], [EXPORT_COMPANY, LIVE_COMPANY], 'victor');
  });

  afterAll(async () => {
    await db?.destroy();
    await api?.close();
    await stack?.cleanup();
    await stopFaultInfrastructure(infra);
  });

  const csvPath = `/v1/companies/${EXPORT_COMPANY}/exposures.csv`;
  const stalledExports: StalledClient[] = [];

  it('answers credit checks while CSV clients stall, and refuses exports beyond the limit with 503', async () => {
    for (let i = 0; i < STALLED_EXPORTS; i++) {
      stalledExports.push(await stalledRequest(port, csvPath, { Authorization: `Bearer ${viewer}` }));
    }
    const statusClasses: Record<string, number> = {};
    for (const client of stalledExports) countClass(statusClasses, client.status);
    const streaming = stalledExports.filter((c) => c.status === 200);
    const refused = stalledExports.filter((c) => c.status === 503);

    const erp = tokenFor(stack, ['erp-service'], [EXPORT_COMPANY], 'erp');
    const checks = [];
    for (let i = 0; i < 5; i++) {
      checks.push(
        await request(api.getHttpServer())
          .post(`/v1/companies/${EXPORT_COMPANY}/customers/C-CHECK-${i}/credit-checks`)
          .set('Authorization', `Bearer ${erp}`)
          .send({ documentType: 'order', documentId: `SO-${i}`, amount: '10.00' }),
      );
    }
    const page = await request(api.getHttpServer())
      .get(`/v1/companies/${EXPORT_COMPANY}/exposures?limit=5`)
      .set('Authorization', `Bearer ${viewer}`);
    for (const r of [...checks, page]) countClass(statusClasses, r.status);
    reportFault({
      scenario: `${STALLED_EXPORTS} stalled CSV clients vs credit checks`,
      faults: STALLED_EXPORTS,
      events: 0,
      customers: EXPORT_ROWS,
      mismatches: checks.filter((r) => r.status !== 200).length + (page.status === 200 ? 0 : 1),
      lostNotifications: 0,
      requests: STALLED_EXPORTS + checks.length + 1,
      statusClasses,
      notes: `exports beyond API_EXPORT_CONCURRENCY=${EXPORT_CONCURRENCY} answered 503`,
    });
    expect(checks.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(page.status).toBe(200);
    expect(streaming).toHaveLength(EXPORT_CONCURRENCY);
    expect(refused).toHaveLength(STALLED_EXPORTS - EXPORT_CONCURRENCY);
    for (const client of refused) expect(client.head).toMatch(/^Retry-After: \d+$/im);
  });

  it('cuts off an export still streaming after its time bound, and frees its slot', async () => {
    const streaming = stalledExports.filter((c) => c.status === 200);
    expect(streaming).toHaveLength(EXPORT_CONCURRENCY);
    for (const client of stalledExports.filter((c) => c.status !== 200)) client.socket.destroy();
    // Past the bound the slots are free again: a client that reads gets the whole file
    // (a small one: the blocked customers, one in a thousand).
    const whole = await eventually(
      () =>
        request(api.getHttpServer())
          .get(`${csvPath}?blocked=true`)
          .set('Authorization', `Bearer ${viewer}`)
          .buffer(true)
          .parse((res, done) => {
            let text = '';
            res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
            res.on('end', () => done(null, text));
          }),
      (r) => r.status === 200,
      EXPORT_TIMEOUT_MS * 4,
      500,
    );
    const wholeText = whole.body as string;
    const received = await Promise.all(streaming.map((c) => c.drain()));
    const cut = received.filter((bytes) => !bytes.toString('latin1').endsWith('0\r\n\r\n'));
    reportFault({
      scenario: 'CSV export past API_EXPORT_TIMEOUT_MS',
      faults: streaming.length,
      events: 0,
      customers: EXPORT_ROWS,
      mismatches: streaming.length - cut.length,
      lostNotifications: 0,
      requests: streaming.length + 1,
      notes: 'stalled exports must end cut off (no final chunk); a reading client then gets its file',
    });
    expect(wholeText.split('\r\n').filter(Boolean)).toHaveLength(EXPORT_ROWS / 1000 + 1);
    // Cut off: no final (zero-length) chunk of a completed transfer, and far from all the rows.
    expect(cut).toHaveLength(streaming.length);
    for (const bytes of received) {
      expect(bytes.toString('latin1').split('\r\n').length).toBeLessThan(EXPORT_ROWS / 2);
    }
  });

  it('caps live streams per user with 429 and drops a stream whose client never reads', async () => {
    const live = `/v1/companies/${LIVE_COMPANY}/live`;
    const alice = tokenFor(stack, ['viewer'], [LIVE_COMPANY], 'alice');
    const bob = tokenFor(stack, ['viewer'], [LIVE_COMPANY], 'bob');
    const open = (token: string) =>
      stalledRequest(port, live, { Authorization: `Bearer ${token}`, Accept: 'text/event-stream' });
    const statusClasses: Record<string, number> = {};
    const stalled = await open(alice);
    const second = await open(alice);
    const other = await open(bob);
    for (const c of [stalled, second, other]) countClass(statusClasses, c.status);
    second.socket.destroy();
    // Bob keeps reading: he gets every event, while alice's stream is dropped.
    other.resume();

    // Far more than the bound and what the sockets hold: large events for the company.
    const changes = (client: StalledClient) =>
      client.received().toString('latin1').split('event: change\n').length - 1;
    const producer = new TestProducer(stack.kafka);
    await producer.connect();
    const padding = 'x'.repeat(256 * 1024);
    const events = 80;
    const step = 5;
    let bobs = 0;
    try {
      const send = (i: number) =>
        producer.raw(
          stack.api.kafka.topics.blocks,
          `${LIVE_COMPANY}:C-${i}`,
          JSON.stringify({
            eventId: `flood-${i}`,
            type: 'customer.blocked',
            companyId: LIVE_COMPANY,
            customerId: `C-${i}`,
            occurredAt: '2026-03-02T09:00:00Z',
            data: { padding },
          }),
        );
      // A few at a time, each step once bob has read the previous ones: he keeps up, alice never reads.
      for (let i = 0; i < events; i += step) {
        await Promise.all(Array.from({ length: step }, (_, k) => send(i + k)));
        bobs = await eventually(
          () => changes(other),
          (n) => n >= i + step,
          30_000,
          50,
        );
      }
    } finally {
      await producer.disconnect();
    }
    // Dropped: alice's slot is free again, so a new stream of hers is accepted.
    const again = await eventually(
      async () => {
        const client = await open(alice);
        client.socket.destroy();
        return client.status;
      },
      (status) => status === 200,
      30_000,
      500,
    );
    countClass(statusClasses, again);
    other.socket.destroy();
    const received = await stalled.drain();
    reportFault({
      scenario: 'live stream never read; streams per user',
      faults: 1,
      events,
      customers: events,
      mismatches: (second.status === 429 ? 0 : 1) + (other.status === 200 ? 0 : 1) + events - bobs,
      lostNotifications: 0,
      requests: 4,
      statusClasses,
      notes: `a reader got ${bobs} events; the stream never read was dropped (bound ${LIVE_MAX_BUFFER_BYTES} B unread)`,
    });
    expect(stalled.status).toBe(200);
    expect(second.status).toBe(429);
    expect(other.status).toBe(200);
    expect(bobs).toBe(events);
    // What reached the client is what the sockets held, never all the events.
    expect(received.length).toBeLessThan(events * padding.length);
  });

  it('answers liveness and readiness without a Kafka connection per probe and without internals', async () => {
    // A second instance whose bootstrap connections to the broker are counted: every new Kafka
    // client opens one. Postgres through the suite's proxy, which the test takes away.
    const kafkaDoor = new PostgresProxy(infra.broker.port);
    await kafkaDoor.start();
    const probed = await listening({ ...stack.env, KAFKA_BROKERS: `127.0.0.1:${kafkaDoor.port}` });
    const statusClasses: Record<string, number> = {};
    const get = async (path: string) => {
      const r = await request(probed.getHttpServer()).get(path);
      countClass(statusClasses, r.status);
      return r;
    };
    try {
      const live = await get('/health/live');
      expect(live.status).toBe(200);
      expect(live.body).toEqual({ status: 'ok' });
      const first = await get('/health');
      expect(first.status).toBe(200);
      const opened = kafkaDoor.accepted;
      // Probes further apart than any cache: each one really asks.
      for (let i = 0; i < 4; i++) {
        await new Promise((r) => setTimeout(r, 1_200));
        const ready = await get(i % 2 === 0 ? '/health' : '/health/ready');
        expect(ready.status).toBe(200);
        expect(ready.body).toEqual({
          status: 'ok',
          checks: {
            kafka: { status: 'up', latencyMs: expect.any(Number) },
            redis: { status: 'up', latencyMs: expect.any(Number) },
            postgres: { status: 'up', latencyMs: expect.any(Number) },
          },
        });
      }
      const newConnections = kafkaDoor.accepted - opened;

      await infra.postgres.cut();
      let away;
      try {
        away = await eventually(
          () => get('/health/ready'),
          (r) => r.status === 503,
          15_000,
          300,
        );
        expect((await get('/health/live')).status).toBe(200);
        expect((await get('/health')).status).toBe(503);
      } finally {
        await infra.postgres.restore();
      }
      reportFault({
        scenario: 'health probes, Postgres away',
        faults: 1,
        events: 0,
        customers: 0,
        mismatches: newConnections + (INTERNALS.test(JSON.stringify(away.body)) ? 1 : 0),
        lostNotifications: 0,
        requests: Object.values(statusClasses).reduce((a, b) => a + b, 0),
        statusClasses,
        notes: `${newConnections} new Kafka connections over 4 readiness probes`,
      });
      expect(newConnections).toBe(0);
      expect(away.body).toEqual({
        status: 'unavailable',
        checks: expect.objectContaining({ postgres: { status: 'down', latencyMs: expect.any(Number) } }),
      });
      expect(JSON.stringify(away.body)).not.toMatch(INTERNALS);
      await eventually(
        () => get('/health/ready'),
        (r) => r.status === 200,
        20_000,
        300,
      );
    } finally {
      await probed.close();
      await kafkaDoor.stop();
    }
  });
});
