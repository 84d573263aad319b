import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { MaxLength, ValidateIf } from 'class-validator';
import { IfPresent, IsBusinessDate, IsReason } from '../http/validators';

/** The contract bounds a manual block's reason to 500 characters. */
export const MANUAL_BLOCK_REASON_MAX = 500;

export class SetManualBlockBody {
  @ApiProperty({
    minLength: 1,
    maxLength: MANUAL_BLOCK_REASON_MAX,
    example: 'Insolvency proceedings announced',
  })
  @IsReason()
  @MaxLength(MANUAL_BLOCK_REASON_MAX, {
    message: `reason must be at most ${MANUAL_BLOCK_REASON_MAX} characters`,
  })
  reason!: string;

  @ApiPropertyOptional({
    type: String,
    format: 'date',
    nullable: true,
    example: '2026-06-30',
    description: 'Last day of the block (inclusive); absent or null: until removed.',
  })
  @ValidateIf((_o, value) => value !== undefined && value !== null)
  @IsBusinessDate()
  until?: string | null;
}

export class RemoveManualBlockBody {
  @ApiPropertyOptional({ minLength: 1, maxLength: 1000, example: 'Guarantee received' })
  @IfPresent()
  @IsReason()
  reason?: string;
}

export class ManualBlockView {
  @ApiProperty({ example: 'C000123' }) customerId!: string;
  @ApiProperty({ example: 'Insolvency proceedings announced' }) reason!: string;
  @ApiProperty({ type: String, format: 'date', nullable: true, example: '2026-06-30' }) until!: string | null;
  @ApiProperty({ example: 'maria.rossi' }) setBy!: string;
  @ApiProperty({ format: 'date-time', example: '2026-03-01T09:15:00.000Z' }) setAt!: string;
}

export class ManualBlockChangeResult {
  @ApiProperty({
    type: ManualBlockView,
    nullable: true,
    description: 'The block now (null after a removal).',
  })
  block!: ManualBlockView | null;
  @ApiProperty({ type: ManualBlockView, nullable: true, description: 'The block before (null if none).' })
  before!: ManualBlockView | null;
  @ApiProperty({
    format: 'uuid',
    example: '5f1c7c9e-2f0b-4f59-9d1e-8c0b8c5e9a01',
    description: 'eventId of manualBlock.set / manualBlock.removed on risk.credit-limits.',
  })
  eventId!: string;
}
