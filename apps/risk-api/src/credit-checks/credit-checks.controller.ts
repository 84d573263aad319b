import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { CurrentPrincipal, Principal, RequireRole } from '@credit/auth';
import { ApiMetrics } from '@credit/observability';
import { CompanyIdParam, CustomerIdParam } from '../http';
import { problemResponse as problem } from '../limits/openapi';
import { CreditCheckBody, CreditCheckResponse } from './credit-check.dto';
import { CreditChecksService } from './credit-checks.service';

const HOLD_EXAMPLE: CreditCheckResponse = {
  decision: 'HOLD',
  holdId: '3f0c2d4e-8b1a-5c6d-9e7f-0a1b2c3d4e5f',
  repeated: false,
  severity: 'block',
  exposureBefore: '4200.00',
  exposureAfter: '5700.00',
  incremental: '1500.00',
  limit: '5000.00',
  excess: '700.00',
  reasons: ['LIMIT_EXCEEDED'],
  status: { before: 'WARNING', after: 'EXCEEDED' },
  requestedBy: 'giulia.bianchi',
  sentBy: 'erp-connector',
  businessDate: '2026-03-02',
  requestId: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
};

@ApiTags('credit checks')
@ApiBearerAuth()
@Controller('v1/companies/:companyId/customers/:customerId/credit-checks')
export class CreditChecksController {
  constructor(
    private readonly checks: CreditChecksService,
    @Inject(ApiMetrics) private readonly metrics: ApiMetrics,
  ) {}

  @Post()
  @HttpCode(200)
  @RequireRole('erp-service', 'credit-manager')
  @ApiOperation({
    summary: 'Credit check of a document about to be created (spec section 6)',
    description:
      "Computed from the engine's live exposure in Redis, not from the reporting projection. " +
      'ALLOW and WARN publish document.allowed / document.warned on risk.blocks; HOLD creates a hold ' +
      '(a blocked document waiting for a release or a rejection) and publishes document.held. ' +
      'The asynchronous path (document.checkRequested on erp.documents) gives the same decision. ' +
      'Checking again a document that has a pending hold returns that hold (repeated: true) and ' +
      'creates or publishes nothing. A hold id names the document and its generation (how many holds of ' +
      'it were decided), so the synchronous and the asynchronous path name the same hold; while it is ' +
      'pending, a document.checkRequested of the document publishes document.held naming it. ' +
      "The requester is the token's subject; only erp-service may name the ERP user it acts for " +
      '(requestedBy), and then neither that user nor the token subject may decide the hold. ' +
      'Roles: erp-service, credit-manager (and admin).',
  })
  @ApiOkResponse({
    type: CreditCheckResponse,
    description: 'The decision, with the exposure before and after the document.',
    examples: {
      hold: { summary: 'Over the limit in block mode', value: HOLD_EXAMPLE },
      warn: {
        summary: 'Reaches the attention threshold',
        value: {
          ...HOLD_EXAMPLE,
          decision: 'WARN',
          holdId: undefined,
          exposureAfter: '4500.00',
          incremental: '300.00',
          excess: '0.00',
          reasons: ['ATTENTION_THRESHOLD'],
          status: { before: 'WARNING', after: 'WARNING' },
        },
      },
      allow: {
        summary: 'Well within the limit',
        value: {
          ...HOLD_EXAMPLE,
          decision: 'ALLOW',
          holdId: undefined,
          exposureBefore: '1200.00',
          exposureAfter: '1500.00',
          incremental: '300.00',
          excess: '0.00',
          reasons: [],
          status: { before: 'OK', after: 'OK' },
        },
      },
    },
  })
  @ApiServiceUnavailableResponse({
    description:
      "The customer's state is being rebuilt from the event topics (the state store was lost, or its " +
      'partition is being folded again): no decision is made on a state without its history. Retry after ' +
      'the Retry-After header (seconds).',
    ...problem(
      503,
      'Service Unavailable',
      'The exposure state of this customer is being rebuilt from the event topics (erp.documents:2 is being ' +
        'folded again), so no credit decision can be made now; retry later (see Retry-After).',
    ),
  })
  @ApiBadRequestResponse({
    description: 'Invalid body or path parameter; the message names the field.',
    ...problem(400, 'Bad Request', 'amount must be a money string >= 0 like 1234.56'),
  })
  @ApiUnauthorizedResponse({
    description: 'No valid bearer token.',
    ...problem(401, 'Unauthorized', 'missing bearer token'),
  })
  @ApiForbiddenResponse({
    description: 'Role other than erp-service, credit-manager or admin, or company not in the token.',
    ...problem(403, 'Forbidden', 'no access to company IT02'),
  })
  check(
    @CompanyIdParam() companyId: string,
    @CustomerIdParam() customerId: string,
    @Body() body: CreditCheckBody,
    @CurrentPrincipal() principal: Principal,
  ): Promise<CreditCheckResponse> {
    // credit_check_seconds{decision}: the decision itself, without the HTTP layer (see http_request_duration_seconds).
    return this.metrics.timeCreditCheck(() => this.checks.check(companyId, customerId, body, principal));
  }
}
