import { Controller, Get, Inject, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProperty,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { RequireRole } from '@credit/auth';
import { ProjectionQuarantine, QuarantinedCustomer } from '@credit/postgres';
import { CompanyIdParam } from '../http';
import { PageMeta, pageOf, PageQuery } from '../http/paging';
import { PROJECTION_QUARANTINE } from '../tokens';

export class QuarantinedCustomerDto implements QuarantinedCustomer {
  @ApiProperty({ example: 'IT01' })
  companyId!: string;

  @ApiProperty({ example: 'C000123' })
  customerId!: string;

  @ApiProperty({
    type: String,
    nullable: true,
    example: '1765000000042',
    description:
      'The newest state version the projector could not write; null when only history events were.',
  })
  stateVersion!: string | null;

  @ApiProperty({
    example:
      'exposure_document: 22P05 unsupported Unicode escape sequence (\\u0000 cannot be converted to text.)',
    description: 'What Postgres (or building the rows) refused: the table, the SQLSTATE and the message.',
  })
  reason!: string;

  @ApiProperty({
    type: [String],
    example: ['9b2f0c7e-4d1a-5b8e-9c3f-2a6d8e1b7c40'],
    description: 'History events not written to the history table; they are on the output topics.',
  })
  skippedEventIds!: string[];

  @ApiProperty({ example: 1, description: 'How many projection steps skipped the customer.' })
  occurrences!: number;

  @ApiProperty({ example: '2026-03-01T10:15:02.120Z' })
  firstSeen!: string;

  @ApiProperty({ example: '2026-03-01T10:15:02.120Z' })
  lastSeen!: string;
}

export class QuarantinedCustomerPageDto extends PageMeta {
  @ApiProperty({ type: [QuarantinedCustomerDto] })
  items!: QuarantinedCustomerDto[];
}

@ApiTags('operations')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'missing bearer token' })
@ApiForbiddenResponse({ description: 'requires role admin, and access to the company' })
@Controller('v1/companies/:companyId')
export class ProjectionQuarantineController {
  constructor(@Inject(PROJECTION_QUARANTINE) private readonly quarantine: ProjectionQuarantine) {}

  @Get('projection-quarantine')
  @RequireRole('admin')
  @ApiOperation({
    summary: 'Customers whose reporting projection is quarantined',
    description:
      'Customers the projector skipped because Postgres refused their rows (an unstorable value), most ' +
      'recently seen first. Their reports stay at the last version written; every other customer keeps ' +
      'projecting. A later version of the customer that can be written lifts the quarantine.',
  })
  @ApiParam({ name: 'companyId', example: 'IT01' })
  @ApiOkResponse({ type: QuarantinedCustomerPageDto })
  @ApiBadRequestResponse({ description: 'limit must be an integer from 1 to 500' })
  list(@CompanyIdParam() companyId: string, @Query() query: PageQuery) {
    const page = pageOf(query);
    return this.quarantine.list(companyId, page).then((found) => ({ ...found, ...page }));
  }
}
