import { isUtf8 } from 'node:buffer';
import {
  BadRequestException,
  ConflictException,
  ForbiddenException,
  NotFoundException,
} from '@nestjs/common';
import { TopicNames } from '@credit/config';
import { decodeInputEvent, InputStream, REDRIVEN_FROM_HEADER, redrivenEventId } from '@credit/contracts';
import { Principal } from '@credit/auth';
import {
  DeadLetterFilter,
  DeadLetterReasonCount,
  DeadLetterRedriveRow,
  DeadLetterRow,
  DeadLettersRepository,
} from '@credit/postgres';

/** A dead letter as listed: what was rejected, why, from where, and whether it was re-driven. */
export interface DeadLetterSummary {
  eventId: string;
  reason: string;
  field: string | null;
  message: string;
  source: { topic: string; partition: number; offset: string; timestamp: string | null };
  companyId: string | null;
  customerId: string | null;
  eventType: string | null;
  occurredAt: string;
  redrive: { newEventId: string; by: string; at: string } | null;
}

/** One dead letter in full: the original key and value, and the re-drive with its corrected copy. */
export interface DeadLetterDetail extends DeadLetterSummary {
  /** The original key as text (null when absent or not UTF-8: see keyBase64). */
  key: string | null;
  keyBase64: string | null;
  /** The original value as text (null for a tombstone or bytes that are not UTF-8: see originalBase64). */
  original: string | null;
  originalBase64: string | null;
  redriven: RedriveTrail | null;
}

/** The trail of a re-drive: who sent which corrected copy, when, where and under which new eventId. */
export interface RedriveTrail {
  deadLetterEventId: string;
  newEventId: string;
  topic: string;
  key: string;
  /** The corrected event as published. */
  value: string;
  reason: string;
  by: string;
  at: string;
  /** Where the original was read: the offset the trail keeps. */
  originalPartition: number;
  originalOffset: string;
}

export interface RedriveRequest {
  /** The corrected event (its eventId, if any, is replaced by the new one). */
  event: Record<string, unknown>;
  /** Why the dead letter is re-driven, and what was corrected. */
  reason: string;
}

/** The input streams, by the topic names of this deployment. */
export function inputStreamsOf(topics: TopicNames): Map<string, InputStream> {
  return new Map<string, InputStream>([
    [topics.documents, 'documents'],
    [topics.journalEntries, 'journalEntries'],
    [topics.billPortfolio, 'billPortfolio'],
    [topics.creditLimits, 'creditLimits'],
    [topics.customers, 'customers'],
  ]);
}

const textOf = (bytes: Buffer | null): string | null =>
  bytes !== null && isUtf8(bytes) ? bytes.toString('utf8') : null;

export function summaryOf(row: DeadLetterRow): DeadLetterSummary {
  return {
    eventId: row.event_id,
    reason: row.reason,
    field: row.field,
    message: row.message,
    source: {
      topic: row.source_topic,
      partition: row.source_partition,
      offset: row.source_offset,
      timestamp: row.source_timestamp,
    },
    companyId: row.company_id,
    customerId: row.customer_id,
    eventType: row.event_type,
    occurredAt: row.occurred_at.toISOString(),
    redrive:
      row.new_event_id === null
        ? null
        : { newEventId: row.new_event_id, by: row.redriven_by!, at: row.redriven_at!.toISOString() },
  };
}

const trailOf = (trail: DeadLetterRedriveRow, letter: DeadLetterRow): RedriveTrail => ({
  deadLetterEventId: trail.dead_letter_event_id,
  newEventId: trail.new_event_id,
  topic: trail.topic,
  key: trail.message_key,
  value: trail.value,
  reason: trail.reason,
  by: trail.redriven_by,
  at: trail.redriven_at.toISOString(),
  originalPartition: letter.source_partition,
  originalOffset: letter.source_offset,
});

/**
 * The operator's dead letters: listed, inspected and re-driven. A re-drive
 * publishes a corrected copy, with a new eventId, to the topic the original
 * was read from; the copy is checked with the engine's own decoder first (what
 * would be dead-lettered again is refused, naming the field and the rule), and
 * the trail is written with the message in one transaction (the API outbox).
 * Used by the admin routes and by `npm run dlq`.
 */
