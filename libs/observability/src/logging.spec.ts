import { Writable } from 'node:stream';
import { Controller, Get, INestApplication, Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import request from 'supertest';
import { AppLogLevel, createJsonLogger, useJsonLogs, withJsonLogs } from './logging';

@Controller('orders')
class OrdersController {
  private readonly logger = new Logger('Orders');

  @Get()
  list() {
    this.logger.log({ msg: 'listed', topic: 'erp.documents', partition: 1, offset: '42' });
    return [];
  }

  @Get('failing')
  failing() {
    this.logger.error({ msg: 'could not list' });
    return [];
  }
}

@Module({ controllers: [OrdersController] })
class OrdersModule {}

async function loggedApp(level: AppLogLevel, lines: Record<string, unknown>[]): Promise<INestApplication> {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  const logger = createJsonLogger('risk-api', level, sink);
  const app = await NestFactory.create(withJsonLogs(OrdersModule, logger), { bufferLogs: true });
  useJsonLogs(app, logger);
  await app.init();
  return app;
}

describe('JSON logs', () => {
  let app: INestApplication;
  const lines: Record<string, unknown>[] = [];

  beforeAll(async () => {
    app = await loggedApp('log', lines);
  });

  afterAll(() => app.close());

  it('writes one JSON object per line, with the request id on what is logged while serving it', async () => {
    lines.length = 0;
    const response = await request(app.getHttpServer()).get('/orders').set('x-request-id', 'req-7');
    expect(response.headers['x-request-id']).toBe('req-7');
    const listed = lines.find((l) => l.msg === 'listed');
    expect(listed).toMatchObject({
      level: 'info',
      service: 'risk-api',
      context: 'Orders',
      requestId: 'req-7',
      topic: 'erp.documents',
      partition: 1,
      offset: '42',
    });
    expect(listed!.time).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    const completed = lines.find((l) => l.msg === 'request completed');
    expect(completed).toMatchObject({ requestId: 'req-7', res: { statusCode: 200 } });
    expect(JSON.stringify(lines)).not.toMatch(/authorization/i);
  });

  it('gives a request without a usable id a new one, and echoes it', async () => {
    lines.length = 0;
    const response = await request(app.getHttpServer())
      .get('/orders')
      .set('x-request-id', 'bad id with spaces');
    const id = response.headers['x-request-id'];
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(lines.find((l) => l.msg === 'listed')).toMatchObject({ requestId: id });
  });
});

describe('JSON logs at error level (as deployed under load)', () => {
  let app: INestApplication;
  const lines: Record<string, unknown>[] = [];

  beforeAll(async () => {
    app = await loggedApp('error', lines);
  });

  afterAll(() => app.close());

  it('still binds the request id to what a request logs, and writes no completion lines', async () => {
    lines.length = 0;
    await request(app.getHttpServer()).get('/orders/failing').set('x-request-id', 'req-9');
    await request(app.getHttpServer()).get('/orders');
    // The sink is written asynchronously.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(lines).toEqual([
      expect.objectContaining({ level: 'error', msg: 'could not list', requestId: 'req-9' }),
    ]);
  });
});
