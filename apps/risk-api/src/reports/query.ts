import { BadRequestException, PipeTransform, Query } from '@nestjs/common';
import { ApiPropertyOptional, IntersectionType, OmitType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  AGEING_SORT_KEYS,
  AgeingSortKey,
  COMPONENT_NAMES,
  ComponentKey,
  EXPOSURE_SORT_KEYS,
  ExposureSortKey,
  HISTORY_TYPES,
  HistoryType,
  parseSort,
} from '@credit/postgres';
import { pageOf, PageQuery } from '../http/paging';
import { ArrayMaxSize, IsBoolean, IsIn, IsOptional, Length, Matches } from 'class-validator';

/**
 * Query parameters of the reporting routes. The global ValidationPipe rejects
 * unknown parameters ("property foo should not exist") and every message names
 * the parameter. Query values arrive as strings (an array when repeated); the
 * transforms below convert only well-formed values, so anything else reaches the
 * validators unchanged and is rejected with a message naming the parameter.
 */

/** `true` / `false` become booleans; anything else stays as it came (and fails @IsBoolean). */
const QueryBoolean = (): PropertyDecorator =>
  Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value));

/** `a,b` (or `?x=a&x=b`) becomes `['a', 'b']`; a value that is not a string stays as it came. */
const QueryList = (): PropertyDecorator =>
  Transform(({ value }: { value: unknown }) => {
    const parts = Array.isArray(value) ? value : [value];
    if (!parts.every((part): part is string => typeof part === 'string')) return value;
    return parts.flatMap((part) => part.split(','));
  });

export { PageQuery };
export { AGEING_SORT_KEYS, COMPONENT_NAMES, EXPOSURE_SORT_KEYS, HISTORY_TYPES, parseSort };
export type { AgeingSortKey, ComponentKey, ExposureSortKey, HistoryType };
export type PageWindow = ReturnType<typeof pageOf>;
export const pageWindow = pageOf;

export const EXPOSURE_STATUSES = ['NO_LIMIT', 'OK', 'WARNING', 'EXCEEDED'] as const;
export type ExposureStatusName = (typeof EXPOSURE_STATUSES)[number];
export const RISK_CLASSES = ['A', 'B', 'C', 'D'] as const;
export type RiskClassName = (typeof RISK_CLASSES)[number];

const EXPOSURE_SORT_PATTERN = new RegExp(`^-?(${EXPOSURE_SORT_KEYS.join('|')})$`);

/** A decimal percentage such as `80` or `112.5`. */
export const PERCENT_PATTERN = /^[0-9]{1,15}(\.[0-9]{1,2})?$/;
/** Search text: 1 to 100 characters, no control characters (names have spaces, accents, apostrophes). */
export const SEARCH_PATTERN = /^\P{Cc}{1,100}$/u;
/** Sales agents to keep, at most this many. */
const MAX_SALES_AGENTS = 50;

/** Filters and sort of the exposure list and its CSV export. */
export class ExposureFilterQuery {
  @ApiPropertyOptional({
    description: 'Comma-separated statuses to keep.',
    example: 'WARNING,EXCEEDED',
    type: String,
  })
  @IsOptional()
  @QueryList()
  @ArrayMaxSize(EXPOSURE_STATUSES.length * 2)
  @IsIn(EXPOSURE_STATUSES, { each: true })
  status?: ExposureStatusName[];

  @ApiPropertyOptional({
    description: 'Only blocked (true) or only unblocked (false) customers.',
    enum: ['true', 'false'],
  })
  @IsOptional()
  @QueryBoolean()
  @IsBoolean()
  blocked?: boolean;

  @ApiPropertyOptional({ description: 'Comma-separated risk classes to keep.', example: 'C,D', type: String })
  @IsOptional()
  @QueryList()
  @ArrayMaxSize(RISK_CLASSES.length * 2)
  @IsIn(RISK_CLASSES, { each: true })
  riskClass?: RiskClassName[];

  @ApiPropertyOptional({
    description:
      'Keep customers whose utilisation (total / limit x 100) is at least this; customers without a (positive) limit have no utilisation and are left out.',
    example: '80',
    type: String,
    pattern: PERCENT_PATTERN.source,
  })
  @IsOptional()
  @Matches(PERCENT_PATTERN, { message: 'minUtilizationPct must be a decimal number like 80 or 112.5' })
  minUtilizationPct?: string;

