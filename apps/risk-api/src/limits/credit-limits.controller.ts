import { Body, Controller, Delete, Get, HttpCode, Put, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiAcceptedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { CurrentPrincipal, Principal, RequireRole } from '@credit/auth';
import { CompanyIdParam, CustomerIdParam } from '../http';
import {
  CreditLimitChangeResult,
  CreditLimitHistoryPage,
  CurrentCreditLimit,
  RemoveCreditLimitBody,
  SetCreditLimitBody,
} from './credit-limit.dto';
import { CreditLimitsService } from './credit-limits.service';
import { PageQuery } from '../http/paging';
import { problemResponse as problem } from './openapi';
import { LimitRequestView } from '../limit-requests/limit-request.dto';

const LIMIT_EXAMPLE = {
  amount: '5000.00',
  mode: 'block',
  attentionThresholdPct: 80,
  validUntil: '2026-12-31',
  blockOnOverdue: true,
  overdueToleranceDays: 0,
};
const CHANGE_ID = '0b8f2a52-4a44-4d57-8f5b-0e3c1f6f2d11';
const EVENT_ID = '5f1c7c9e-2f0b-4f59-9d1e-8c0b8c5e9a01';

@ApiTags('credit limits')
@ApiBearerAuth()
@ApiUnauthorizedResponse({
  description: 'No valid bearer token.',
  ...problem(401, 'Unauthorized', 'missing bearer token'),
})
@Controller('v1/companies/:companyId/customers/:customerId/credit-limit')
export class CreditLimitsController {
  constructor(private readonly limits: CreditLimitsService) {}

  @Get()
  @RequireRole('viewer')
  @ApiOperation({
    summary: "A customer's current credit limit",
    description:
      'The limit as last set through this API (with who, when and why), or, when it was never changed ' +
      'through the API, the limit the engine folded from risk.credit-limits (exposure projection).',
  })
  @ApiOkResponse({
    type: CurrentCreditLimit,
    example: {
      companyId: 'IT01',
      customerId: 'C000123',
      limit: LIMIT_EXAMPLE,
      source: 'api',
      changeId: CHANGE_ID,
      setBy: 'maria.rossi',
      reason: 'Annual review',
      setAt: '2026-03-01T09:15:00.000Z',
      appliedByEngine: true,
    },
  })
  @ApiForbiddenResponse({
    description: 'Company not in the token.',
    ...problem(403, 'Forbidden', 'no access to company IT02'),
  })
  @ApiNotFoundResponse({
    description: 'The customer has no credit limit.',
    ...problem(404, 'Not Found', 'Customer C000123 of company IT01 has no credit limit'),
  })
  current(
    @CompanyIdParam() companyId: string,
    @CustomerIdParam() customerId: string,
  ): Promise<CurrentCreditLimit> {
    return this.limits.current(companyId, customerId);
  }

  @Put()
  @RequireRole('credit-manager')
  @HttpCode(200)
  @ApiOperation({
    summary: "Sets or changes a customer's credit limit",
    description:
      'Audited (who, when, why, before and after) and published as creditLimit.set on risk.credit-limits ' +
      'in the same transaction (outbox); the engine folds it and the exposure follows within moments. ' +
      "Four eyes: when the amount (or the temporary amount, if higher) exceeds the setter's limit authority " +
      '(the largest maxLimit of its approval roles; none = 0.00; admins are not exempt), nothing changes: ' +
      'the answer is 202 with a pending credit-limit request that another user must approve.',
  })
  @ApiAcceptedResponse({
    type: LimitRequestView,
    description: "Above the setter's limit authority: a pending request, nothing changed yet.",
  })
  @ApiOkResponse({
    type: CreditLimitChangeResult,
    example: {
      limit: LIMIT_EXAMPLE,
      before: { ...LIMIT_EXAMPLE, amount: '4000.00', validUntil: null },
      changeId: CHANGE_ID,
      eventId: EVENT_ID,
    },
  })
  @ApiBadRequestResponse({
    description: 'Invalid body: the message names the field.',
    ...problem(400, 'Bad Request', 'amount must be a money string >= 0 like 1234.56'),
  })
  @ApiForbiddenResponse({
    description: 'Not a credit-manager, or company not in the token.',
    ...problem(403, 'Forbidden', 'requires role credit-manager'),
  })
  async set(
    @CompanyIdParam() companyId: string,
    @CustomerIdParam() customerId: string,
    @Body() body: SetCreditLimitBody,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) response: Response,
  ): Promise<CreditLimitChangeResult | LimitRequestView> {
    const result = await this.limits.set(companyId, customerId, body, principal);
    if ('requestId' in result) response.status(202);
    return result;
  }

  @Delete()
  @RequireRole('credit-manager')
  @HttpCode(200)
  @ApiOperation({
    summary: "Removes a customer's credit limit",
    description:
      'Audited and published as creditLimit.removed on risk.credit-limits; the status becomes NO_LIMIT (or what the missing-limit parameter says).',
  })
  @ApiOkResponse({
    type: CreditLimitChangeResult,
    example: { limit: null, before: LIMIT_EXAMPLE, changeId: CHANGE_ID, eventId: EVENT_ID },
  })
  @ApiBadRequestResponse({
    description: 'Invalid body.',
    ...problem(400, 'Bad Request', 'reason must not be empty'),
  })
  @ApiForbiddenResponse({
    description: 'Not a credit-manager, or company not in the token.',
    ...problem(403, 'Forbidden', 'requires role credit-manager'),
  })
  @ApiNotFoundResponse({
    description: 'The customer has no credit limit.',
    ...problem(404, 'Not Found', 'Customer C000123 of company IT01 has no credit limit to remove'),
  })
  remove(
    @CompanyIdParam() companyId: string,
    @CustomerIdParam() customerId: string,
    @Body() body: RemoveCreditLimitBody,
    @CurrentPrincipal() principal: Principal,
  ): Promise<CreditLimitChangeResult> {
    return this.limits.remove(companyId, customerId, body, principal);
  }

  @Get('history')
  @RequireRole('viewer')
  @ApiOperation({
    summary: "The changes of a customer's credit limit, newest first",
    description:
      'Every change made through the API: before, after, who, when, why. Paginated (limit 1..500, default 50; offset).',
  })
  @ApiOkResponse({
    type: CreditLimitHistoryPage,
    example: {
      items: [
        {
          changeId: CHANGE_ID,
          action: 'set',
          before: null,
          after: LIMIT_EXAMPLE,
          changedBy: 'maria.rossi',
          reason: 'New customer',
          changedAt: '2026-03-01T09:15:00.000Z',
          eventId: EVENT_ID,
        },
      ],
      limit: 50,
      offset: 0,
      total: 1,
    },
  })
  @ApiBadRequestResponse({
    description: 'Invalid query.',
    ...problem(400, 'Bad Request', 'limit must not be greater than 500'),
  })
  @ApiForbiddenResponse({
    description: 'Company not in the token.',
    ...problem(403, 'Forbidden', 'no access to company IT02'),
  })
  history(
    @CompanyIdParam() companyId: string,
    @CustomerIdParam() customerId: string,
    @Query() query: PageQuery,
  ): Promise<CreditLimitHistoryPage> {
    return this.limits.history(companyId, customerId, query);
  }
}
