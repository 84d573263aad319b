import { createHmac } from 'node:crypto';
import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import request from 'supertest';
import { INestApplication } from '@nestjs/common';
import { startMailCatcher, MailCatcher } from '../../apps/notifier/src/mail-catcher';
import { NotifierProcess } from '../support/engine-process';
import { isolatedStack, IsolatedStack } from '../support/isolated-stack';
import { eventually, TestProducer, TopicRecorder } from '../support/kafka-io';
import { startApi, startEngine, startNotifier, TestClock, tokenFor } from '../support/running-apps';

const COMPANY = 'IT01';
const AGENT_EMAIL = 'giulia.verdi@example.com';
const ADMIN_EMAIL = 'credito@example.com';
const SECRET = 'whsec-0123456789abcdef';

interface Hook {
  headers: IncomingMessage['headers'];
  body: string;
}

/** A local webhook endpoint that records every call; answers 503 while `failing`. */
async function startWebhookServer(): Promise<{
  url: string;
  calls: Hook[];
  failing: boolean;
  close(): Promise<void>;
}> {
  const state = {
    url: '',
    calls: [] as Hook[],
    failing: false,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (state.failing) {
        res.writeHead(503).end('down');
        return;
      }
      state.calls.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/credit`;
  return state;
}

describe('alerts: notifier e-mails, webhooks and inbox (spec section 10)', () => {
  let stack: IsolatedStack;
  let api: INestApplication;
  let engine: INestApplication;
  let notifier: NotifierProcess;
  let mail: MailCatcher;
  let hooks: Awaited<ReturnType<typeof startWebhookServer>>;
  let producer: TestProducer;
  let recorder: TopicRecorder;
  let admin: string;
  let manager: string;
  let maria: string;
  const clock = new TestClock(new Date('2026-03-02T09:00:00Z'));

  const http = () => request(api.getHttpServer());
  const put = (path: string, body: object, token = manager) =>
    http().put(`/v1/companies/${COMPANY}${path}`).set('Authorization', `Bearer ${token}`).send(body);
  const deliveries = async (query = '') =>
    (
      await http()
        .get(`/v1/companies/${COMPANY}/notifications?limit=500${query}`)
        .set('Authorization', `Bearer ${manager}`)
        .expect(200)
    ).body.items as {
      deliveryId: string;
      subscriptionId: string;
      eventId: string;
      status: string;
      attempts: { outcome: string }[];
      attemptCount: number;
    }[];

  /** A customer with a name and agent AG-07, a limit of 1000.00, then an order of `order`: a breach. */
  const breach = async (customerId: string, order = '1500.00') => {
    const topics = stack.engine.kafka.topics;
    const base = { companyId: COMPANY, customerId };
    await producer.events(topics.customers, [
      {
        ...base,
        eventId: `cust-${customerId}`,
        type: 'customer.updated',
        data: { name: `Rossi Forniture ${customerId}`, salesAgentId: 'AG-07' },
      },
    ]);
    await producer.events(topics.creditLimits, [
      {
        ...base,
        eventId: `lim-${customerId}`,
        type: 'creditLimit.set',
        data: { amount: '1000.00', mode: 'warn', attentionThresholdPct: 80, setBy: 'cm' },
      },
    ]);
    // The limit first, so that the order is what breaches it.
    await eventually(
      () =>
        http()
          .get(`/v1/companies/${COMPANY}/customers/${customerId}/exposure`)
          .set('Authorization', `Bearer ${manager}`),
      (r) => r.status === 200 && r.body.limit?.amount === '1000.00',
    );
    await producer.events(topics.documents, [
      {
        ...base,
        eventId: `ord-${customerId}`,
        type: 'order.confirmed',
        data: { orderId: `SO-${customerId}`, amount: order },
      },
    ]);
  };

  /** The breach events (status to EXCEEDED) of these customers, as published. */
  const breachEvents = (customerIds: string[]) =>
    recorder
      .json(stack.engine.kafka.topics.breaches)
      .filter(
        (e) =>
          e.type === 'exposure.statusChanged' &&
          customerIds.includes(e.customerId as string) &&
          (e.data as { to: string }).to === 'EXCEEDED',
      );

  beforeAll(async () => {
    mail = await startMailCatcher();
    hooks = await startWebhookServer();
    stack = await isolatedStack({
      NOTIFIER_SMTP_URL: `smtp://127.0.0.1:${mail.port}`,
      NOTIFIER_FROM: 'credit-desk@example.com',
      NOTIFIER_DESK_BASE_URL: 'https://desk.example.com/desk/',
      NOTIFIER_COMPANY_LANGUAGES: `${COMPANY}=it`,
      NOTIFIER_LANGUAGE: 'en',
      NOTIFIER_RETRY_INITIAL_DELAY_MS: '200',
      NOTIFIER_RETRY_MAX_DELAY_MS: '400',
      NOTIFIER_RETRY_PERIOD_MS: '3000',
      NOTIFIER_POLL_INTERVAL_MS: '100',
      NOTIFIER_SEND_TIMEOUT_MS: '2000',
    });
    const topics = stack.engine.kafka.topics;
    recorder = new TopicRecorder(stack.kafka, [topics.breaches, topics.notifications], `rec-${stack.id}`);
    await recorder.start();
    producer = new TestProducer(stack.kafka);
    await producer.connect();
    api = await startApi(stack);
    engine = await startEngine(stack, clock);
    admin = tokenFor(stack, ['admin'], [COMPANY], 'admin-anna');
    manager = tokenFor(stack, ['credit-manager'], [COMPANY], 'cm-carla');
    maria = tokenFor(stack, ['viewer'], [COMPANY], 'maria');

    await put('/sales-agents/AG-07', { name: 'Giulia Verdi', email: AGENT_EMAIL }, admin).expect(201);
    const breachesOnly = {
      eventTypes: ['exposure.statusChanged'],
      filter: { minExcess: '100.00' },
      enabled: true,
    };
    await put('/subscriptions/admin-mail', { ...breachesOnly, channel: 'email', target: ADMIN_EMAIL }).expect(
      201,
    );
    await put('/subscriptions/agent-mail', {
      ...breachesOnly,
      channel: 'email',
      target: 'sales-agent',
      filter: { minExcess: '100.00', salesAgentIds: ['AG-07'] },
    }).expect(201);
    await put('/subscriptions/erp-hook', {
      ...breachesOnly,
      channel: 'webhook',
      target: hooks.url,
      secret: SECRET,
    }).expect(201);
    await put('/subscriptions/maria-inbox', { ...breachesOnly, channel: 'inbox', target: 'maria' }).expect(
      201,
    );
    // Never matches: another customer, another agent, a class nobody has here.
    await put('/subscriptions/elsewhere', {
      ...breachesOnly,
      channel: 'email',
      target: 'nobody@example.com',
      filter: { customerIds: ['C-OTHER'] },
    }).expect(201);
    await put('/subscriptions/disabled', {
      ...breachesOnly,
      channel: 'email',
      target: 'off@example.com',
      enabled: false,
    }).expect(201);

    notifier = new NotifierProcess(stack);
    notifier.start();
  });

  afterAll(async () => {
    await notifier?.kill();
    await producer?.disconnect();
    await recorder?.stop();
    await engine?.close();
    await api?.close();
    await hooks?.close();
    await mail?.close();
    await stack?.cleanup();
  });

  it('validates subscriptions and agents, naming the field, and never returns the secret', async () => {
    const base = {
      channel: 'email',
      target: 'a@example.com',
      eventTypes: ['exposure.statusChanged'],
      enabled: true,
    };
    const problems = async (body: object) =>
      JSON.stringify((await put('/subscriptions/bad', body).expect(400)).body.message);
    expect(await problems({ ...base, eventTypes: ['exposure.exploded'] })).toContain(
      'eventTypes must contain only known event types',
    );
    expect(await problems({ ...base, target: 'not-an-address' })).toContain(
      'target must be an e-mail address',
    );
    expect(
      await problems({ ...base, channel: 'webhook', target: 'ftp://x.example.com', secret: SECRET }),
    ).toContain('target must be an http(s) URL');
    expect(await problems({ ...base, channel: 'webhook', target: hooks.url, secret: 'short' })).toContain(
      'secret must be at least 16 characters',
    );
    expect(await problems({ ...base, channel: 'webhook', target: hooks.url })).toContain(
      'secret is required',
    );
    expect(await problems({ ...base, filter: { minExcess: 12 } })).toContain(
      'filter.minExcess must be a money string',
    );
    expect(await problems({ ...base, filter: { riskClasses: ['Z'] } })).toContain('filter.riskClasses');
    expect(
      JSON.stringify(
        (await put('/sales-agents/AG-09', { name: 'X', email: 'nope' }, admin).expect(400)).body.message,
      ),
    ).toContain('email must be an e-mail address');
    // Only admins manage agents; viewers read them.
    await put('/sales-agents/AG-09', { name: 'X', email: 'x@example.com' }, manager).expect(403);
    await http()
      .get(`/v1/companies/${COMPANY}/sales-agents/AG-07`)
      .set('Authorization', `Bearer ${maria}`)
      .expect(200);

    const hook = (
      await http()
        .get(`/v1/companies/${COMPANY}/subscriptions/erp-hook`)
        .set('Authorization', `Bearer ${manager}`)
        .expect(200)
    ).body;
    expect(hook).toMatchObject({ channel: 'webhook', hasSecret: true });
    expect(JSON.stringify(hook)).not.toContain(SECRET);
    const list = await http()
      .get(`/v1/companies/${COMPANY}/subscriptions?limit=50`)
      .set('Authorization', `Bearer ${manager}`);
    expect(JSON.stringify(list.body)).not.toContain(SECRET);
    // Every change is audited, the secret never.
    const audit = (
      await http()
        .get(`/v1/companies/${COMPANY}/alert-changes?limit=500`)
        .set('Authorization', `Bearer ${manager}`)
        .expect(200)
    ).body.items as {
      action: string;
      subjectId: string;
      changedBy: string;
      after: Record<string, unknown>;
    }[];
    expect(audit.find((c) => c.subjectId === 'erp-hook')).toMatchObject({
      action: 'subscription.created',
      changedBy: 'cm-carla',
      after: { channel: 'webhook', hasSecret: true, secretChanged: true },
    });
    expect(audit.find((c) => c.subjectId === 'AG-07')).toMatchObject({
      action: 'sales-agent.created',
      changedBy: 'admin-anna',
    });
    expect(JSON.stringify(audit)).not.toContain(SECRET);
  });

  it('a limit breach gives one e-mail per matching subscription (the agent too), one signed webhook, one inbox entry', async () => {
    await breach('C1');
    const [event] = await eventually(
      () => breachEvents(['C1']),
      (events) => events.length === 1,
    );
    await eventually(
      () => deliveries(),
      (rows) => rows.filter((r) => r.eventId === event.eventId && r.status === 'delivered').length === 4,
    );
    // Settled: nothing more arrives.
    await new Promise((r) => setTimeout(r, 1000));

    const mails = mail.received.filter((m) => m.headers['x-credit-event-id'] === event.eventId);
    expect(mails.map((m) => m.to.join()).sort()).toEqual([ADMIN_EMAIL, AGENT_EMAIL].sort());
    for (const m of mails) {
      expect(m.subject).toContain('C1 Rossi Forniture C1');
      expect(m.subject).toContain('fido superato'); // IT01 writes in Italian
      expect(m.text).toContain('Esposizione: 1500.00');
      expect(m.text).toContain('Fido: 1000.00');
      expect(m.text).toContain('https://desk.example.com/desk/#/customers/C1');
    }

    const calls = hooks.calls.filter((c) => c.headers['x-credit-event-id'] === event.eventId);
    expect(calls).toHaveLength(1);
    const expected = `sha256=${createHmac('sha256', SECRET).update(calls[0].body).digest('hex')}`;
    expect(calls[0].headers['x-credit-signature']).toBe(expected);
    expect(JSON.parse(calls[0].body)).toEqual(event);

    const inbox = (
      await http().get('/v1/me/inbox?unread=true').set('Authorization', `Bearer ${maria}`).expect(200)
    ).body;
    expect(inbox.items.filter((i: { eventId: string }) => i.eventId === event.eventId)).toHaveLength(1);
    const entry = inbox.items.find((i: { eventId: string }) => i.eventId === event.eventId);
    expect(entry).toMatchObject({ customerId: 'C1', customerName: 'Rossi Forniture C1', readAt: null });
    await http()
      .post(`/v1/me/inbox/${entry.deliveryId}/read`)
      .set('Authorization', `Bearer ${maria}`)
      .expect(200);
    const after = (
      await http().get('/v1/me/inbox?unread=true').set('Authorization', `Bearer ${maria}`).expect(200)
    ).body;
    expect(after.items.map((i: { eventId: string }) => i.eventId)).not.toContain(event.eventId);
    // Another user cannot read or mark maria's entries.
    const luca = tokenFor(stack, ['viewer'], [COMPANY], 'luca');
    expect(
      (await http().get('/v1/me/inbox').set('Authorization', `Bearer ${luca}`).expect(200)).body.total,
    ).toBe(0);
    await http()
      .post(`/v1/me/inbox/${entry.deliveryId}/read`)
      .set('Authorization', `Bearer ${luca}`)
      .expect(404);

    const rows = (await deliveries()).filter((r) => r.eventId === event.eventId);
    expect(rows.map((r) => r.subscriptionId).sort()).toEqual([
      'admin-mail',
      'agent-mail',
      'erp-hook',
      'maria-inbox',
    ]);
    for (const row of rows.filter((r) => r.subscriptionId !== 'maria-inbox'))
      expect(row.attempts.map((a) => a.outcome)).toEqual(['delivered']);

    const outcomes = await eventually(
      () =>
        recorder.json(stack.engine.kafka.topics.notifications).filter((n) => n.causationId === event.eventId),
      (list) => list.length === 4,
    );
    expect(outcomes.every((n) => n.type === 'notification.delivered' && n.customerId === 'C1')).toBe(true);
  });

  it('a broken promise to pay on risk.collections e-mails the sales agent of the customer, in the language of the company', async () => {
    await put('/subscriptions/agent-promises', {
      eventTypes: ['promise.broken', 'dunning.levelReached'],
      channel: 'email',
      target: 'sales-agent',
      enabled: true,
    }).expect(201);
    const topics = stack.engine.kafka.topics;
    const base = { companyId: COMPANY, customerId: 'C-PB' };
    await producer.events(topics.customers, [
      {
        ...base,
        eventId: 'cust-C-PB',
        type: 'customer.updated',
        data: { name: 'Bianchi C-PB', salesAgentId: 'AG-07' },
      },
    ]);
    await eventually(
      () =>
        http()
          .get(`/v1/companies/${COMPANY}/customers/C-PB/exposure`)
          .set('Authorization', `Bearer ${manager}`),
      (r) => r.status === 200,
    );
    // As the engine publishes it (the engine's own tests cover when it does).
    const broken = {
      ...base,
      eventId: 'promise-broken-C-PB-p1',
      type: 'promise.broken',
      data: {
        caseId: 'C-PB:2026-01-31',
        promiseId: 'p1',
        amount: '700.00',
        date: '2026-03-01',
        paidSince: '0.00',
      },
    };
    await producer.events(topics.collections, [broken]);
    const [sent] = await eventually(
      () => mail.received.filter((m) => m.headers['x-credit-event-id'] === broken.eventId),
      (list) => list.length === 1,
    );
    expect(sent.to).toEqual([AGENT_EMAIL]);
    expect(sent.subject).toBe(
      '[IT01] C-PB Bianchi C-PB: promessa di pagamento non mantenuta: 700.00 entro il 2026-03-01',
    );
    expect(sent.text).toContain('Pratica di recupero: C-PB:2026-01-31');
    expect(sent.text).toContain('https://desk.example.com/desk/#/customers/C-PB');
  });

  it('retries a failing webhook with back-off, lists it as failed after the retry period, and the retry route delivers it', async () => {
    hooks.failing = true;
    await breach('C2');
    const [event] = await eventually(
      () => breachEvents(['C2']),
      (events) => events.length === 1,
    );
    const failed = await eventually(
      () => deliveries('&status=failed&subscriptionId=erp-hook'),
      (rows) => rows.some((r) => r.eventId === event.eventId),
      20_000,
    );
    const row = failed.find((r) => r.eventId === event.eventId)!;
    expect(row.attemptCount).toBeGreaterThanOrEqual(3);
    expect(row.attempts.every((a) => a.outcome === 'error')).toBe(true);
    await eventually(
      () => recorder.json(stack.engine.kafka.topics.notifications),
      (list) => list.some((n) => n.type === 'notification.failed' && n.causationId === event.eventId),
    );
    expect(hooks.calls.filter((c) => c.headers['x-credit-event-id'] === event.eventId)).toHaveLength(0);

    hooks.failing = false;
    // Only a failed delivery can be re-sent.
    const delivered = (await deliveries('&status=delivered'))[0];
    await http()
      .post(`/v1/companies/${COMPANY}/notifications/${delivered.deliveryId}/retry`)
      .set('Authorization', `Bearer ${manager}`)
      .expect(409);
    const retried = await http()
      .post(`/v1/companies/${COMPANY}/notifications/${row.deliveryId}/retry`)
      .set('Authorization', `Bearer ${manager}`)
      .expect(202);
    expect(retried.body.status).toBe('pending');
    const audit = await http()
      .get(`/v1/companies/${COMPANY}/alert-changes`)
      .set('Authorization', `Bearer ${manager}`)
      .expect(200);
    expect(audit.body.items[0]).toMatchObject({ action: 'notification.retried', subjectId: row.deliveryId });
    await eventually(
      () => deliveries('&subscriptionId=erp-hook'),
      (rows) => rows.some((r) => r.deliveryId === row.deliveryId && r.status === 'delivered'),
    );
    const calls = hooks.calls.filter((c) => c.headers['x-credit-event-id'] === event.eventId);
    expect(calls).toHaveLength(1);
    expect(calls[0].headers['x-credit-signature']).toBe(
      `sha256=${createHmac('sha256', SECRET).update(calls[0].body).digest('hex')}`,
    );
  });

  it('loses nothing while the SMTP server is down: the e-mails go once it is back', async () => {
    mail.setDown(true);
    await breach('C3');
    const [event] = await eventually(
      () => breachEvents(['C3']),
      (events) => events.length === 1,
    );
    await eventually(
      () => deliveries('&subscriptionId=admin-mail'),
      (rows) =>
        rows.some((r) => r.eventId === event.eventId && r.attempts.some((a) => a.outcome === 'error')),
    );
    mail.setDown(false);
    await eventually(
      () => deliveries(),
      (rows) =>
        rows.filter(
          (r) =>
            r.eventId === event.eventId && r.subscriptionId.endsWith('-mail') && r.status === 'delivered',
        ).length === 2,
    );
    const mails = mail.received.filter((m) => m.headers['x-credit-event-id'] === event.eventId);
    expect(mails.map((m) => m.to.join()).sort()).toEqual([ADMIN_EMAIL, AGENT_EMAIL].sort());
  });

  it('SIGKILLed mid-stream and restarted, the notifier loses nothing and creates no delivery twice', async () => {
    const customers = Array.from({ length: 30 }, (_, i) => `K${String(i).padStart(2, '0')}`);
    const before = mail.received.length;
    await Promise.all(customers.map((c) => breach(c)));
    await eventually(
      () => mail.received.length,
      (n) => n > before + 2,
      30_000,
      20,
    );
    await notifier.kill();
    notifier.start();
    const events = await eventually(
      () => breachEvents(customers),
      (list) => list.length === customers.length,
    );
    const ids = new Set(events.map((e) => e.eventId as string));
    const rows = await eventually(
      () => deliveries(),
      (list) => list.filter((r) => ids.has(r.eventId) && r.status === 'delivered').length === ids.size * 4,
      60_000,
    );
    // One delivery per subscription and event, whatever was redelivered to the restarted consumer.
    const keys = rows.filter((r) => ids.has(r.eventId)).map((r) => `${r.subscriptionId}/${r.eventId}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).toHaveLength(ids.size * 4);
    // Every event reached every recipient. A send the kill interrupted after the server took it is sent again
    // (at least once in transport) with the same Message-ID, so a mail client shows it once.
    for (const recipient of [ADMIN_EMAIL, AGENT_EMAIL]) {
      const got = mail.received.filter(
        (m) => m.to.includes(recipient) && ids.has(m.headers['x-credit-event-id']),
      );
      expect(new Set(got.map((m) => m.headers['x-credit-event-id'])).size).toBe(ids.size);
      expect(new Set(got.map((m) => m.headers['message-id'])).size).toBe(ids.size);
    }
    const got = hooks.calls.filter((c) => ids.has(String(c.headers['x-credit-event-id'])));
    expect(new Set(got.map((c) => c.headers['x-credit-event-id'])).size).toBe(ids.size);
  });

  it('a replay of the output topics from the start (a new consumer group) delivers nothing again', async () => {
    const mailsBefore = mail.received.length;
    const hooksBefore = hooks.calls.length;
    const deliveriesBefore = (await deliveries()).length;
    await notifier.kill();
    const groupId = `replay-${stack.id}`;
    notifier = new NotifierProcess(stack, { NOTIFIER_GROUP_ID: groupId });
    notifier.start();
    const admin = stack.kafka.admin();
    await admin.connect();
    try {
      const topics = [stack.engine.kafka.topics.breaches, stack.engine.kafka.topics.blocks];
      const ends = new Map<string, string>();
      for (const topic of topics)
        for (const p of await admin.fetchTopicOffsets(topic)) ends.set(`${topic}/${p.partition}`, p.high);
      // Wait until the new group has read every partition to its end.
      await eventually(
        async () => admin.fetchOffsets({ groupId, topics }),
        (offsets) =>
          offsets.every(({ topic, partitions }) =>
            partitions.every((p) => {
              const end = ends.get(`${topic}/${p.partition}`);
              return p.offset === end || (end === '0' && p.offset === '-1'); // an empty partition has no offset
            }),
          ),
        60_000,
        200,
      );
      await new Promise((r) => setTimeout(r, 1000));
      expect((await deliveries()).length).toBe(deliveriesBefore);
      expect(mail.received.length).toBe(mailsBefore);
      expect(hooks.calls.length).toBe(hooksBefore);
    } finally {
      await notifier.kill();
      await admin.deleteGroups([groupId]).catch(() => undefined);
      await admin.disconnect();
    }
  });

  it('gathers a day of events of a daily subscription into one digest message, sent once the day is over', async () => {
    const notifierClock = new TestClock(new Date('2026-03-02T09:00:00Z'));
    const inProcess = await startNotifier(stack, notifierClock);
    try {
      await put('/subscriptions/daily', {
        channel: 'email',
        target: 'digest@example.com',
        eventTypes: ['exposure.statusChanged'],
        filter: { customerIds: ['D1', 'D2'], minExcess: '0.01' },
        digest: 'daily',
        enabled: true,
      }).expect(201);
      await breach('D1');
      await breach('D2', '2500.00');
      const events = await eventually(
        () => breachEvents(['D1', 'D2']),
        (list) => list.length === 2,
      );
      await eventually(
        () => deliveries('&subscriptionId=daily&status=queued'),
        (rows) => rows.length === 2,
      );
      await new Promise((r) => setTimeout(r, 500));
      expect(mail.received.filter((m) => m.to.includes('digest@example.com'))).toHaveLength(0);

      notifierClock.set('2026-03-03T06:00:00Z'); // the next day in Rome
      const digests = await eventually(
        () => mail.received.filter((m) => m.to.includes('digest@example.com')),
        (list) => list.length === 1,
      );
      await new Promise((r) => setTimeout(r, 500));
      expect(mail.received.filter((m) => m.to.includes('digest@example.com'))).toHaveLength(1);
      expect(digests[0].subject).toContain('2026-03-02');
      expect(digests[0].subject).toContain('2 eventi');
      expect(digests[0].text).toContain('D1 Rossi Forniture D1');
      expect(digests[0].text).toContain('D2 Rossi Forniture D2');
      expect(digests[0].text).toContain('2500.00');
      const rows = await deliveries('&subscriptionId=daily');
      expect(
        rows
          .filter((r) => r.status === 'digested')
          .map((r) => r.eventId)
          .sort(),
      ).toEqual(events.map((e) => e.eventId).sort());
      expect(rows.filter((r) => r.status === 'delivered')).toHaveLength(1);
    } finally {
      await inProcess.close();
    }
  });
});
