import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IfPresent, IsIntInRange } from './validators';

export const DEFAULT_PAGE_LIMIT = 50;
export const MAX_PAGE_LIMIT = 500;
/** Postgres takes OFFSET as a bigint; keep it far below that. */
export const MAX_OFFSET = 1_000_000_000;

/**
 * A query string integer: a plain run of digits becomes a number; anything
 * else (`1.5`, `1e3`, `-1`, `abc`, a repeated parameter) stays as it came, so
 * that `@IsIntInRange` rejects it with a message naming the parameter.
 */
export const QueryInt = (): PropertyDecorator =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && /^[0-9]{1,10}$/.test(value) ? Number(value) : value,
  );

/** `?limit=&offset=` of every list: limit 1..500 (default 50), offset 0..1e9 (default 0). */
export class PageQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_LIMIT, default: DEFAULT_PAGE_LIMIT, example: 50 })
  @IfPresent()
  @QueryInt()
  @IsIntInRange(1, MAX_PAGE_LIMIT)
  limit?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: MAX_OFFSET, default: 0, example: 0 })
  @IfPresent()
  @QueryInt()
  @IsIntInRange(0, MAX_OFFSET)
  offset?: number;
}

export interface Page<T> {
  items: T[];
  limit: number;
  offset: number;
  total: number;
}

/** The OpenAPI part common to every page. */
export class PageMeta {
  @ApiProperty({ example: 50, description: 'The page size asked for (default 50, max 500).' })
  limit!: number;

  @ApiProperty({ example: 0, description: 'How many items were skipped.' })
  offset!: number;

  @ApiProperty({ example: 1, description: 'How many items there are in all.' })
  total!: number;
}

export const pageOf = (query: PageQuery): { limit: number; offset: number } => ({
  limit: query.limit ?? DEFAULT_PAGE_LIMIT,
  offset: query.offset ?? 0,
});
