import { Writable } from 'node:stream';
import pino from 'pino';
import { logLevel } from 'kafkajs';
import { jsonLogger, setJsonLogger } from '../../observability/src/logging';
import { kafkaLogCreator } from './client';

/** The JSON lines logged while `run` runs, parsed. */
function captured(run: () => void): Record<string, unknown>[] {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  const before = jsonLogger();
  setJsonLogger(pino({ level: 'debug', formatters: { level: (label) => ({ level: label }) } }, sink));
  try {
    run();
  } finally {
    setJsonLogger(before);
  }
  return lines.map((line) => JSON.parse(line));
}

describe('kafkaLogCreator', () => {
  const crash = {
    namespace: 'Consumer',
    level: logLevel.ERROR,
    label: 'ERROR',
    log: {
      timestamp: '2026-03-01T10:00:00.000Z',
      logger: 'kafkajs',
      message:
        "Crash: KafkaJSProtocolError: The coordinator is loading and hence can't process requests for this group",
      groupId: 'engine',
      stack: 'KafkaJSProtocolError: The coordinator is loading\n    at createErrorFromCode (...)',
    },
  };

  it('logs an expected retry once at warn, without its stack, and its repeats at debug', () => {
    const log = kafkaLogCreator('credit-exposure-engine')(logLevel.WARN);
    const lines = captured(() => {
      log(crash);
      log(crash);
    });
    expect(lines.map((l) => l.level)).toEqual(['warn', 'debug']);
    expect(lines[0]).toMatchObject({
      context: 'kafkajs',
      namespace: 'Consumer',
      groupId: 'engine',
      expectedRetry: true,
      msg: crash.log.message,
    });
    expect(lines[0]).not.toHaveProperty('stack');
  });

  it('keeps the level and the stack of an unexpected error, with its fields as fields', () => {
    const log = kafkaLogCreator('credit-exposure-engine')(logLevel.WARN);
    const [line] = captured(() =>
      log({
        namespace: 'Producer',
        level: logLevel.ERROR,
        label: 'ERROR',
        log: {
          timestamp: '2026-03-01T10:00:00.000Z',
          logger: 'kafkajs',
          message: 'Message batch too large',
          topic: 'erp.documents',
          partition: 2,
          stack: 'KafkaJSError: Message batch too large\n    at ...',
        },
      }),
    );
    expect(line).toMatchObject({
      level: 'error',
      topic: 'erp.documents',
      partition: 2,
      msg: 'Message batch too large',
    });
    expect(String(line.stack)).toMatch(/^KafkaJSError/);
  });
});
