import { Body, Controller, Delete, Get, HttpCode, Put } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { CurrentPrincipal, Principal, RequireRole } from '@credit/auth';
import { CompanyIdParam, CustomerIdParam } from '../http';
import { problemResponse as problem } from '../limits/openapi';
import {
  ManualBlockChangeResult,
  ManualBlockView,
  RemoveManualBlockBody,
  SetManualBlockBody,
} from './manual-block.dto';
import { ManualBlockService } from './manual-block.service';

const BLOCK_EXAMPLE: ManualBlockView = {
  customerId: 'C000123',
  reason: 'Insolvency proceedings announced',
  until: null,
  setBy: 'maria.rossi',
  setAt: '2026-03-01T09:15:00.000Z',
};
const EVENT_ID = '5f1c7c9e-2f0b-4f59-9d1e-8c0b8c5e9a01';
const managerOnly = {
  description: 'Not a credit-manager, or company not in the token.',
  ...problem(403, 'Forbidden', 'requires role credit-manager'),
};
const noBlock = {
  description: 'The customer has no manual block.',
  ...problem(404, 'Not Found', 'customer C000123 of company IT01 has no manual block'),
};

/** A customer blocked by hand (reason MANUAL) until removed or until a date (spec section 11). */
@ApiTags('manual blocks')
@ApiBearerAuth()
@ApiUnauthorizedResponse({
  description: 'No valid bearer token.',
  ...problem(401, 'Unauthorized', 'missing bearer token'),
})
@Controller('v1/companies/:companyId/customers/:customerId/manual-block')
export class ManualBlockController {
  constructor(private readonly blocks: ManualBlockService) {}

  @Get()
  @RequireRole('viewer')
  @ApiOperation({ summary: "A customer's manual block" })
  @ApiOkResponse({ type: ManualBlockView, example: BLOCK_EXAMPLE })
  @ApiForbiddenResponse({
    description: 'Company not in the token.',
    ...problem(403, 'Forbidden', 'no access to company IT02'),
  })
  @ApiNotFoundResponse(noBlock)
  get(@CompanyIdParam() companyId: string, @CustomerIdParam() customerId: string): Promise<ManualBlockView> {
    return this.blocks.get(companyId, customerId);
  }

  @Put()
  @RequireRole('credit-manager')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Blocks a customer by hand (or changes the block)',
    description:
      'Audited and published as manualBlock.set on risk.credit-limits (outbox); the customer is BLOCKED with reason ' +
      'MANUAL and its documents are held, until the block is removed or its `until` date has passed (no event needed).',
  })
  @ApiOkResponse({
    type: ManualBlockChangeResult,
    example: { block: BLOCK_EXAMPLE, before: null, eventId: EVENT_ID },
  })
  @ApiBadRequestResponse({
    description: 'Invalid body: the message names the field.',
    ...problem(400, 'Bad Request', 'until must be a real date YYYY-MM-DD'),
  })
  @ApiForbiddenResponse(managerOnly)
  set(
    @CompanyIdParam() companyId: string,
    @CustomerIdParam() customerId: string,
    @Body() body: SetManualBlockBody,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ManualBlockChangeResult> {
    return this.blocks.set(companyId, customerId, body, principal);
  }

  @Delete()
  @RequireRole('credit-manager')
  @HttpCode(200)
  @ApiOperation({ summary: 'Removes the manual block (audited, published as manualBlock.removed)' })
  @ApiOkResponse({
    type: ManualBlockChangeResult,
    example: { block: null, before: BLOCK_EXAMPLE, eventId: EVENT_ID },
  })
  @ApiBadRequestResponse({
    description: 'Invalid body.',
    ...problem(400, 'Bad Request', 'reason must not be empty'),
  })
  @ApiForbiddenResponse(managerOnly)
  @ApiNotFoundResponse(noBlock)
  remove(
    @CompanyIdParam() companyId: string,
    @CustomerIdParam() customerId: string,
    @Body() body: RemoveManualBlockBody,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ManualBlockChangeResult> {
    return this.blocks.remove(companyId, customerId, body, principal);
  }
}
