import { randomUUID } from 'node:crypto';
import { Body, Controller, Get, Headers, HttpCode, Inject, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { CurrentPrincipal, Principal, RequireRole } from '@credit/auth';
import { CompanyIdParam } from '../http';
import { DecisionBody, HoldDetailDto, HoldDto, HoldIdParam, HoldPageDto, HoldsQuery } from './holds.dto';
import { Decision, HoldsService } from './holds.service';
import { optionalHeader, REQUEST_ID_PATTERN, UUID_PATTERN } from './request-rules';

const HOLD_EXAMPLE: HoldDto = {
  holdId: '0b9a4c1e-3f43-4c59-9a43-8f1b3c2d9e10',
  companyId: 'IT01',
  customerId: 'C000123',
  customerName: 'Rossi Forniture S.r.l.',
  documentType: 'order',
  documentId: 'SO-2026-0042',
  amount: '1800.00',
  exposureBefore: '4200.00',
  exposureAfter: '6000.00',
  incrementalExposure: '1800.00',
  limit: '5000.00',
  excess: '1000.00',
  reasons: ['LIMIT_EXCEEDED'],
  requestedBy: 'erp-user-luca',
  sentBy: 'erp-connector',
  source: 'api',
  status: 'pending',
  decidedBy: null,
  decidedAt: null,
  decisionReason: null,
  createdAt: '2026-03-01T10:15:02.120Z',
  ageMinutes: 42,
};
const RELEASED_EXAMPLE: HoldDetailDto = {
  ...HOLD_EXAMPLE,
  status: 'released',
  decidedBy: 'maria',
  decidedAt: '2026-03-01T10:57:40.500Z',
  decisionReason: 'Customer paid the overdue invoice this morning',
  currentExposure: {
    companyId: 'IT01',
    customerId: 'C000123',
    components: {
      orders: '1200.00',
      deliveries: '0.00',
      unpostedInvoices: '0.00',
      receivables: '3000.00',
      bills: '0.00',
    },
    total: '4200.00',
    limit: { amount: '5000.00', mode: 'block', attentionThresholdPct: 80, validUntil: null },
    status: 'WARNING',
    blocked: false,
  },
  decisions: [
    {
      decisionId: '7',
      decision: 'released',
      decidedBy: 'maria',
      reason: 'Customer paid the overdue invoice this morning',
      authority: {
        roles: [{ name: 'area-manager', maxExcess: '5000.00', mayReleaseOverdue: false }],
        effective: { maxExcess: '5000.00', mayReleaseOverdue: false },
        required: { excess: '1000.00', overdue: false },
      },
      requestId: '3c0a8a44-5d0e-4b0e-9d83-5f0d3f6c1b7a',
      decidedAt: '2026-03-01T10:57:40.500Z',
    },
  ],
};
const problem = (statusCode: number, error: string, message: string, extra: object = {}) => ({
  description: message,
  example: { statusCode, error, message, ...extra },
});
const HOLD_PARAM = {
  name: 'holdId',
  description: 'The hold id (a UUID), as returned by the credit check.',
  schema: {
    type: 'string' as const,
    format: 'uuid',
    pattern: UUID_PATTERN.source,
    example: HOLD_EXAMPLE.holdId,
  },
};
const REQUEST_ID_HEADER = {
  name: 'X-Request-Id',
  required: false,
  description: `Optional request id (${REQUEST_ID_PATTERN.source}), used as the causationId of the published event; a UUID is generated when absent.`,
};

@ApiTags('holds')
@ApiBearerAuth()
@ApiParam({ name: 'companyId', example: 'IT01' })
@ApiUnauthorizedResponse(problem(401, 'Unauthorized', 'missing bearer token'))
@Controller('v1/companies/:companyId/holds')
export class HoldsController {
  constructor(@Inject(HoldsService) private readonly holds: HoldsService) {}

  @Get()
  @RequireRole('viewer')
  @ApiOperation({
    summary: 'List holds (documents blocked by a credit check); pending ones by default, oldest first',
  })
  @ApiOkResponse({ type: HoldPageDto, example: { items: [HOLD_EXAMPLE], total: 1, limit: 50, offset: 0 } })
  @ApiBadRequestResponse(problem(400, 'Bad Request', 'minAmount must be a money string >= 0 like 1000.00'))
  @ApiForbiddenResponse(problem(403, 'Forbidden', 'no access to company IT01'))
  list(@CompanyIdParam() companyId: string, @Query() query: HoldsQuery) {
    return this.holds.list(companyId, query);
  }

  @Get(':holdId')
  @RequireRole('viewer')
  @ApiOperation({
    summary: "One hold with its reasons, the customer's current exposure and its decision history",
  })
  @ApiParam(HOLD_PARAM)
  @ApiOkResponse({ type: HoldDetailDto, example: RELEASED_EXAMPLE })
  @ApiBadRequestResponse(problem(400, 'Bad Request', `holdId must match ${UUID_PATTERN.source}`))
  @ApiForbiddenResponse(problem(403, 'Forbidden', 'no access to company IT01'))
  @ApiNotFoundResponse(
    problem(404, 'Not Found', `hold ${HOLD_EXAMPLE.holdId} does not exist in company IT01`),
  )
  detail(@CompanyIdParam() companyId: string, @HoldIdParam() holdId: string) {
    return this.holds.detail(companyId, holdId);
  }

  @Post(':holdId/release')
  @RequireRole('approver')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Release a held document by exception (evasione in deroga)',
    description:
      "Needs role approver (or higher) AND approval roles in the company whose combined authority covers the hold: max excess >= the hold's excess (null = unlimited) and, when the reasons contain OVERDUE, the overdue permission. Neither the requester (requestedBy) nor the caller that sent the check (sentBy) may release the document. Audited in hold_decision and published as document.released on risk.blocks.",
  })
  @ApiParam(HOLD_PARAM)
  @ApiHeader(REQUEST_ID_HEADER)
  @ApiOkResponse({ type: HoldDetailDto, example: RELEASED_EXAMPLE })
  @ApiBadRequestResponse(problem(400, 'Bad Request', 'reason must be a string'))
  @ApiForbiddenResponse(
    problem(
      403,
      'Forbidden',
      'not enough authority to release: the hold exceeds the limit by 1000.00 but your approval roles allow releasing at most 500.00 (your roles: junior: max excess 500.00)',
      { missing: ['MAX_EXCESS'] },
    ),
  )
  @ApiNotFoundResponse(
    problem(404, 'Not Found', `hold ${HOLD_EXAMPLE.holdId} does not exist in company IT01`),
  )
  @ApiConflictResponse(
    problem(
      409,
      'Conflict',
      `hold ${HOLD_EXAMPLE.holdId} was already released by maria at 2026-03-01T10:57:40.500Z; a hold is decided only once`,
      { holdStatus: 'released' },
    ),
  )
  release(
    @CompanyIdParam() companyId: string,
    @HoldIdParam() holdId: string,
    @Body() body: DecisionBody,
    @CurrentPrincipal() principal: Principal,
    @Headers('x-request-id') requestId: unknown,
  ) {
    return this.decide('released', companyId, holdId, body, principal, requestId);
  }

  @Post(':holdId/reject')
  @RequireRole('approver')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Reject a held document',
    description:
      'Needs role approver (or higher) and any approval role in the company (no amount or overdue permission: rejecting lets nothing through). Neither the requester (requestedBy) nor the caller that sent the check (sentBy) may reject the document. Audited in hold_decision and published as document.rejected on risk.blocks.',
  })
  @ApiParam(HOLD_PARAM)
  @ApiHeader(REQUEST_ID_HEADER)
  @ApiOkResponse({
    type: HoldDetailDto,
    example: {
      ...RELEASED_EXAMPLE,
      status: 'rejected',
      decisions: [{ ...RELEASED_EXAMPLE.decisions[0], decision: 'rejected' }],
    },
  })
  @ApiBadRequestResponse(problem(400, 'Bad Request', 'reason must be 1 to 1000 characters long'))
  @ApiForbiddenResponse(
    problem(403, 'Forbidden', 'you hold no approval role in company IT01', { missing: ['APPROVAL_ROLE'] }),
  )
  @ApiNotFoundResponse(
    problem(404, 'Not Found', `hold ${HOLD_EXAMPLE.holdId} does not exist in company IT01`),
  )
  @ApiConflictResponse(
    problem(
      409,
      'Conflict',
      `hold ${HOLD_EXAMPLE.holdId} was already released by maria at 2026-03-01T10:57:40.500Z; a hold is decided only once`,
      { holdStatus: 'released' },
    ),
  )
  reject(
    @CompanyIdParam() companyId: string,
    @HoldIdParam() holdId: string,
    @Body() body: DecisionBody,
    @CurrentPrincipal() principal: Principal,
    @Headers('x-request-id') requestId: unknown,
  ) {
    return this.decide('rejected', companyId, holdId, body, principal, requestId);
  }

  private decide(
    decision: Decision,
    companyId: string,
    holdId: string,
    body: DecisionBody,
    principal: Principal,
    requestIdHeader: unknown,
  ): Promise<HoldDetailDto> {
    const requestId = optionalHeader('X-Request-Id', requestIdHeader, REQUEST_ID_PATTERN) ?? randomUUID();
    return this.holds.decide(
      companyId,
      holdId.toLowerCase(),
      decision,
      principal.subject,
      body.reason,
      requestId,
    );
  }
}
