import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, Matches, ValidateNested } from 'class-validator';
import { LIMITS } from '@credit/contracts';
import { DUNNING_ACTIONS, DunningAction } from '@credit/domain';
import { IsIntInRange, IsReason } from '../http/validators';
import { NON_NEGATIVE_MONEY_PATTERN } from '../holds/request-rules';
import { DunningPolicyView } from '../parameters/company-parameters.dto';

export const MAX_DUNNING_LEVELS = 9;

export class DunningLevelBody {
  @ApiProperty({
    minimum: 1,
    maximum: MAX_DUNNING_LEVELS,
    example: 1,
    description: 'Numbered 1..n in order.',
  })
  @IsIntInRange(1, MAX_DUNNING_LEVELS)
  level!: number;

  @ApiProperty({
    minimum: 0,
    maximum: LIMITS.maxDays,
    example: 7,
    description: 'Reached when the oldest unpaid item is this many days overdue; strictly increasing.',
  })
  @IsIntInRange(0, LIMITS.maxDays)
  daysOverdue!: number;

  @ApiProperty({ enum: DUNNING_ACTIONS, example: 'reminder' })
  @IsIn(DUNNING_ACTIONS, { message: `$property must be one of ${DUNNING_ACTIONS.join(', ')}` })
  action!: DunningAction;
}

/** PUT body: the company's dunning policy, given whole, and why it changes. */
export class DunningPolicyBody {
  @ApiProperty({
    type: [DunningLevelBody],
    minItems: 1,
    maxItems: MAX_DUNNING_LEVELS,
    example: [
      { level: 1, daysOverdue: 7, action: 'reminder' },
      { level: 2, daysOverdue: 21, action: 'formal-notice' },
      { level: 3, daysOverdue: 45, action: 'out-of-court' },
    ],
  })
  @IsArray({ message: `levels must be an array of 1 to ${MAX_DUNNING_LEVELS} levels` })
  @ArrayMinSize(1, { message: `levels must be an array of 1 to ${MAX_DUNNING_LEVELS} levels` })
  @ArrayMaxSize(MAX_DUNNING_LEVELS, {
    message: `levels must be an array of 1 to ${MAX_DUNNING_LEVELS} levels`,
  })
  @ValidateNested({ each: true, message: 'levels must contain objects' })
  @Type(() => DunningLevelBody)
  levels!: DunningLevelBody[];

  @ApiProperty({
    example: '50.00',
    pattern: NON_NEGATIVE_MONEY_PATTERN.source,
    description: 'A case opens (and stays open) only while the overdue residual is at least this much.',
  })
  @Matches(NON_NEGATIVE_MONEY_PATTERN, { message: 'minAmount must be a money string >= 0 like 50.00' })
  minAmount!: string;

  @ApiProperty({ minLength: 1, maxLength: LIMITS.textMaxLength, example: 'Formal notice a week earlier' })
  @IsReason()
  reason!: string;
}

/** Levels numbered 1..n in order, daysOverdue strictly increasing: one message per violation, naming the field. */
export function dunningLevelErrors(levels: readonly DunningLevelBody[]): string[] {
  const errors: string[] = [];
  levels.forEach((level, i) => {
    if (level.level !== i + 1)
      errors.push(`levels[${i}].level must be ${i + 1} (levels are numbered 1..n in order)`);
    if (i > 0 && level.daysOverdue <= levels[i - 1].daysOverdue)
      errors.push(
        `levels[${i}].daysOverdue must be > levels[${i - 1}].daysOverdue (${level.daysOverdue} <= ${levels[i - 1].daysOverdue})`,
      );
  });
  return errors;
}

export class EffectiveDunningPolicy {
  @ApiProperty({ example: 'IT01' }) companyId!: string;
  @ApiProperty({ type: DunningPolicyView }) policy!: DunningPolicyView;
  @ApiProperty({ example: false, description: "false while the company's parameters were never changed." })
  customised!: boolean;
}

export class DunningPolicyChangeResult {
  @ApiProperty({ example: 'IT01' }) companyId!: string;
  @ApiProperty({ type: DunningPolicyView }) policy!: DunningPolicyView;
  @ApiProperty({ type: DunningPolicyView }) before!: DunningPolicyView;
  @ApiProperty({ format: 'uuid', description: 'The change in the parameters history.' }) changeId!: string;
  @ApiProperty({ format: 'date-time' }) changedAt!: string;
  @ApiProperty({
    example: 42,
    description: "The company's customers put up for re-assessment by the engine.",
  })
  customersReviewed!: number;
}
