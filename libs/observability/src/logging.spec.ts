import { Writable } from 'node:stream';
import { Controller, Get, INestApplication, Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import request from 'supertest';
import { createJsonLogger, useJsonLogs, withJsonLogs } from './logging';

@Controller('orders')
class OrdersController {
  private readonly logger = new Logger('Orders');

  @Get()
  list() {
    this.logger.log({ msg: 'listed', topic: 'erp.documents', partition: 1, offset: '42' });
    return [];
  }
}

@Module({ controllers: [OrdersController] })
class OrdersModule {}

describe('JSON logs', () => {
  let app: INestApplication;
  const lines: Record<string, unknown>[] = [];

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    });
    const logger = createJsonLogger('risk-api', 'log', sink);
    app = await NestFactory.create(withJsonLogs(OrdersModule, logger), { bufferLogs: true });
    useJsonLogs(app, logger);
    await app.init();
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
