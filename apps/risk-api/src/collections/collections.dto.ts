import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, Matches, ValidateBy, ValidateNested, ValidationArguments } from 'class-validator';
import { isStorableText, STORABLE_TEXT_RULE } from '@credit/contracts';
import type { CollectionActionType, CollectionStage, WorklistKind } from '@credit/postgres';
import { IfPresent, IsBusinessDate, IsIntInRange } from '../http/validators';
import { MAX_OFFSET, MAX_PAGE_LIMIT, PageMeta, QueryInt } from '../http/paging';

export const COLLECTION_ACTION_TYPES: readonly CollectionActionType[] = [
  'call',
  'note',
  'promise',
  'stage',
  'assign',
];
export const STAGE_CHANGES = ['legal', 'written-off'] as const;
export type StageChange = (typeof STAGE_CHANGES)[number];
export const WORKLIST_KINDS: readonly WorklistKind[] = [
  'level-reached',
  'promise-due',
  'promise-broken',
  'review-due',
  'hold-waiting',
  'legal',
];
/** What the worklist suggests doing: a dunning level's action, or one of these. */
export const SUGGESTED_ACTIONS = [
  'reminder',
  'formal-notice',
  'out-of-court',
  'check-payment',
  'call',
  'follow-legal',
  'review-limit',
  'decide-hold',
] as const;
export type SuggestedAction = (typeof SUGGESTED_ACTIONS)[number];

/** Text of an action: the event contract caps it at 2000 characters. */
export const ACTION_TEXT_MAX_LENGTH = 2000;
export const ASSIGNEE_MAX_LENGTH = 128;
/** A money amount > 0 in the contract's wire format. */
export const POSITIVE_MONEY_PATTERN = /^(?!0+(\.0{1,2})?$)[0-9]{1,13}(\.[0-9]{1,2})?$/;

const textProblem = (value: unknown, max: number): string | null => {
  if (typeof value !== 'string') return `must be a string of 1 to ${max} characters`;
  if (value.trim().length === 0) return 'must not be empty or blank';
  if ([...value].length > max) return `must be at most ${max} characters`;
  if (!isStorableText(value)) return `must ${STORABLE_TEXT_RULE}`;
  return null;
};

/** Storable text of 1..max characters, not only blanks: one message naming the field. */
function IsActionText(max: number): PropertyDecorator {
  return ValidateBy({
    name: 'isActionText',
    validator: {
      validate: (value: unknown) => textProblem(value, max) === null,
      defaultMessage: (args?: ValidationArguments) =>
        `$property ${textProblem(args?.value, max) ?? 'is invalid'}`,
    },
  });
}

/** Not a JSON array (ValidateNested would otherwise accept an array of valid objects). */
const IsNotArray = (): PropertyDecorator =>
  ValidateBy({
    name: 'isNotArray',
    validator: {
      validate: (value: unknown) => !Array.isArray(value),
      defaultMessage: () => '$property must be an object',
    },
  });

export class PromiseToPayBody {
  @ApiProperty({
    example: '1250.00',
    pattern: POSITIVE_MONEY_PATTERN.source,
    description: 'Amount promised, > 0.',
  })
  @Matches(POSITIVE_MONEY_PATTERN, { message: 'promise.amount must be a money string > 0 like 1250.00' })
  amount!: string;

  @ApiProperty({
    example: '2026-04-10',
    format: 'date',
    description: 'The day it will be paid by (not in the past).',
  })
  @IsBusinessDate({ message: 'promise.date must be a real date YYYY-MM-DD' })
  date!: string;
}

/**
 * POST body: one action on the customer's collection case. `promise` is
 * required with (and only with) type promise, `stage` with type stage,
 * `assignee` with type assign (on the other types it also re-assigns the case).
 */
export class RecordCollectionActionBody {
  @ApiProperty({ enum: COLLECTION_ACTION_TYPES, example: 'promise' })
  @IsIn(COLLECTION_ACTION_TYPES, { message: `type must be one of ${COLLECTION_ACTION_TYPES.join(', ')}` })
  type!: CollectionActionType;

  @ApiProperty({
    minLength: 1,
    maxLength: ACTION_TEXT_MAX_LENGTH,
    example: 'Spoke to the accountant: will pay the March invoices by 10 April',
    description: 'What was said or done (the extra-accounting record).',
  })
  @IsActionText(ACTION_TEXT_MAX_LENGTH)
  text!: string;

  @ApiPropertyOptional({ type: PromiseToPayBody, description: 'Required iff type is promise.' })
  @IfPresent()
  @IsNotArray()
  @ValidateNested({ message: 'promise must be an object' })
  @Type(() => PromiseToPayBody)
  promise?: PromiseToPayBody;

  @ApiPropertyOptional({ enum: STAGE_CHANGES, example: 'legal', description: 'Required iff type is stage.' })
  @IfPresent()
  @IsIn(STAGE_CHANGES, { message: `stage must be one of ${STAGE_CHANGES.join(', ')}` })
  stage?: StageChange;

  @ApiPropertyOptional({
    minLength: 1,
    maxLength: ASSIGNEE_MAX_LENGTH,
    example: 'anna.bianchi',
    description: 'Who follows the case: required with type assign, allowed on the others.',
  })
  @IfPresent()
  @IsActionText(ASSIGNEE_MAX_LENGTH)
  assignee?: string;
}

// ------------------------------------------------------------------------------------------ responses

export class PromiseToPayView {
  @ApiProperty({ example: '1250.00' }) amount!: string;
  @ApiProperty({ example: '2026-04-10', format: 'date' }) date!: string;
}

