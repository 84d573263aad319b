import { Logger } from '@nestjs/common';
import { readDeadLetter } from '@credit/contracts';
import { InboundBatch } from '@credit/kafka';
import { DeadLettersRepository, NewDeadLetter } from '@credit/postgres';

/**
 * Projects the dead-letter topic into Postgres (dead_letter): one row per
 * rejected input, keyed by its deterministic eventId, so a batch read again
 * (after a crash or a rebalance) is harmless. A message that is not a dead
 * letter (its headers do not follow the schema) is logged once and skipped.
 */
export class DeadLetterIntake {
  private readonly logger = new Logger('DeadLetterIntake');

  constructor(private readonly repository: DeadLettersRepository) {}

  async handle(batch: InboundBatch): Promise<'folded'> {
    const letters: NewDeadLetter[] = [];
    for (const message of batch.messages) {
      const read = readDeadLetter(message.key, message.value, message.headers ?? {});
      if (!read.ok) {
        this.logger.warn({
          msg: `not a dead letter, skipped: ${read.message}`,
          topic: message.topic,
          partition: message.partition,
          offset: message.offset,
        });
        continue;
      }
      const { letter } = read;
      const { record } = letter;
      letters.push({
        eventId: record.eventId,
        reason: record.reason,
        field: record.field ?? null,
        message: record.message,
        sourceTopic: record.source.topic,
        sourcePartition: record.source.partition,
        sourceOffset: record.source.offset,
        sourceKey: letter.key,
        sourceTimestamp: record.source.timestamp,
        original: letter.value,
        companyId: letter.companyId,
        customerId: letter.customerId,
        eventType: letter.eventType,
        occurredAt: record.occurredAt,
      });
    }
    await this.repository.record(letters);
    return 'folded';
  }
}