export class DeadLetters {
  private readonly streams: Map<string, InputStream>;

  constructor(
    private readonly repository: DeadLettersRepository,
    topics: TopicNames,
    private readonly now: () => Date,
    private readonly published: () => void = () => undefined,
  ) {
    this.streams = inputStreamsOf(topics);
  }

  async list(
    filter: DeadLetterFilter,
    page: { limit: number; offset: number },
  ): Promise<{ items: DeadLetterSummary[]; total: number }> {
    const found = await this.repository.list(filter, page);
    return { items: found.items.map(summaryOf), total: found.total };
  }

  countsByReason(filter: Pick<DeadLetterFilter, 'companies' | 'topic'>): Promise<DeadLetterReasonCount[]> {
    return this.repository.countsByReason(filter);
  }

  async show(eventId: string, companies: Principal['companies']): Promise<DeadLetterDetail> {
    const row = await this.visible(eventId, companies);
    const trail = row.new_event_id === null ? null : await this.repository.redriveOf(eventId);
    return {
      ...summaryOf(row),
      key: textOf(row.source_key),
      keyBase64: row.source_key === null ? null : row.source_key.toString('base64'),
      original: textOf(row.original),
      originalBase64: row.original === null ? null : row.original.toString('base64'),
      redriven: trail === null ? null : trailOf(trail, row),
    };
  }

  async redrive(
    eventId: string,
    request: RedriveRequest,
    by: string,
    companies: Principal['companies'],
  ): Promise<RedriveTrail> {
    const letter = await this.visible(eventId, companies);
    if (letter.new_event_id !== null) {
      throw new ConflictException(
        `dead letter ${eventId} was already re-driven by ${letter.redriven_by} as ${letter.new_event_id}`,
      );
    }
    const stream = this.streams.get(letter.source_topic);
    if (stream === undefined) {
      throw new ConflictException(
        `dead letter ${eventId} came from ${letter.source_topic}, which is not an input topic here`,
      );
    }
    const event: Record<string, unknown> = { ...request.event, eventId: redrivenEventId(eventId) };
    const key = `${String(event.companyId)}:${String(event.customerId)}`;
    const value = JSON.stringify(event);
    const decoded = decodeInputEvent(stream, Buffer.from(key, 'utf8'), Buffer.from(value, 'utf8'));
    if (!decoded.ok) {
      throw new BadRequestException(
        `event${decoded.field ? `.${decoded.field}` : ''}: the corrected event would be dead-lettered ` +
          `again (${decoded.reason}): ${decoded.message}`,
      );
    }
    if (companies !== '*' && !companies.includes(decoded.fact.companyId)) {
      throw new ForbiddenException(`no access to company ${decoded.fact.companyId}`);
    }
    const trail = await this.repository.redrive(
      {
        dead_letter_event_id: eventId,
        new_event_id: redrivenEventId(eventId),
        topic: letter.source_topic,
        message_key: key,
        value,
        reason: request.reason,
        redriven_by: by,
      },
      { topic: letter.source_topic, key, value, headers: { [REDRIVEN_FROM_HEADER]: eventId } },
      this.now(),
    );
    if (trail === null) throw new ConflictException(`dead letter ${eventId} was already re-driven`);
    this.published();
    return trailOf(trail, letter);
  }

  /** The dead letter, when the caller may see it: its company's, or any with every company. */
  private async visible(eventId: string, companies: Principal['companies']): Promise<DeadLetterRow> {
    const row = await this.repository.get(eventId);
    if (row === null) throw new NotFoundException(`no dead letter ${eventId}`);
    if (companies !== '*' && (row.company_id === null || !companies.includes(row.company_id))) {
      throw new ForbiddenException(
        row.company_id === null
          ? `dead letter ${eventId} names no company: only a caller with every company may see it`
          : `no access to company ${row.company_id}`,
      );
    }
    return row;
  }
}