  @ApiPropertyOptional({
    description:
      'Search, case-insensitive: customers whose code starts with it or whose name (erp.customers) contains it. 1 to 100 characters, no control characters.',
    example: 'rossi',
    pattern: SEARCH_PATTERN.source,
  })
  @IsOptional()
  @Matches(SEARCH_PATTERN, { message: 'q must be 1 to 100 characters without control characters' })
  q?: string;

  @ApiPropertyOptional({
    description: `Comma-separated sales agents (salesAgentId of erp.customers) whose customers to keep, at most ${MAX_SALES_AGENTS}.`,
    example: 'AG-01,AG-07',
    type: String,
  })
  @IsOptional()
  @QueryList()
  @ArrayMaxSize(MAX_SALES_AGENTS)
  @Length(1, 128, { each: true, message: 'salesAgentId must be a list of agent ids of 1 to 128 characters' })
  salesAgentId?: string[];

  @ApiPropertyOptional({
    description:
      'Sort key, `-` in front for descending; ties are broken by customerId ascending. `status` sorts by severity: NO_LIMIT, OK, WARNING, EXCEEDED. `customerName` sorts case-insensitively. Customers without a utilisation (or a name) sort last either way.',
    enum: [...EXPOSURE_SORT_KEYS, ...EXPOSURE_SORT_KEYS.map((k) => `-${k}`)],
    default: 'customerId',
    example: '-utilization',
  })
  @IsOptional()
  @Matches(EXPOSURE_SORT_PATTERN, {
    message: `sort must be one of ${EXPOSURE_SORT_KEYS.join(', ')}, optionally prefixed with - for descending`,
  })
  sort?: string;
}

/** The exposure list: filters, sort and page. */
export class ExposureListQuery extends IntersectionType(ExposureFilterQuery, PageQuery) {}

/** The board's summary: the list's filters, no sort. */
export class ExposureSummaryQuery extends OmitType(ExposureFilterQuery, ['sort'] as const) {}

export class DocumentsQuery extends PageQuery {
  @ApiPropertyOptional({
    enum: COMPONENT_NAMES,
    description: 'One component; all five when absent. limit/offset page the documents of each component.',
  })
  @IsOptional()
  @IsIn(COMPONENT_NAMES)
  component?: ComponentKey;
}

export class OpenItemsQuery extends PageQuery {
  @ApiPropertyOptional({
    enum: ['true', 'false'],
    default: 'false',
    description: 'Also list the items already settled in full (residual 0).',
  })
  @IsOptional()
  @QueryBoolean()
  @IsBoolean()
  includeSettled?: boolean;
}

const AGEING_SORT_PATTERN = new RegExp(`^-?(${AGEING_SORT_KEYS.join('|')})$`);

export class CompanyAgeingQuery extends PageQuery {
  @ApiPropertyOptional({
    description: 'Sort of the customer rows, `-` in front for descending; ties by customerId ascending.',
    enum: [...AGEING_SORT_KEYS, ...AGEING_SORT_KEYS.map((k) => `-${k}`)],
    default: 'customerId',
    example: '-over90Days',
  })
  @IsOptional()
  @Matches(AGEING_SORT_PATTERN, {
    message: `sort must be one of ${AGEING_SORT_KEYS.join(', ')}, optionally prefixed with - for descending`,
  })
  sort?: string;
}

export class HistoryQuery extends PageQuery {
  @ApiPropertyOptional({
    description: 'Comma-separated types to keep.',
    example: 'exposure.statusChanged,customer.blocked,customer.unblocked',
    type: String,
  })
  @IsOptional()
  @QueryList()
  @ArrayMaxSize(HISTORY_TYPES.length * 2)
  @IsIn(HISTORY_TYPES, { each: true })
  type?: HistoryType[];
}

/** For routes without query parameters: any parameter is 400 "property <name> should not exist". */
export class RejectQueryPipe implements PipeTransform<unknown, Record<string, never>> {
  transform(value: unknown): Record<string, never> {
    const names = typeof value === 'object' && value !== null ? Object.keys(value) : [];
    if (names.length > 0) {
      throw new BadRequestException({
        statusCode: 400,
        error: 'Bad Request',
        message: names.map((name) => `property ${name} should not exist`),
      });
    }
    return {};
  }
}

/** `@NoQuery() _query: object`: the route takes no query parameters. */
export const NoQuery = (): ParameterDecorator => Query(new RejectQueryPipe());
