import { applyDecorators, Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { CurrentPrincipal, Principal, RequireRole } from '@credit/auth';
import { CompanyIdParam, CustomerIdParam } from '../http';
import { SetCreditLimitBody } from '../limits/credit-limit.dto';
import { CreditLimitsService } from '../limits/credit-limits.service';
import { problemResponse as problem } from '../limits/openapi';
import {
  CustomerLimitRequestsQuery,
  LimitRequestDecisionBody,
  LimitRequestPage,
  LimitRequestsQuery,
  LimitRequestView,
  RequestIdParam,
} from './limit-request.dto';

const REQUEST_EXAMPLE: LimitRequestView = {
  requestId: '7d3c1a52-4a44-4d57-8f5b-0e3c1f6f2d11',
  companyId: 'IT01',
  customerId: 'C000123',
  customerName: 'Rossi S.r.l.',
  amount: '50000.00',
  mode: 'block',
  attentionThresholdPct: 80,
  validUntil: null,
  blockOnOverdue: true,
  overdueToleranceDays: 0,
  temporaryAmount: null,
  temporaryUntil: null,
  reason: 'Annual review: turnover up 20%',
  status: 'pending',
  requestedBy: 'maria.rossi',
  requestedAt: '2026-03-01T09:15:00.000Z',
  decidedBy: null,
  decidedAt: null,
  decisionReason: null,
};
const DECIDED_EXAMPLE: LimitRequestView = {
  ...REQUEST_EXAMPLE,
  status: 'approved',
  decidedBy: 'luca.bianchi',
  decidedAt: '2026-03-01T10:02:00.000Z',
  decisionReason: 'Payment record supports it',
};
const PAGE_EXAMPLE = { items: [REQUEST_EXAMPLE], limit: 50, offset: 0, total: 1 };
const unauthorized = {
  description: 'No valid bearer token.',
  ...problem(401, 'Unauthorized', 'missing bearer token'),
};

/** The responses of both request lists. */
const ListResponses = () =>
  applyDecorators(
    ApiOkResponse({ type: LimitRequestPage, example: PAGE_EXAMPLE }),
    ApiBadRequestResponse({
      description: 'Invalid query.',
      ...problem(
        400,
        'Bad Request',
        'status must be one of the following values: pending, approved, rejected',
      ),
    }),
    ApiForbiddenResponse({
      description: 'Company not in the token.',
      ...problem(403, 'Forbidden', 'no access to company IT02'),
    }),
  );

/** The responses of approve and reject. */
const DecisionResponses = (example: LimitRequestView) =>
  applyDecorators(
    ApiOkResponse({ type: LimitRequestView, example }),
    ApiBadRequestResponse({
      description: 'Invalid body.',
      ...problem(400, 'Bad Request', 'reason must not be empty'),
    }),
    ApiForbiddenResponse({
      description: 'The requester itself, or a decider whose limit authority does not cover the amount.',
      ...problem(
        403,
        'Forbidden',
        'four eyes: you requested credit-limit request 7d3c…; another user must decide it',
      ),
    }),
    ApiNotFoundResponse({
      description: 'No such request.',
      ...problem(404, 'Not Found', 'credit-limit request … does not exist'),
    }),
    ApiConflictResponse({
      description: 'Already decided.',
      ...problem(409, 'Conflict', 'credit-limit request … is already approved'),
    }),
  );

/**
 * Four-eyes credit-limit requests (spec section 11): a limit above the
 * setter's authority waits here until another user whose authority covers it
 * approves (the limit is then set and published) or rejects it.
 */
@ApiTags('credit-limit requests')
@ApiBearerAuth()
@ApiUnauthorizedResponse(unauthorized)
@Controller('v1/companies/:companyId')
export class LimitRequestsController {
  constructor(private readonly limits: CreditLimitsService) {}

  @Post('customers/:customerId/credit-limit-requests')
  @RequireRole('credit-manager')
  @ApiOperation({
    summary: 'Asks for a credit limit that another user must approve',
    description:
      'Same body as PUT credit-limit. Nothing changes until approval; the request is audited with who, when and why.',
  })
  @ApiCreatedResponse({ type: LimitRequestView, example: REQUEST_EXAMPLE })
  @ApiBadRequestResponse({
    description: 'Invalid body: the message names the field.',
    ...problem(400, 'Bad Request', 'amount must be a money string >= 0 like 1234.56'),
  })
  @ApiForbiddenResponse({
    description: 'Not a credit-manager, or company not in the token.',
    ...problem(403, 'Forbidden', 'requires role credit-manager'),
  })
  create(
    @CompanyIdParam() companyId: string,
    @CustomerIdParam() customerId: string,
    @Body() body: SetCreditLimitBody,
    @CurrentPrincipal() principal: Principal,
  ): Promise<LimitRequestView> {
    return this.limits.request(companyId, customerId, body, principal);
  }

  @Get('customers/:customerId/credit-limit-requests')
  @RequireRole('viewer')
  @ApiOperation({ summary: "A customer's credit-limit requests, newest first (?status=)" })
  @ListResponses()
  ofCustomer(
    @CompanyIdParam() companyId: string,
    @CustomerIdParam() customerId: string,
    @Query() query: CustomerLimitRequestsQuery,
  ): Promise<LimitRequestPage> {
    return this.limits.requests({ companyId, customerId, status: query.status }, query);
  }

  @Get('credit-limit-requests')
  @RequireRole('viewer')
  @ApiOperation({
    summary: "The company's credit-limit requests, newest first (the approval queue: ?status=pending)",
  })
  @ListResponses()
  list(@CompanyIdParam() companyId: string, @Query() query: LimitRequestsQuery): Promise<LimitRequestPage> {
    return this.limits.requests({ companyId, customerId: query.customerId, status: query.status }, query);
  }

  @Get('credit-limit-requests/:requestId')
  @RequireRole('viewer')
  @ApiOperation({ summary: 'One credit-limit request' })
  @ApiOkResponse({ type: LimitRequestView, example: DECIDED_EXAMPLE })
  @ApiForbiddenResponse({
    description: 'Company not in the token.',
    ...problem(403, 'Forbidden', 'no access to company IT02'),
  })
  @ApiNotFoundResponse({
    description: 'No such request in the company.',
    ...problem(
      404,
      'Not Found',
      'credit-limit request 7d3c1a52-4a44-4d57-8f5b-0e3c1f6f2d11 does not exist in company IT01',
    ),
  })
  get(@CompanyIdParam() companyId: string, @RequestIdParam() requestId: string): Promise<LimitRequestView> {
    return this.limits.getRequest(companyId, requestId);
  }

  @Post('credit-limit-requests/:requestId/approve')
  @RequireRole('credit-manager')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Approves a pending request: the limit is set and creditLimit.set published in the same transaction',
  })
  @DecisionResponses(DECIDED_EXAMPLE)
  approve(
    @CompanyIdParam() companyId: string,
    @RequestIdParam() requestId: string,
    @Body() body: LimitRequestDecisionBody,
    @CurrentPrincipal() principal: Principal,
  ): Promise<LimitRequestView> {
    return this.limits.decide(companyId, requestId, 'approved', body.reason, principal);
  }

  @Post('credit-limit-requests/:requestId/reject')
  @RequireRole('credit-manager')
  @HttpCode(200)
  @ApiOperation({ summary: 'Rejects a pending request with a reason; the limit stays as it is' })
  @DecisionResponses({ ...DECIDED_EXAMPLE, status: 'rejected', decisionReason: 'Too many late payments' })
  reject(
    @CompanyIdParam() companyId: string,
    @RequestIdParam() requestId: string,
    @Body() body: LimitRequestDecisionBody,
    @CurrentPrincipal() principal: Principal,
  ): Promise<LimitRequestView> {
    return this.limits.decide(companyId, requestId, 'rejected', body.reason, principal);
  }
}