export class CollectionActionView {
  @ApiProperty({ format: 'uuid', description: 'Also the eventId of collectionAction.recorded.' })
  actionId!: string;

  @ApiProperty({ example: 'C000123' }) customerId!: string;

  @ApiProperty({
    nullable: true,
    type: String,
    example: 'C000123:2026-02-14',
    description: 'The case when recorded.',
  })
  caseId!: string | null;

  @ApiProperty({ enum: COLLECTION_ACTION_TYPES, example: 'promise' }) type!: CollectionActionType;
  @ApiProperty({ example: 'Will pay the March invoices by 10 April' }) text!: string;
  @ApiPropertyOptional({ type: PromiseToPayView }) promise?: PromiseToPayView;
  @ApiPropertyOptional({ enum: STAGE_CHANGES }) stage?: StageChange;
  @ApiPropertyOptional({ example: 'anna.bianchi' }) assignee?: string;
  @ApiProperty({ example: 'anna.bianchi' }) recordedBy!: string;
  @ApiProperty({ format: 'date-time', example: '2026-03-31T08:05:00.000Z' }) recordedAt!: string;
}

export class CasePromiseView {
  @ApiProperty({ example: 'p-1' }) promiseId!: string;
  @ApiProperty({ example: '1250.00' }) amount!: string;
  @ApiProperty({ example: '2026-04-10', format: 'date' }) date!: string;
  @ApiProperty({ enum: ['pending', 'kept', 'broken'] }) status!: 'pending' | 'kept' | 'broken';
  @ApiProperty({ nullable: true, type: String, format: 'date' }) brokenOn!: string | null;
}

/** The customer's open case as the engine projected it. */
export class CollectionCaseView {
  @ApiProperty({ example: 'C000123:2026-02-14' }) caseId!: string;
  @ApiProperty({ enum: ['dunning', 'legal', 'written-off'] }) stage!: CollectionStage;
  @ApiProperty({ example: 2, description: 'Dunning level reached (0: none yet).' }) level!: number;
  @ApiProperty({ nullable: true, type: String, example: 'formal-notice' }) action!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date' }) levelReachedOn!: string | null;
  @ApiProperty({ nullable: true, type: String, example: '1250.00' }) overdueAmount!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date' }) oldestDueDate!: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'anna.bianchi' }) assignee!: string | null;
  @ApiProperty({ nullable: true, type: CasePromiseView }) promise!: CasePromiseView | null;
  @ApiProperty({ example: false }) blocked!: boolean;
  @ApiProperty({ type: [String], example: [] }) blockReasons!: string[];
}

export class RecordCollectionActionResult extends CollectionActionView {
  @ApiProperty({ format: 'uuid', description: 'collectionAction.recorded, queued on risk.credit-limits.' })
  eventId!: string;
}

export class CollectionHistoryPage extends PageMeta {
  @ApiProperty({ nullable: true, type: CollectionCaseView, description: 'The open case, null when none.' })
  case!: CollectionCaseView | null;

  @ApiProperty({ type: [CollectionActionView], description: 'The actions, newest first.' })
  items!: CollectionActionView[];
}

// ------------------------------------------------------------------------------------------ worklist

export class WorklistQuery {
  @ApiPropertyOptional({
    format: 'date',
    example: '2026-03-31',
    description: "Default: today in the company's time zone.",
  })
  @IfPresent()
  @IsBusinessDate()
  date?: string;

  @ApiPropertyOptional({
    example: 'anna.bianchi',
    description: 'Only the items of cases assigned to this person.',
  })
  @IfPresent()
  @IsActionText(ASSIGNEE_MAX_LENGTH)
  assignee?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_LIMIT, default: 50 })
  @IfPresent()
  @QueryInt()
  @IsIntInRange(1, MAX_PAGE_LIMIT)
  limit?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: MAX_OFFSET, default: 0 })
  @IfPresent()
  @QueryInt()
  @IsIntInRange(0, MAX_OFFSET)
  offset?: number;
}

export class WorklistItem {
  @ApiProperty({ enum: WORKLIST_KINDS, example: 'promise-broken' }) kind!: WorklistKind;
  @ApiProperty({ example: 'C000123' }) customerId!: string;
  @ApiProperty({ nullable: true, type: String, example: 'Rossi S.p.A.' }) customerName!: string | null;
  @ApiProperty({ example: 'promise to pay 1250.00 by 2026-03-29 broken on 2026-03-30' }) reason!: string;
  @ApiProperty({
    example: '1250.00',
    description: 'Overdue residual of the case, exposure under review, or held document.',
  })
  amountAtStake!: string;
  @ApiProperty({ example: 45 }) daysOverdue!: number;
  @ApiProperty({ enum: SUGGESTED_ACTIONS, example: 'call' }) suggestedAction!: SuggestedAction;
  @ApiPropertyOptional({ example: 'C000123:2026-02-14' }) caseId?: string;
  @ApiPropertyOptional({ example: 'anna.bianchi' }) assignee?: string;
  @ApiPropertyOptional({ example: 2 }) level?: number;
  @ApiPropertyOptional({ format: 'uuid' }) holdId?: string;
}

export class WorklistPage extends PageMeta {
  @ApiProperty({ format: 'date', example: '2026-03-31' }) date!: string;
  @ApiProperty({ type: [WorklistItem], description: 'Ranked by amount x days overdue, largest first.' })
  items!: WorklistItem[];
}
