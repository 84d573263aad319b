import { Kafka, logLevel as KafkaLogLevel, LogEntry } from 'kafkajs';
import { Logger } from '@nestjs/common';
import { KafkaSettings } from '@credit/config';

const levels: Record<number, 'error' | 'warn' | 'log' | 'debug'> = {
  [KafkaLogLevel.ERROR]: 'error',
  [KafkaLogLevel.WARN]: 'warn',
  [KafkaLogLevel.INFO]: 'log',
  [KafkaLogLevel.DEBUG]: 'debug',
};

/** kafkajs logs through Nest's logger; errors it retries by itself are only worth a warning. */
export function createKafka(settings: KafkaSettings, clientSuffix: string): Kafka {
  process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
  const logger = new Logger('kafkajs');
  return new Kafka({
    clientId: `${settings.clientId}-${clientSuffix}`,
    brokers: settings.brokers,
    logLevel: KafkaLogLevel.WARN,
    retry: { initialRetryTime: 200, retries: 10 },
    logCreator:
      () =>
      ({ level, log }: LogEntry) => {
        const { message, ...extra } = log;
        const method =
          log.retriable === true || log.error?.includes?.('coordinator') ? 'warn' : levels[level];
        logger[method ?? 'log'](`${message} ${JSON.stringify(extra)}`);
      },
  });
}
