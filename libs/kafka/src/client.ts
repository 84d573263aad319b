import { Kafka, logCreator, logLevel as KafkaLogLevel } from 'kafkajs';
import { KafkaSettings } from '@credit/config';
import { jsonLogger } from '../../observability/src/logging';

const LEVELS: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [KafkaLogLevel.ERROR]: 'error',
  [KafkaLogLevel.WARN]: 'warn',
  [KafkaLogLevel.INFO]: 'info',
  [KafkaLogLevel.DEBUG]: 'debug',
};

/**
 * What kafkajs reports while it retries by itself: a broker or a group
 * coordinator not ready yet, a rebalance, a connection refused while a broker
 * restarts. Expected in a cluster's normal life; the retry succeeds or the
 * health check says the cluster is down.
 */
const EXPECTED = new RegExp(
  [
    'coordinator',
    'not the leader',
    'leadership election',
    'rebalanc',
    'Restarting the consumer',
    'ECONNREFUSED',
    'Connection (error|timeout)',
    'Request timed out',
    'not available',
    'does not host this topic-partition',
    'topic or partition that does not exist',
  ].join('|'),
  'i',
);

/** How long an expected retry, once logged, is only logged again at debug. */
const REPEAT_QUIET_MS = 60_000;

/**
 * kafkajs's log entries as JSON lines through the process's pino logger
 * (libs/observability): the entry's fields (broker, groupId, topic,
 * partition...) as fields. An expected retry is a warning, logged once a
 * minute without its stack (repeats go to debug); an unexpected error keeps
 * its stack.
 */
export function kafkaLogCreator(clientId: string): logCreator {
  const lastLogged = new Map<string, number>();
  return () =>
    ({ namespace, level, log }) => {
      const { message, timestamp: _timestamp, logger: _logger, stack, ...fields } = log;
      const logger = jsonLogger();
      const expected =
        log.retriable === true || EXPECTED.test(message) || EXPECTED.test(String(fields.error ?? ''));
      const entry: Record<string, unknown> = { context: 'kafkajs', namespace, clientId, ...fields };
      if (!expected) {
        if (stack !== undefined && level === KafkaLogLevel.ERROR) entry.stack = stack;
        logger[LEVELS[level] ?? 'info'](entry, message);
        return;
      }
      const key = `${namespace}|${message}|${String(fields.error ?? '')}`;
      const now = Date.now();
      const last = lastLogged.get(key);
      if (last !== undefined && now - last < REPEAT_QUIET_MS) {
        logger.debug(entry, message);
        return;
      }
      if (lastLogged.size >= 1000) lastLogged.clear();
      lastLogged.set(key, now);
      logger.warn({ ...entry, expectedRetry: true }, message);
    };
}

export function createKafka(settings: KafkaSettings, clientSuffix: string): Kafka {
  process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
  const clientId = `${settings.clientId}-${clientSuffix}`;
  return new Kafka({
    clientId,
    brokers: settings.brokers,
    logLevel: KafkaLogLevel.WARN,
    retry: { initialRetryTime: 200, retries: 10 },
    logCreator: kafkaLogCreator(clientId),
  });
}
