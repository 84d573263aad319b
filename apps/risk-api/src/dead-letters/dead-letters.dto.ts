import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsObject, Matches } from 'class-validator';
import { DEAD_LETTER_REASONS } from '@credit/contracts';
import { PageMeta, PageQuery } from '../http/paging';
import { IfPresent, IsReason } from '../http/validators';

const TOPIC = /^[A-Za-z0-9._-]{1,249}$/;

/** A dead letter's eventId (deterministic from the source topic, partition and offset). */
export const DEAD_LETTER_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export class DeadLettersQuery extends PageQuery {
  @ApiPropertyOptional({ enum: DEAD_LETTER_REASONS, example: 'VALIDATION_FAILED' })
  @IfPresent()
  @IsIn(DEAD_LETTER_REASONS, { message: `reason must be one of ${DEAD_LETTER_REASONS.join(', ')}` })
  reason?: string;

  @ApiPropertyOptional({
    example: 'erp.documents',
    description: 'The input topic the rejected message came from.',
  })
  @IfPresent()
  @Matches(TOPIC, { message: 'topic must be a Kafka topic name (letters, digits, . _ -)' })
  topic?: string;

  @ApiPropertyOptional({
    enum: ['true', 'false'],
    description: 'true: only those not re-driven yet; false: only those re-driven; absent: both.',
  })
  @IfPresent()
  @IsIn(['true', 'false'], { message: 'pending must be true or false' })
  pending?: 'true' | 'false';
}

export class DeadLetterCountsQuery {
  @ApiPropertyOptional({ example: 'erp.documents' })
  @IfPresent()
  @Matches(TOPIC, { message: 'topic must be a Kafka topic name (letters, digits, . _ -)' })
  topic?: string;
}

class DeadLetterSourceDto {
  @ApiProperty({ example: 'erp.documents' }) topic!: string;
  @ApiProperty({ example: 2 }) partition!: number;
  @ApiProperty({ example: '1842', description: 'Offset of the original on its topic (decimal string).' })
  offset!: string;
  @ApiProperty({ type: String, nullable: true, example: '1772356500000' }) timestamp!: string | null;
}

class RedriveSummaryDto {
  @ApiProperty({ format: 'uuid' }) newEventId!: string;
  @ApiProperty({ example: 'ops.anna' }) by!: string;
  @ApiProperty({ format: 'date-time' }) at!: string;
}

export class DeadLetterDto {
  @ApiProperty({ format: 'uuid', description: 'Deterministic from the source topic, partition and offset.' })
  eventId!: string;
  @ApiProperty({ enum: DEAD_LETTER_REASONS, example: 'VALIDATION_FAILED' }) reason!: string;
  @ApiProperty({ type: String, nullable: true, example: 'data.lines[0].amount' }) field!: string | null;
  @ApiProperty({ example: 'data.lines[0].amount must be a money string like 1234.56' }) message!: string;
  @ApiProperty({ type: DeadLetterSourceDto }) source!: DeadLetterSourceDto;
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'IT01',
    description: 'From the original, when it says.',
  })
  companyId!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'C000123' }) customerId!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'document.posted' }) eventType!: string | null;
  @ApiProperty({ format: 'date-time', description: 'When the engine rejected it.' }) occurredAt!: string;
  @ApiProperty({ type: RedriveSummaryDto, nullable: true }) redrive!: RedriveSummaryDto | null;
}

export class DeadLetterPageDto extends PageMeta {
  @ApiProperty({ type: [DeadLetterDto] }) items!: DeadLetterDto[];
}

export class RedriveTrailDto {
  @ApiProperty({ format: 'uuid' }) deadLetterEventId!: string;
  @ApiProperty({ format: 'uuid', description: 'The eventId of the corrected copy: new, deterministic.' })
  newEventId!: string;
  @ApiProperty({ example: 'erp.documents', description: 'The original input topic, where the copy went.' })
  topic!: string;
  @ApiProperty({ example: 'IT01:C000123' }) key!: string;
  @ApiProperty({ description: 'The corrected event, as published (JSON).' }) value!: string;
  @ApiProperty({ example: 'Amount sent with a comma by the ERP export; corrected' }) reason!: string;
  @ApiProperty({ example: 'ops.anna' }) by!: string;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ example: 2 }) originalPartition!: number;
  @ApiProperty({ example: '1842' }) originalOffset!: string;
}

export class DeadLetterDetailDto extends DeadLetterDto {
  @ApiProperty({ type: String, nullable: true, example: 'IT01:C000123' }) key!: string | null;
  @ApiProperty({ type: String, nullable: true }) keyBase64!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The original value as text; null for a tombstone or bytes that are not UTF-8.',
  })
  original!: string | null;
  @ApiProperty({ type: String, nullable: true }) originalBase64!: string | null;
  @ApiProperty({ type: RedriveTrailDto, nullable: true }) redriven!: RedriveTrailDto | null;
}

class ReasonCountDto {
  @ApiProperty({ enum: DEAD_LETTER_REASONS }) reason!: string;
  @ApiProperty({ example: 3 }) total!: number;
  @ApiProperty({ example: 2, description: 'Not re-driven yet.' }) pending!: number;
}

export class DeadLetterCountsDto {
  @ApiProperty({ type: [ReasonCountDto] }) reasons!: ReasonCountDto[];
}

export class RedriveBody {
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'The corrected input event (the whole envelope). Its eventId is replaced by a new one; it must pass ' +
      'the contract of the original topic, or the answer is 400 naming the field and the rule.',
  })
  @IsObject({ message: 'event must be a JSON object' })
  event!: Record<string, unknown>;

  @ApiProperty({
    minLength: 1,
    maxLength: 1000,
    example: 'Amount sent with a comma by the ERP export; corrected',
  })
  @IsReason()
  reason!: string;
}
